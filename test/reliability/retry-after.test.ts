// Retry-After and retry-after-ms are honoured only in their strict forms: delta-seconds (digits only) or an HTTP date,
// and a whole number of milliseconds. Anything else (hex, exponents, fractions, signs, junk) falls back, instead of
// being read by Number() / parseFloat() as a wait of 16 s, 1000 s, 0 ms …
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ElevenLabsClient } from "../../src/index.ts";
import { retryDelayMs } from "../../src/core/retry.ts";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { settle } from "../helpers/settle.ts";
import { retryWaits } from "../helpers/retry-sleep.ts";

// The client's wait between attempts is recorded and skipped: the test asserts which wait was chosen.
vi.mock("../../src/core/retry.ts", async (original) =>
  (await import("../helpers/retry-sleep.ts")).recordRetrySleeps(await original()),
);

// A whole second, so that an IMF-fixdate (second precision) lands exactly.
const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const noJitter = (): number => 0;
const BACKOFF = 500; // the first retry's backoff with no jitter

const delay = (headers: Record<string, string>, retry = 0): number =>
  retryDelayMs(retry, new Headers(headers), NOW, noJitter);

describe("retryDelayMs: Retry-After", () => {
  it("no header: the backoff (500 ms for the first retry, without jitter)", () => {
    expect(delay({})).toBe(BACKOFF);
    expect(retryDelayMs(0, undefined, NOW, noJitter)).toBe(BACKOFF);
  });

  it("delta-seconds is honoured", () => {
    expect(delay({ "retry-after": "5" })).toBe(5000);
    expect(delay({ "retry-after": "0" })).toBe(0);
  });

  it.each(["0x10", "1e3", "1.5", "-1", "+5", "5 5", "abc", ""])(
    "Retry-After: %j is not a valid value: backoff",
    (v) => {
      expect(delay({ "retry-after": v })).toBe(BACKOFF);
    },
  );

  it("an IMF-fixdate 3 s ahead waits 3 s", () => {
    const date = new Date(NOW + 3000).toUTCString();
    expect(date).toMatch(/^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
    expect(delay({ "retry-after": date })).toBe(3000);
  });
});

describe("retryDelayMs: retry-after-ms", () => {
  it("a whole number of milliseconds is honoured, before Retry-After", () => {
    expect(delay({ "retry-after-ms": "150" })).toBe(150);
    expect(delay({ "retry-after-ms": "150", "retry-after": "5" })).toBe(150);
  });

  it.each(["0x10", "1.5e2", "-5", "12abc"])("retry-after-ms: %j is not valid: the backoff", (v) => {
    expect(delay({ "retry-after-ms": v })).toBe(BACKOFF);
  });

  it.each(["0x10", "1.5e2", "-5", "12abc"])("retry-after-ms: %j is not valid: a valid Retry-After wins", (v) => {
    expect(delay({ "retry-after-ms": v, "retry-after": "2" })).toBe(2000);
  });

  it.each(["0x10", "1.5e2", "-5", "12abc"])(
    "retry-after-ms: %j with an invalid Retry-After (0x10): the backoff",
    (v) => {
      expect(delay({ "retry-after-ms": v, "retry-after": "0x10" })).toBe(BACKOFF);
    },
  );
});

describe("Retry-After through the client", () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMockServer({ engine: "tone", chunkMs: 20 });
  });
  afterAll(() => mock.close());

  it("429 with Retry-After: 0x10 retries after the backoff, not after 16 s", { timeout: 15_000 }, async () => {
    const client = new ElevenLabsClient({ apiKey: "k", baseUrl: mock.url, maxRetries: 1 });
    const from = mock.requests.length;
    const mark = retryWaits.mark();
    mock.fault("429:retry-after=0x10");
    // The old code waits 16 s: abort after 6 s so that it fails (with an abort error) instead of stalling.
    const result = await settle(
      client.textToSpeech
        .convert("voice", { text: "Hello there." }, { abortSignal: AbortSignal.timeout(6000) })
        .then((audio) => audio.bytes()),
      10_000,
      "convert",
    );
    expect(result.error).toBeUndefined();
    expect(result.value?.byteLength).toBeGreaterThan(1000);
    expect(result.ms).toBeLessThan(3000);
    const records = mock.requests.slice(from);
    expect(records.map((r) => r.status)).toEqual([429, 200]);
    const [wait, ...more] = retryWaits.since(mark);
    expect(more).toEqual([]);
    expect(wait).toBeGreaterThanOrEqual(375); // the first backoff, 500 ms less up to 25 % jitter
    expect(wait).toBeLessThanOrEqual(500);
  });
});
