// The fault matrix: every fault the local server can inject, and exactly what the client does about it.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ConnectionError,
  ElevenLabsAbortError,
  ElevenLabsClient,
  ElevenLabsError,
  ElevenLabsTimeoutError,
  RateLimitError,
  ServerError,
} from "../../src/index.ts";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { retryWaits } from "../helpers/retry-sleep.ts";

// The waits between attempts are recorded and skipped (the tests assert the wait chosen), except in the first test,
// which proves end to end that the wait is really slept.
vi.mock("../../src/core/retry.ts", async (original) =>
  (await import("../helpers/retry-sleep.ts")).recordRetrySleeps(await original()),
);

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone", chunkMs: 20 });
});
afterAll(() => mock.close());

const client = (options: Partial<ConstructorParameters<typeof ElevenLabsClient>[0]> = {}) =>
  new ElevenLabsClient({ apiKey: "fault-key", baseUrl: mock.url, ...options });
const text = "Faults are how we learn what a client is made of.";

/** Run a convert with one fault per request from the queue; returns outcome, attempts, elapsed ms. */
async function run(faults: string[], options: Parameters<typeof client>[0] = {}, read: "bytes" | "iterate" = "bytes") {
  const from = mock.requests.length;
  const mark = retryWaits.mark();
  mock.fault(...faults);
  const started = Date.now();
  let result: Uint8Array | undefined;
  let error: unknown;
  try {
    const audio = await client(options).textToSpeech.convert("voice", { text });
    if (read === "bytes") result = await audio.bytes();
    else {
      const parts: Uint8Array[] = [];
      for await (const part of audio) parts.push(part);
      result = Buffer.concat(parts);
    }
  } catch (e) {
    error = e;
  }
  return {
    result,
    error,
    attempts: mock.requests.length - from,
    ms: Date.now() - started,
    /** The waits between attempts the client chose (slept for real only in the first test). */
    waits: retryWaits.since(mark),
    records: mock.requests.slice(from),
  };
}

