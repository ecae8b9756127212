import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  ElevenLabsAbortError,
  ElevenLabsClient,
  ElevenLabsError,
  ElevenLabsTimeoutError,
  NotFoundError,
  RateLimitError,
  ServerError,
  UnprocessableEntityError,
} from "../../src/index.ts";
import { json, startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const client = (options: ConstructorParameters<typeof ElevenLabsClient>[0] = {}) =>
  new ElevenLabsClient({ apiKey: "secret-key-123", baseUrl: server.url, maxRetries: 0, ...options });
const fail = (c = client()) =>
  c.textToSpeech.convert("v", { text: "Hi" }).then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e as ElevenLabsError,
  );

describe("error classes", () => {
  it("422 carries the parsed detail list, and its message shows each loc and msg", async () => {
    const detail = [
      { loc: ["body", "text"], msg: "Field required", type: "missing" },
      { loc: ["query", "output_format"], msg: "Input should be 'mp3_44100_128'", type: "enum" },
    ];
    server.handle(json(422, { detail }, { "request-id": "rid-422" }));
    const error = await fail();
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error).toBeInstanceOf(ElevenLabsError);
    expect((error as UnprocessableEntityError).detail).toEqual(detail);
    expect(error.statusCode).toBe(422);
    expect(error.requestId).toBe("rid-422");
    expect(error.message).toBe(
      "422 Unprocessable Entity: body.text: Field required; query.output_format: Input should be 'mp3_44100_128' (request-id rid-422)",
    );
  });

  it.each([
    [400, BadRequestError, { detail: { status: "bad", message: "Bad text" } }, "400 Bad Request: bad: Bad text"],
    [
      401,
      AuthenticationError,
      { detail: { status: "invalid_api_key", message: "Invalid API key" } },
      "invalid_api_key",
    ],
    [403, AuthenticationError, { detail: "Forbidden voice" }, "403 Forbidden: Forbidden voice"],
    [
      404,
      NotFoundError,
      { detail: { status: "voice_not_found", message: "A voice with id v was not found" } },
      "voice_not_found",
    ],
    [429, RateLimitError, { detail: { status: "too_many_concurrent_requests", message: "Slow down" } }, "Slow down"],
    [500, ServerError, { detail: "boom" }, "500 Internal Server Error: boom"],
    [503, ServerError, { detail: "unavailable" }, "503 Service Unavailable: unavailable"],
  ])("%i → %o", async (status, klass, body, text) => {
    server.handle(json(status, body));
    const error = await fail();
    expect(error).toBeInstanceOf(klass);
    expect(error.statusCode).toBe(status);
    expect(error.body).toEqual(body);
    expect(error.message).toContain(text);
    expect(error.message).not.toContain("secret-key-123");
  });

  it("keeps a non-JSON body (a proxy's HTML 502) as text, cut short in the message", async () => {
    const html = `<html><head><title>502 Bad Gateway</title></head><body>${"x".repeat(2000)}</body></html>`;
    server.handle((_req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end(html);
    });
    const error = await fail();
    expect(error).toBeInstanceOf(ServerError);
    expect(error.body).toBe(html);
    expect(error.message.startsWith("502 Bad Gateway: <html><head><title>502 Bad Gateway</title>")).toBe(true);
    expect(error.message.length).toBeLessThan(260);
    expect(error.message.endsWith("…")).toBe(true);
  });

  it("a server that sends no headers ends in the timeout error", async () => {
    server.handle(() => undefined); // never answers
    const started = Date.now();
    const error = await fail(client({ timeoutInSeconds: 0.3 }));
    expect(error).toBeInstanceOf(ElevenLabsTimeoutError);
    expect((error as ElevenLabsTimeoutError).phase).toBe("headers");
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("a body that stalls after its headers ends in the timeout error, never hangs", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "audio/mpeg" });
      res.write(Buffer.alloc(1024));
      // …and nothing more
    });
    const audio = await client({ idleTimeoutInSeconds: 0.3 }).textToSpeech.convert("v", { text: "Hi" });
    const started = Date.now();
    const error = await audio.bytes().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsTimeoutError);
    expect((error as ElevenLabsTimeoutError).phase).toBe("body");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  // The idle timer is one per body and re-arms itself (src/core/transport.ts guard): these pin what it measures.
  it("the idle timeout counts each gap, not the whole body: 6 gaps of 150 ms pass a 400 ms limit", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "audio/mpeg" });
      let sent = 0;
      const tick = setInterval(() => {
        res.write(Buffer.alloc(100, sent));
        if (++sent === 6) {
          clearInterval(tick);
          res.end();
        }
      }, 150);
    });
    const audio = await client({ idleTimeoutInSeconds: 0.4 }).textToSpeech.convert("v", { text: "Hi" });
    const started = Date.now();
    const bytes = await audio.bytes();
    expect(Date.now() - started).toBeGreaterThanOrEqual(600); // longer than the limit in total
    expect(bytes.byteLength).toBe(600);
    expect([...new Set(bytes)]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("a stall after some chunks is timed from the read that waits, and only while a read waits", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "audio/mpeg" });
      res.write(Buffer.alloc(100, 1));
      setTimeout(() => res.write(Buffer.alloc(100, 2)), 200);
      // …and then nothing more
    });
    const audio = await client({ idleTimeoutInSeconds: 0.3 }).textToSpeech.convert("v", { text: "Hi" });
    const reader = audio.getReader();
    expect((await reader.read()).value?.[0]).toBe(1);
    // Nobody reads for longer than the limit: that is the caller's pause, not a stall.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await reader.read()).value?.[0]).toBe(2);
    const waited = Date.now();
    const error = await reader.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsTimeoutError);
    expect((error as ElevenLabsTimeoutError).phase).toBe("body");
    expect(Date.now() - waited).toBeGreaterThanOrEqual(250);
    expect(Date.now() - waited).toBeLessThan(1500);
  });

  it("per-request timeouts override the client's", async () => {
    server.handle(() => undefined);
    const c = client({ timeoutInSeconds: 30 });
    const started = Date.now();
    const error = await c.textToSpeech.convert("v", { text: "Hi" }, { timeoutInSeconds: 0.2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsTimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("a refused connection is a ConnectionError with the cause kept", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const error = await fail(client({ baseUrl: `http://127.0.0.1:${port}` }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("a reset mid-body errors the stream; the caller never gets a short file", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "audio/mpeg", "content-length": "10000" });
      res.write(Buffer.alloc(3000));
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const audio = await client().textToSpeech.convert("v", { text: "Hi" });
    const error = await audio.bytes().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain("before the whole body arrived");
  });

  it("the caller's abort before the response is an abort error", async () => {
    server.handle(() => undefined);
    const controller = new AbortController();
    const pending = client().textToSpeech.convert("v", { text: "Hi" }, { abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsAbortError);
    expect((error as Error).name).toBe("AbortError");
  });

  it("the caller's abort mid-stream is an abort error", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "audio/mpeg" });
      res.write(Buffer.alloc(1024));
    });
    const controller = new AbortController();
    const audio = await client().textToSpeech.convert("v", { text: "Hi" }, { abortSignal: controller.signal });
    const reader = audio.getReader();
    await reader.read();
    controller.abort();
    const error = await reader.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsAbortError);
  });

  it("an already aborted signal fails at once without sending", async () => {
    const before = server.requests.length;
    const error = await client()
      .textToSpeech.convert("v", { text: "Hi" }, { abortSignal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsAbortError);
    expect(server.requests.length).toBe(before);
  });
});
