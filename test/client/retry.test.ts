import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ConnectionError, ElevenLabsClient, RateLimitError, ServerError, BadRequestError } from "../../src/index.ts";
import { retryDelayMs, MAX_RETRY_DELAY_MS } from "../../src/core/retry.ts";
import { audio, json, startTestServer, type Handler, type TestServer } from "../helpers/server.ts";
import { retryWaits } from "../helpers/retry-sleep.ts";

// The waits between attempts are recorded, not slept: each test asserts the wait the client chose.
// test/reliability/faults.test.ts proves end to end that a Retry-After: 1 really waits a second.
vi.mock("../../src/core/retry.ts", async (original) =>
  (await import("../helpers/retry-sleep.ts")).recordRetrySleeps(await original()),
);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const MP3 = new Uint8Array([0xff, 0xfb, 0x90, 0x64]);
const client = (maxRetries = 2) => new ElevenLabsClient({ apiKey: "k", baseUrl: server.url, maxRetries });

/** Answer the first `failures` requests with `fail`, then with audio. */
function sequence(failures: number, fail: Handler): Handler {
  let n = 0;
  return (req, res, rec) => (n++ < failures ? fail(req, res, rec) : audio(MP3)(req, res, rec));
}

describe("retries", () => {
  it("honours Retry-After in seconds", async () => {
    const from = server.requests.length;
    const mark = retryWaits.mark();
    server.handle(sequence(1, json(429, { detail: "slow down" }, { "retry-after": "1" })));
    const bytes = await (await client().textToSpeech.convert("v", { text: "Hi" })).bytes();
    expect(Buffer.from(bytes)).toEqual(Buffer.from(MP3));
    expect(server.requests.length - from).toBe(2);
    expect(retryWaits.since(mark)).toEqual([1000]);
  });

  it("honours retry-after-ms", async () => {
    const from = server.requests.length;
    const mark = retryWaits.mark();
    server.handle(sequence(2, json(503, { detail: "busy" }, { "retry-after-ms": "150" })));
    await (await client().textToSpeech.convert("v", { text: "Hi" })).bytes();
    expect(server.requests.length - from).toBe(3);
    expect(retryWaits.since(mark)).toEqual([150, 150]);
  });

  it("honours Retry-After as an HTTP date", async () => {
    const mark = retryWaits.mark();
    server.handle(
      sequence(1, (req, res, rec) =>
        json(429, {}, { "retry-after": new Date(Date.now() + 2000).toUTCString() })(req, res, rec),
      ),
    );
    await (await client().textToSpeech.convert("v", { text: "Hi" })).bytes();
    const [wait, ...more] = retryWaits.since(mark);
    expect(more).toEqual([]);
    expect(wait).toBeGreaterThanOrEqual(900); // HTTP dates have 1 s resolution
    expect(wait).toBeLessThanOrEqual(2000);
  });

  it("caps what the server asks for, and computes backoff with jitter", () => {
    const h = (k: string, v: string) => new Headers({ [k]: v });
    expect(retryDelayMs(0, h("retry-after", "3600"))).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(0, h("retry-after-ms", "1000000000"))).toBe(MAX_RETRY_DELAY_MS);
    // retry-after-ms is digits only (issue H): an exponent is not honoured, the backoff applies
    expect(retryDelayMs(0, h("retry-after-ms", "1e9"), 0, () => 0)).toBe(500);
    expect(retryDelayMs(0, h("retry-after", "2"))).toBe(2000);
    expect(retryDelayMs(0, h("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"), Date.parse("2015-10-21T07:27:58Z"))).toBe(
      2000,
    );
    expect(retryDelayMs(0, undefined, 0, () => 0)).toBe(500);
    expect(retryDelayMs(1, undefined, 0, () => 0)).toBe(1000);
    expect(retryDelayMs(3, undefined, 0, () => 0)).toBe(4000);
    expect(retryDelayMs(10, undefined, 0, () => 0)).toBe(8000);
    expect(retryDelayMs(0, undefined, 0, () => 1)).toBe(375); // up to 25 % jitter
    expect(retryDelayMs(0, h("retry-after", "garbage"), 0, () => 0)).toBe(500);
  });

  it.each([408, 409, 429, 500, 502, 503, 504])(
    "retries %i, then gives the error class with the status",
    async (status) => {
      const from = server.requests.length;
      server.handle(json(status, { detail: "nope" }, { "retry-after-ms": "10" }));
      const error = await client(2)
        .textToSpeech.convert("v", { text: "Hi" })
        .catch((e: unknown) => e);
      expect(server.requests.length - from).toBe(3); // 1 + 2 retries (the default)
      expect((error as { statusCode: number }).statusCode).toBe(status);
      if (status === 429) expect(error).toBeInstanceOf(RateLimitError);
      if (status >= 500) expect(error).toBeInstanceOf(ServerError);
    },
  );

  it("backs off exponentially without Retry-After", async () => {
    const from = server.requests.length;
    const mark = retryWaits.mark();
    server.handle(sequence(2, json(500, { detail: "x" })));
    await (await client().textToSpeech.convert("v", { text: "Hi" })).bytes();
    expect(server.requests.length - from).toBe(3);
    const [first, second, ...more] = retryWaits.since(mark);
    expect(more).toEqual([]);
    expect(first).toBeGreaterThanOrEqual(375); // 500 ms − 25 % jitter
    expect(first).toBeLessThanOrEqual(500);
    expect(second).toBeGreaterThanOrEqual(750); // 1 s − 25 %
    expect(second).toBeLessThanOrEqual(1000);
  });

  it("does not retry 400 or 422", async () => {
    const from = server.requests.length;
    server.handle(json(400, { detail: "bad" }));
    await expect(client().textToSpeech.convert("v", { text: "Hi" })).rejects.toBeInstanceOf(BadRequestError);
    expect(server.requests.length - from).toBe(1);
  });

  it("retries a connection reset before any response", async () => {
    const from = server.requests.length;
    server.handle(sequence(1, (req) => req.socket.destroy()));
    const bytes = await (await client().textToSpeech.convert("v", { text: "Hi" })).bytes();
    expect(bytes.byteLength).toBe(MP3.byteLength);
    expect(server.requests.length - from).toBe(2);
  });

  it("gives up on resets after maxRetries with a ConnectionError", async () => {
    const from = server.requests.length;
    server.handle((req) => req.socket.destroy());
    const error = await client(1)
      .textToSpeech.convert("v", { text: "Hi" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(server.requests.length - from).toBe(2);
  });

  it("respects a per-request maxRetries", async () => {
    const from = server.requests.length;
    server.handle(json(503, {}, { "retry-after-ms": "1" }));
    await client(5)
      .textToSpeech.convert("v", { text: "Hi" }, { maxRetries: 0 })
      .catch(() => undefined);
    expect(server.requests.length - from).toBe(1);
  });

  it("never retries once audio bytes have reached the caller", async () => {
    const from = server.requests.length;
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "audio/mpeg", "content-length": "8192" });
      res.write(Buffer.alloc(1000));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const result = await client(3).textToSpeech.convert("v", { text: "Hi" });
    await expect(result.bytes()).rejects.toBeInstanceOf(ConnectionError);
    expect(server.requests.length - from).toBe(1);
  });
});