describe("fault matrix", () => {
  it("429 with Retry-After: 1 is honoured, then succeeds (a real second)", async () => {
    retryWaits.real = true;
    try {
      const r = await run(["429:retry-after=1"]);
      expect(r.error).toBeUndefined();
      expect(r.attempts).toBe(2);
      expect(r.waits).toEqual([1000]);
      expect(r.ms).toBeGreaterThanOrEqual(950);
      // The wait itself is `waits`; the whole call's bound is loose, for a loaded CI machine (3.9 s was seen).
      expect(r.ms).toBeLessThan(8000);
    } finally {
      retryWaits.real = false;
    }
  });

  it("429 with an HTTP date is honoured", async () => {
    const r = await run(["429:retry-after-date=2"]);
    expect(r.error).toBeUndefined();
    expect(r.attempts).toBe(2);
    expect(r.waits).toHaveLength(1);
    expect(r.waits[0]).toBeGreaterThanOrEqual(900); // 2 s ahead, at 1 s resolution
    expect(r.waits[0]).toBeLessThanOrEqual(2000);
  });

  it("429 with retry-after-ms is honoured", async () => {
    const r = await run(["429:retry-after-ms=200", "429:retry-after-ms=200"]);
    expect(r.error).toBeUndefined();
    expect(r.attempts).toBe(3);
    expect(r.waits).toEqual([200, 200]);
  });

  it("429 for ever ends in RateLimitError after the retries", async () => {
    const r = await run(["429:retry-after-ms=10", "429:retry-after-ms=10", "429:retry-after-ms=10"]);
    expect(r.error).toBeInstanceOf(RateLimitError);
    expect(r.attempts).toBe(3);
  });

  it.each(["500", "502", "503"])(
    "%s: backoff with jitter, then ServerError with the status and a body snippet",
    async (status) => {
      const r = await run([status, status, status], { maxRetries: 2 });
      expect(r.error).toBeInstanceOf(ServerError);
      const error = r.error as ServerError;
      expect(error.statusCode).toBe(Number(status));
      expect(r.attempts).toBe(3);
      // 0.5 s and 1 s, less up to 25 % jitter
      expect(r.waits).toHaveLength(2);
      expect(r.waits[0]).toBeGreaterThanOrEqual(375);
      expect(r.waits[0]).toBeLessThanOrEqual(500);
      expect(r.waits[1]).toBeGreaterThanOrEqual(750);
      expect(r.waits[1]).toBeLessThanOrEqual(1000);
      if (status === "502") {
        expect(typeof error.body).toBe("string");
        expect(error.message).toContain("<html><head><title>502 Bad Gateway</title>");
      } else {
        expect(error.message).toContain(`Mock fault ${status}`);
      }
    },
  );

  it("a connection reset before any response is retried", async () => {
    const r = await run(["reset-before-headers"]);
    expect(r.error).toBeUndefined();
    expect(r.attempts).toBe(2);
    expect(r.result!.byteLength).toBeGreaterThan(1000);
  });

  for (const read of ["bytes", "iterate"] as const) {
    it(`a reset mid-body errors the stream (${read}); never a short file, never retried`, async () => {
      const r = await run(["reset-mid-body"], {}, read);
      expect(r.result).toBeUndefined();
      expect(r.error).toBeInstanceOf(ConnectionError);
      expect(r.attempts).toBe(1);
    });

    it(`a Content-Length longer than what arrives errors the stream (${read})`, async () => {
      const r = await run(["short-body"], {}, read);
      expect(r.result).toBeUndefined();
      expect(r.error).toBeInstanceOf(ConnectionError);
      expect(r.attempts).toBe(1);
    });
  }

  it("a stall after headers ends in the idle-timeout error within the bound", async () => {
    const r = await run(["stall-after-headers:bytes=100"], { idleTimeoutInSeconds: 0.5 });
    expect(r.error).toBeInstanceOf(ElevenLabsTimeoutError);
    expect((r.error as ElevenLabsTimeoutError).phase).toBe("body");
    expect(r.ms).toBeGreaterThanOrEqual(450);
    expect(r.ms).toBeLessThan(2000);
  });

  it("a slow drip within the idle timeout completes with every byte", async () => {
    const plain = await run([]);
    const r = await run(["slow-drip:bytes=2048,interval=5"], { idleTimeoutInSeconds: 1 });
    expect(r.error).toBeUndefined();
    expect(Buffer.from(r.result!).equals(Buffer.from(plain.result!))).toBe(true);
  });

  it("a same-origin redirect is followed, with the key", async () => {
    const r = await run(["redirect"]);
    expect(r.error).toBeUndefined();
    expect(r.records.map((x) => [x.status, x.headers["xi-api-key"]])).toEqual([
      [307, "[redacted]"],
      [200, "[redacted]"],
    ]);
  });

  it.each(["301", "302", "307", "308"])(
    "a cross-origin %s redirect is refused; the key never reaches the other origin",
    async (status) => {
      const r = await run([`redirect-cross-origin:status=${status}`]);
      expect(r.error).toBeInstanceOf(ElevenLabsError);
      expect((r.error as Error).message).toContain("another origin (http://127.0.0.2:");
      expect(r.records.filter((x) => x.origin === "other")).toEqual([]);
    },
  );

  it("a 200 with a JSON error body is an error, not audio", async () => {
    const r = await run(["json-200"]);
    expect(r.result).toBeUndefined();
    expect(r.error).toBeInstanceOf(ElevenLabsError);
    expect((r.error as ElevenLabsError).statusCode).toBe(200);
    expect((r.error as Error).message).toContain("instead of audio");
  });

  it("a server that never answers ends in the timeout error", async () => {
    const { createServer } = await import("node:net");
    const sockets: import("node:net").Socket[] = [];
    const silent = createServer((s) => void sockets.push(s)); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    const error = await new ElevenLabsClient({
      apiKey: "k",
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutInSeconds: 0.5,
    }).textToSpeech
      .convert("v", { text })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsTimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it("an abort mid-stream is the abort error, and the server sees the socket released", async () => {
    const controller = new AbortController();
    const from = mock.requests.length;
    const audio = await client().textToSpeech.convert(
      "voice",
      { text: text.repeat(20) },
      { abortSignal: controller.signal, headers: { "x-mock-fault": "slow-drip:bytes=256,interval=20" } },
    );
    const reader = audio.getReader();
    await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toBeInstanceOf(ElevenLabsAbortError);
    const record = mock.requests[from]!;
    const deadline = Date.now() + 2000;
    while (record.finishedAt === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(record.finishedAt).toBeDefined();
  });
});
