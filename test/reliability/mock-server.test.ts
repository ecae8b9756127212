// The local server: a JSON body sent as text/plain is refused as FastAPI refuses it (422, loc ["body"]); and a
// client that reads slowly does not make the server pile up listeners while it waits for 'drain'.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone" });
});
afterAll(() => mock.close());

const KEY = "mock-key";
const path = (format = "mp3_44100_128") => `/v1/text-to-speech/voice?output_format=${format}`;

async function post(body: BodyInit, headers: Record<string, string>) {
  const response = await fetch(`${mock.url}${path()}`, {
    method: "POST",
    headers: { "xi-api-key": KEY, ...headers },
    body,
  });
  const type = response.headers.get("content-type") ?? "";
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, type, bytes };
}

const JSON_BODY = JSON.stringify({ text: "Hello from a plain text body." });

describe("the request's content type", () => {
  it("a JSON body sent as text/plain: 422, loc ['body'], model_attributes_type", async () => {
    const r = await post(JSON_BODY, { "content-type": "text/plain" });
    expect(r.status).toBe(422);
    expect(r.type).toContain("application/json");
    const { detail } = JSON.parse(Buffer.from(r.bytes).toString("utf8")) as {
      detail: { loc: unknown[]; msg: string; type: string }[];
    };
    expect(detail[0]?.loc).toEqual(["body"]);
    expect(detail[0]?.type).toBe("model_attributes_type");
    expect(detail[0]?.msg).toBe("Input should be a valid dictionary or object to extract fields from");
  });

  it("fetch's own default for a string body (text/plain;charset=UTF-8) is refused the same way", async () => {
    const r = await post(JSON_BODY, {});
    expect(r.status).toBe(422);
  });

  it("application/json; charset=utf-8 is accepted", async () => {
    const r = await post(JSON_BODY, { "content-type": "application/json; charset=utf-8" });
    expect(r.status).toBe(200);
    expect(r.type).toBe("audio/mpeg");
    expect(r.bytes.byteLength).toBeGreaterThan(1000);
  });

  it("no content type at all is accepted", async () => {
    // A Uint8Array body: fetch adds no content-type for it.
    const r = await post(new TextEncoder().encode(JSON_BODY), {});
    expect(r.status).toBe(200);
    expect(r.type).toBe("audio/mpeg");
    expect(r.bytes.byteLength).toBeGreaterThan(1000);
  });
});

describe("backpressure", () => {
  it("a slow reader causes no MaxListenersExceededWarning", { timeout: 30_000 }, async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on("warning", onWarning);
    try {
      // 500 characters of tone at 60 ms each: 30 s of 44.1 kHz PCM, about 2.6 MB. Every 200 ms chunk fills the
      // response's buffer, so the server waits for 'drain' about 150 times; Node warns at the 11th leaked listener.
      const text = "Slow readers are part of life. ".repeat(17).slice(0, 500);
      const req = httpRequest(`${mock.url}${path("pcm_44100")}`, {
        method: "POST",
        headers: { "content-type": "application/json", "xi-api-key": KEY },
      });
      req.end(JSON.stringify({ text }));
      const [res] = (await once(req, "response")) as [IncomingMessage];
      expect(res.statusCode).toBe(200);
      // Read at about 2.5 MB/s in small bursts, so the server fills the socket and waits for 'drain' again and again.
      const started = Date.now();
      let received = 0;
      res.on("data", (chunk: Buffer) => {
        received += chunk.length;
        const ahead = received / 2500 - (Date.now() - started);
        if (ahead > 0) {
          res.pause();
          setTimeout(() => res.resume(), Math.min(ahead, 50));
        }
      });
      await once(res, "end");
      expect(received).toBeGreaterThan(2_500_000);
      // Warnings are emitted on the next tick.
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning").map((w) => w.message)).toEqual([]);
  });
});
