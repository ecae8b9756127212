// timeoutInSeconds bounds the body's idle time too when idleTimeoutInSeconds is not set (a 0.5 s timeout must not
// become a 30 s stall), and timeouts above what setTimeout can hold (2^31 − 1 ms) are refused before sending.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ElevenLabsClient,
  ElevenLabsTimeoutError,
  ValidationError,
  type ElevenLabsClientOptions,
  type RequestOptions,
} from "../../src/index.ts";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { settle } from "../helpers/settle.ts";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone", chunkMs: 20 });
  // One synthesis first: the server loads its encoders on first use, which on a loaded machine (the whole suite in
  // parallel) can take longer than the 0.5 s headers timeout these tests set.
  await (await client().textToSpeech.convert("voice", { text: "Warm up." })).bytes();
});
afterAll(() => mock.close());

const STALL = "stall-after-headers:bytes=100";
const MAX_SECONDS = 2147483; // floor((2^31 − 1) / 1000)

const client = (options: ElevenLabsClientOptions = {}) =>
  new ElevenLabsClient({ apiKey: "k", baseUrl: mock.url, maxRetries: 0, ...options });

/** Convert against a stalling body and read it all; the old code's 30 s idle timeout is cut short by an abort. */
async function stalled(c: ElevenLabsClient, options: RequestOptions = {}) {
  const started = Date.now();
  const result = await settle(
    c.textToSpeech
      .convert(
        "voice",
        { text: "A body that stalls." },
        { ...options, abortSignal: AbortSignal.timeout(9000), headers: { "x-mock-fault": STALL } },
      )
      .then((audio) => audio.bytes()),
    12_000,
    "the stalled read",
  );
  return { ...result, ms: Date.now() - started };
}

function expectBodyTimeout(error: unknown): void {
  expect(error).toBeInstanceOf(ElevenLabsTimeoutError);
  expect((error as ElevenLabsTimeoutError).phase).toBe("body");
}

// Independent requests, each with its own stalled response: run side by side, the four waits overlap.
describe.concurrent("the idle timeout defaults to at most timeoutInSeconds", () => {
  // The headers timeout is 1.5 s, not less: on a loaded CI machine the stalled server's headers took over 0.5 s.
  it("client { timeoutInSeconds: 1.5 }: a stalled body fails within 4 s", { timeout: 15_000 }, async () => {
    const r = await stalled(client({ timeoutInSeconds: 1.5 }));
    expectBodyTimeout(r.error);
    expect(r.ms).toBeLessThan(4000);
  });

  it("per call { timeoutInSeconds: 1.5 }: a stalled body fails within 4 s", { timeout: 15_000 }, async () => {
    const r = await stalled(client(), { timeoutInSeconds: 1.5 });
    expectBodyTimeout(r.error);
    expect(r.ms).toBeLessThan(4000);
  });

  it("an explicit idleTimeoutInSeconds still wins (client options)", { timeout: 15_000 }, async () => {
    const r = await stalled(client({ timeoutInSeconds: 1.5, idleTimeoutInSeconds: 4 }));
    expectBodyTimeout(r.error);
    expect(r.ms).toBeGreaterThanOrEqual(3900);
    expect(r.ms).toBeLessThan(8000);
  });

  it("an explicit idleTimeoutInSeconds still wins (per call)", { timeout: 15_000 }, async () => {
    const r = await stalled(client(), { timeoutInSeconds: 1.5, idleTimeoutInSeconds: 4 });
    expectBodyTimeout(r.error);
    expect(r.ms).toBeGreaterThanOrEqual(3900);
    expect(r.ms).toBeLessThan(8000);
  });
});

describe("timeouts setTimeout cannot hold are refused", () => {
  it.each(["timeoutInSeconds", "idleTimeoutInSeconds"] as const)(
    "client option %s: 3e6 is a ValidationError stating the maximum",
    (name) => {
      let error: unknown;
      try {
        client({ [name]: 3e6 });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(`options.${name}`);
      expect((error as Error).message).toMatch(/2,?147,?483/);
    },
  );

  it.each(["timeoutInSeconds", "idleTimeoutInSeconds"] as const)(
    "per-call %s: 3e6 rejects convert() with a ValidationError, nothing sent",
    async (name) => {
      const from = mock.requests.length;
      const result = await settle(
        client().textToSpeech.convert("voice", { text: "Hi" }, { [name]: 3e6 }),
        10_000,
        "convert",
      );
      expect(result.error).toBeInstanceOf(ValidationError);
      expect((result.error as ValidationError).field).toBe(`requestOptions.${name}`);
      expect((result.error as Error).message).toMatch(/2,?147,?483/);
      expect(mock.requests.length).toBe(from);
    },
  );

  it(`${MAX_SECONDS} s itself is accepted, as a client option and per call`, async () => {
    const c = client({ timeoutInSeconds: MAX_SECONDS, idleTimeoutInSeconds: MAX_SECONDS });
    const audio = await c.textToSpeech.convert(
      "voice",
      { text: "Hi" },
      { timeoutInSeconds: MAX_SECONDS, idleTimeoutInSeconds: MAX_SECONDS },
    );
    expect((await audio.bytes()).byteLength).toBeGreaterThan(1000);
  });
});
