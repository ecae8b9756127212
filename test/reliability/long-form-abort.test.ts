// Long-form abort semantics: an already-aborted signal sends nothing; a caller's abort is an ElevenLabsAbortError
// (not a chunk failure) that closes every request in flight; a failing chunk fails the stream at once, aborting
// its neighbours; and a finished run leaves no listener on the caller's signal.
import { getEventListeners } from "node:events";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  convertLongForm,
  ElevenLabsAbortError,
  ElevenLabsClient,
  LongFormChunkError,
  ServerError,
  splitText,
  type LongFormOptions,
} from "../../src/index.ts";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { eventually, settle } from "../helpers/settle.ts";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone", chunkMs: 20 });
});
afterAll(() => mock.close());
// Streams a test opened: cancelled after it, so that one that fails by a deadline does not read on in the background.
const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
afterEach(async () => {
  await Promise.all(readers.splice(0).map((r) => r.cancel().catch(() => undefined)));
});

const PARAGRAPHS = [
  "The first paragraph is here, long enough to be a chunk of its own in this test.",
  "The second paragraph follows it, and it is also a chunk of its own in this test.",
  "The third paragraph ends the text, and it too is a chunk of its own in this test.",
];
const TEXT = PARAGRAPHS.join("\n\n");
const MAX = 100;
const DRIP = "slow-drip:bytes=256,interval=20";

const client = (options: { fetch?: typeof fetch } = {}) =>
  new ElevenLabsClient({ apiKey: "k", baseUrl: mock.url, maxRetries: 0, ...options });

/** Open a long-form stream; a synchronous throw becomes a rejected read, so that either way of failing is accepted. */
function open(c: ElevenLabsClient, options: LongFormOptions) {
  let stream: ReadableStream<Uint8Array>;
  try {
    stream = convertLongForm(c, "voice", { text: TEXT }, { maxCharacters: MAX, ...options });
  } catch (error) {
    stream = new ReadableStream({ start: (controller) => controller.error(error) });
  }
  const reader = stream.getReader();
  readers.push(reader);
  return reader;
}

async function readAll(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<number> {
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return total;
    total += value.byteLength;
  }
}

const chunkOf = (body: unknown): number => PARAGRAPHS.indexOf(String((body as { text?: unknown } | undefined)?.text));

describe("long-form abort semantics", () => {
  it("the text is three chunks", () => {
    expect(splitText(TEXT, MAX).map((c) => c.text)).toEqual(PARAGRAPHS);
  });

  it("an already-aborted signal: ElevenLabsAbortError, and no request is sent", { timeout: 15_000 }, async () => {
    const from = mock.requests.length;
    const reader = open(client(), { requestOptions: { abortSignal: AbortSignal.abort() } });
    const result = await settle(readAll(reader), 8000, "reading the long-form stream");
    expect(result.error).toBeInstanceOf(ElevenLabsAbortError);
    expect((result.error as Error).name).toBe("AbortError");
    await new Promise((r) => setTimeout(r, 200));
    expect(mock.requests.slice(from)).toEqual([]);
  });

  it("an abort mid-stream: ElevenLabsAbortError, every request closed at once", { timeout: 15_000 }, async () => {
    const from = mock.requests.length;
    const controller = new AbortController();
    const reader = open(client(), {
      requestOptions: { abortSignal: controller.signal, headers: { "x-mock-fault": DRIP } },
    });
    const first = await settle(reader.read(), 8000, "the first read");
    expect(first.value?.done).toBe(false);
    const abortedAt = Date.now();
    controller.abort();
    const next = await settle(readAll(reader), 8000, "reading after the abort");
    expect(next.error).toBeInstanceOf(ElevenLabsAbortError);
    expect(next.error).not.toBeInstanceOf(LongFormChunkError);
    const records = mock.requests.slice(from);
    expect(records.length).toBeGreaterThanOrEqual(1);
    expect(await eventually(() => records.every((r) => r.finishedAt !== undefined), 2000)).toBe(true);
    for (const r of records) expect(r.finishedAt! - abortedAt).toBeLessThan(1000);
  });

  it("a chunk that fails while another streams: its LongFormChunkError, at once", { timeout: 20_000 }, async () => {
    const from = mock.requests.length;
    // Chunk 0 drips slowly (≈ 60 s of dripping), chunk 1 gets a 500: a fault per chunk, by the text it carries.
    const faults: Record<number, string> = { 0: "slow-drip:bytes=64,interval=50", 1: "500" };
    const faulty: typeof fetch = async (input, init) => {
      const text = await new Response(init?.body ?? null).text();
      const chunk = chunkOf(JSON.parse(text));
      const fault = faults[chunk];
      // Chunk 1 fails only once chunk 0 is streaming: on a loaded machine its 500 could otherwise come back (and abort
      // chunk 0) before chunk 0's request reached the server.
      if (chunk === 1) await eventually(() => mock.requests.slice(from).some((r) => chunkOf(r.body) === 0), 5000);
      const headers = new Headers(init?.headers);
      if (fault) headers.set("x-mock-fault", fault);
      return fetch(input, { ...init, headers, body: text });
    };
    const started = Date.now();
    const reader = open(client({ fetch: faulty }), { concurrency: 2 });
    const result = await settle(readAll(reader), 10_000, "reading the long-form stream");
    const failedAt = Date.now();
    expect(result.error).toBeInstanceOf(LongFormChunkError);
    const error = result.error as LongFormChunkError;
    expect(error.chunkIndex).toBe(1);
    expect(error.cause).toBeInstanceOf(ServerError);
    expect(error.statusCode).toBe(500);
    // Well before chunk 0 could have finished dripping.
    expect(failedAt - started).toBeLessThan(4000);
    const records = mock.requests.slice(from);
    const zero = records.find((r) => chunkOf(r.body) === 0);
    expect(zero, "chunk 0 was requested").toBeDefined();
    expect(records.find((r) => chunkOf(r.body) === 1)?.status).toBe(500);
    // Chunk 0's request is closed soon after the failure …
    expect(await eventually(() => zero!.finishedAt !== undefined, 2000)).toBe(true);
    expect(zero!.finishedAt! - failedAt).toBeLessThan(1000);
    // … and chunk 2 is never requested.
    await new Promise((r) => setTimeout(r, 300));
    expect(mock.requests.slice(from).filter((r) => chunkOf(r.body) === 2)).toEqual([]);
  });

  it("a finished run leaves no 'abort' listener on the caller's signal", { timeout: 15_000 }, async () => {
    const controller = new AbortController();
    const reader = open(client(), { requestOptions: { abortSignal: controller.signal } });
    const result = await settle(readAll(reader), 10_000, "reading the long-form stream");
    expect(result.error).toBeUndefined();
    expect(result.value).toBeGreaterThan(1000);
    expect(getEventListeners(controller.signal, "abort")).toEqual([]);
  });

  it("a cancelled run leaves no 'abort' listener on the caller's signal", { timeout: 15_000 }, async () => {
    const controller = new AbortController();
    const reader = open(client(), {
      requestOptions: { abortSignal: controller.signal, headers: { "x-mock-fault": DRIP } },
    });
    await reader.read();
    await reader.cancel();
    expect(await eventually(() => getEventListeners(controller.signal, "abort").length === 0, 2000)).toBe(true);
  });
});
