import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone", chunkMs: 50 });
});
afterAll(() => mock.close());

const TTS = "/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb";
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(mock.url + path, {
    method: "POST",
    headers: { "xi-api-key": "key-1", "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("local server: routes and errors", () => {
  it("404 for unknown routes, in the API's shape", async () => {
    const res = await post("/v1/nope", { text: "x" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ detail: "Not Found" });
  });

  it("405 for the wrong method, with Allow", async () => {
    const res = await fetch(mock.url + TTS, { headers: { "xi-api-key": "k" } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect(await res.json()).toEqual({ detail: "Method Not Allowed" });
  });

  it("401 for a missing key", async () => {
    const res = await fetch(mock.url + TTS, { method: "POST", body: '{"text":"x"}' });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { detail: { status: string; message: string } };
    expect(body.detail.status).toBe("invalid_api_key");
    expect(body.detail.message).toContain("xi-api-key");
  });

  it("401 for an unknown key when the accepted keys are configured", async () => {
    const strict = await startMockServer({ apiKeys: ["good"], engine: "tone" });
    try {
      const bad = await fetch(strict.url + TTS, {
        method: "POST",
        headers: { "xi-api-key": "bad", "content-type": "application/json" },
        body: '{"text":"x"}',
      });
      expect(bad.status).toBe(401);
      expect(await bad.json()).toEqual({ detail: { status: "invalid_api_key", message: "Invalid API key" } });
      const good = await fetch(strict.url + TTS, {
        method: "POST",
        headers: { "xi-api-key": "good", "content-type": "application/json" },
        body: '{"text":"x"}',
      });
      expect(good.status).toBe(200);
      await good.arrayBuffer();
    } finally {
      await strict.close();
    }
  });

  it("422 with loc/msg/type for each invalid field", async () => {
    const res = await post(`${TTS}?output_format=wav&optimize_streaming_latency=9`, {
      seed: 4294967296,
      previous_request_ids: ["a", "b", "c", "d"],
      voice_settings: { stability: "high" },
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      detail: expect.arrayContaining([
        { loc: ["body", "text"], msg: "Field required", type: "missing" },
        { loc: ["body", "seed"], msg: "Input should be less than or equal to 4294967295", type: "less_than_equal" },
        {
          loc: ["body", "previous_request_ids"],
          msg: "List should have at most 3 items after validation",
          type: "too_long",
        },
        { loc: ["body", "voice_settings", "stability"], msg: "Input should be a valid number", type: "float_type" },
        {
          loc: ["query", "optimize_streaming_latency"],
          msg: "Input should be less than or equal to 4",
          type: "less_than_equal",
        },
        expect.objectContaining({ loc: ["query", "output_format"], type: "enum" }),
      ]),
    });
  });

  it("422 for a body that is not JSON, and for a missing body", async () => {
    const res = await post(TTS, "{not json");
    expect(res.status).toBe(422);
    const body = (await res.json()) as { detail: { loc: unknown[]; type: string }[] };
    expect(body.detail[0]).toMatchObject({ loc: ["body", 0], type: "json_invalid" });
    const empty = await post(TTS, "");
    expect(empty.status).toBe(422);
    expect(await empty.json()).toEqual({ detail: [{ loc: ["body"], msg: "Field required", type: "missing" }] });
  });

  it("rejects previous_request_ids it did not issue, and accepts ones it did", async () => {
    const bad = await post(TTS, { text: "x", previous_request_ids: ["nope"] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: { message: string } }).detail.message).toContain('"nope"');
    const first = await post(TTS, { text: "One." });
    await first.arrayBuffer();
    const id = first.headers.get("request-id")!;
    const second = await post(TTS, { text: "Two.", previous_request_ids: [id] });
    expect(second.status).toBe(200);
    await second.arrayBuffer();
  });
});

describe("local server: audio responses", () => {
  it("answers with the real API's headers: unique request-id, character-cost, history-item-id", async () => {
    const text = "Héllo wörld 👋";
    const a = await post(TTS, { text });
    const b = await post(TTS, { text });
    for (const r of [a, b]) {
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("audio/mpeg");
      expect(r.headers.get("character-cost")).toBe(String([...text].length));
      expect(r.headers.get("history-item-id")).toBe(`hist_${r.headers.get("request-id")}`);
      await r.arrayBuffer();
    }
    expect(a.headers.get("request-id")).toMatch(/^[0-9a-f]{20}$/);
    expect(a.headers.get("request-id")).not.toBe(b.headers.get("request-id"));
    const noLog = await post(`${TTS}?enable_logging=false`, { text });
    expect(noLog.headers.get("history-item-id")).toBeNull();
    await noLog.arrayBuffer();
  });

  it("streams the body in chunks as they are encoded", async () => {
    const res = await post(`${TTS}?output_format=pcm_16000`, {
      text: "A sentence that is long enough to last a while.",
    });
    const reader = res.body!.getReader();
    const arrivals: number[] = [];
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push(Date.now());
      bytes += value.byteLength;
    }
    expect(arrivals.length).toBeGreaterThan(3);
    expect(bytes % 2).toBe(0);
    expect(bytes).toBeGreaterThan(16000 * 2); // > 1 s of 16-bit audio
  });

  it("gives the same bytes for the same text, voice, format and seed", async () => {
    const get = async (seed: number) =>
      Buffer.from(await (await post(`${TTS}?output_format=mp3_22050_32`, { text: "Same.", seed })).arrayBuffer());
    const [a, b, c] = [await get(1), await get(1), await get(2)];
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });

  it("records requests with the API key redacted, bounded by recordLimit", async () => {
    const small = await startMockServer({ engine: "tone", recordLimit: 2 });
    try {
      for (const text of ["one", "two", "three"]) {
        const r = await fetch(`${small.url}${TTS}?output_format=ulaw_8000`, {
          method: "POST",
          headers: { "xi-api-key": "super-secret", "content-type": "application/json" },
          body: JSON.stringify({ text }),
        });
        await r.arrayBuffer();
      }
      expect(small.requests.map((r) => (r.body as { text: string }).text)).toEqual(["two", "three"]);
      const last = small.requests.at(-1)!;
      expect(last).toMatchObject({
        method: "POST",
        path: TTS,
        query: { output_format: "ulaw_8000" },
        voiceId: "JBFqnCBsd6RMkjVDRZzb",
        status: 200,
      });
      expect(last.headers["xi-api-key"]).toBe("[redacted]");
      expect(JSON.stringify(small.requests)).not.toContain("super-secret");
    } finally {
      await small.close();
    }
  });

  it("answers CORS preflights and exposes the metadata headers", async () => {
    const res = await fetch(mock.url + TTS, {
      method: "OPTIONS",
      headers: {
        origin: "http://page.test",
        "access-control-request-method": "POST",
        "access-control-request-headers": "xi-api-key,content-type",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")).toBe("xi-api-key,content-type");
    const ok = await post(TTS, { text: "x" });
    expect(ok.headers.get("access-control-expose-headers")).toContain("request-id");
    await ok.arrayBuffer();
  });
});
