import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  convertLongForm,
  ElevenLabsClient,
  LongFormChunkError,
  RateLimitError,
  splitText,
  TimedAudioStream,
  toWebVtt,
  ValidationError,
  words,
  type LongFormProgress,
} from "../../src/index.ts";
import { hasId3v1, mp3HeaderLength } from "../../src/core/mp3.ts";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { walkMp3Frames } from "../helpers/audio-check.ts";
import { useShortTones } from "../helpers/short-tone.ts";
import { corpus } from "./corpus.ts";

// What the 50,000-character test proves is the split, the requests and the join, not the audio's length: short tones
// make it 240 s of MP3 instead of 50 minutes (which took ~20 s to encode), still several MP3 frames per sentence.
vi.mock("../../src/mock/audio/tone.ts", async (original) =>
  (await import("../helpers/short-tone.ts")).withShortTones(await original()),
);

const TEXT = corpus(50_000);
const count = (s: string) => [...s].length;
const squash = (s: string) => s.replace(/\s+/g, "");

/** Positions where Intl.Segmenter says a word starts or ends. */
function wordBoundaries(text: string): Set<number> {
  const set = new Set<number>([0, text.length]);
  for (const s of new Intl.Segmenter(undefined, { granularity: "word" }).segment(text)) {
    set.add(s.index);
    set.add(s.index + s.segment.length);
  }
  return set;
}

describe("splitText", () => {
  it("splits 50,000 characters of prose, unicode and CJK under the limit, losing nothing, never mid-word", () => {
    expect(TEXT.length).toBeGreaterThan(49_900);
    const boundaries = wordBoundaries(TEXT);
    for (const limit of [10_000, 40_000, 1_000, 120]) {
      const chunks = splitText(TEXT, limit);
      expect(chunks.length).toBeGreaterThanOrEqual(Math.ceil(count(TEXT.replace(/\s+/g, " ")) / limit));
      for (const c of chunks) {
        expect(count(c.text)).toBeLessThanOrEqual(limit);
        expect(c.text).toBe(TEXT.slice(c.start, c.end).trim());
        expect(boundaries.has(c.start) && boundaries.has(c.end)).toBe(true);
      }
      expect(squash(chunks.map((c) => c.text).join(""))).toBe(squash(TEXT));
    }
    expect(splitText(TEXT, 10_000)).toHaveLength(5);
  });

  it("prefers paragraph, then sentence boundaries", () => {
    const text = "One two three.\n\nFour five six. Seven eight nine.";
    expect(splitText(text, 100).map((c) => c.text)).toEqual([text]);
    expect(splitText(text, 35).map((c) => c.text)).toEqual(["One two three.", "Four five six. Seven eight nine."]);
    expect(splitText(text, 20).map((c) => c.text)).toEqual(["One two three.", "Four five six.", "Seven eight nine."]);
    expect(splitText(text, 10).map((c) => c.text)).toEqual([
      "One two",
      "three.",
      "Four five",
      "six. Seven",
      "eight",
      "nine.",
    ]);
  });

  it("a single word longer than the limit is a clear error", () => {
    expect(() => splitText("Short words then Supercalifragilisticexpialidocious here.", 20)).toThrow(
      /request\.text: a single word at character 17 is 34 characters long, over the limit of 20/,
    );
    expect(() => splitText("x", 0)).toThrow(ValidationError);
  });
});

describe("MP3 joining helpers", () => {
  // A valid MPEG-1 Layer III 128 kbps 44.1 kHz mono frame header, and frames built from it.
  const frame = (tag?: string) => {
    const f = new Uint8Array(417);
    f.set([0xff, 0xfb, 0x90, 0xc4]);
    if (tag)
      f.set(
        [...tag].map((c) => c.charCodeAt(0)),
        4 + 17,
      );
    return f;
  };
  const id3 = Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 20, ...new Array<number>(20).fill(0)]);

  it("finds the ID3v2 tag and the Xing/Info frame to drop", () => {
    expect(mp3HeaderLength(Buffer.concat([frame(), frame()]))).toBe(0);
    expect(mp3HeaderLength(Buffer.concat([id3, frame()]))).toBe(30);
    expect(mp3HeaderLength(Buffer.concat([id3, frame("Xing"), frame()]))).toBe(30 + 417);
    expect(mp3HeaderLength(Buffer.concat([frame("Info"), frame()]))).toBe(417);
    expect(mp3HeaderLength(id3.subarray(0, 12))).toBeUndefined();
    const tail = new Uint8Array(200);
    tail.set([0x54, 0x41, 0x47], 72);
    expect(hasId3v1(tail)).toBe(true);
    expect(hasId3v1(frame())).toBe(false);
  });
});

describe("convertLongForm against the local server", () => {
  let mock: MockServer;
  let client: ElevenLabsClient;
  beforeAll(async () => {
    mock = await startMockServer({ engine: "tone", recordLimit: 100 });
    client = new ElevenLabsClient({ apiKey: "k", baseUrl: mock.url });
  });
  afterAll(() => mock.close());

  it("50,000 characters become one MP3 that frame-walks cleanly at the requested rate, with bounded concurrency", async () => {
    useShortTones();
    const from = mock.requests.length;
    const progress: LongFormProgress[] = [];
    const audio = convertLongForm(
      client,
      "narrator",
      { text: TEXT, outputFormat: "mp3_22050_32" },
      { concurrency: 2, onProgress: (p) => progress.push(p) },
    );
    const bytes = new Uint8Array(await new Response(audio).arrayBuffer());
    const walk = walkMp3Frames(bytes);
    expect(walk.sampleRates).toEqual([22050]);
    expect(walk.bitrates).toEqual([32]);
    expect(walk.infoFrame).toBeUndefined();
    // One GET /v1/models first (the model's limit, once per client), then the five syntheses.
    expect(
      mock.requests
        .slice(from)
        .filter((r) => r.method === "GET")
        .map((r) => r.path),
    ).toEqual(["/v1/models"]);
    const sent = mock.requests.slice(from).filter((r) => r.method === "POST");
    expect(sent).toHaveLength(5);
    const texts = sent.map((r) => (r.body as { text: string }).text);
    expect(squash(texts.join(""))).toBe(squash(TEXT));
    for (const t of texts) expect(count(t)).toBeLessThanOrEqual(10_000);
    expect(sent.every((r) => r.query.output_format === "mp3_22050_32")).toBe(true);
    expect((sent[1]!.body as { previous_text: string }).previous_text).toBe(texts[0]!.slice(-1000));
    expect((sent[1]!.body as { next_text: string }).next_text).toBe(texts[2]!.slice(0, 1000));
    expect(mock.maxActive).toBeLessThanOrEqual(2);
    expect(progress.map((p) => p.chunksDone)).toEqual([1, 2, 3, 4, 5]);
    // Each progress report carries its chunk's response metadata, in order.
    expect(progress.map((p) => p.chunk.requestId)).toEqual(sent.map((r) => r.requestId));
    expect(progress.map((p) => p.chunk.characterCost)).toEqual(texts.map((t) => count(t)));
    expect(progress.every((p) => p.chunk.contentType === "audio/mpeg")).toBe(true);
    expect(progress.at(-1)).toMatchObject({
      chunksTotal: 5,
      charactersDone: progress.at(-1)!.charactersTotal,
      bytes: bytes.length,
    });
  }, 120_000);

  it("with timestamps, 50,000 characters give one timeline whose captions end with the audio", async () => {
    useShortTones();
    const audio = convertLongForm(
      client,
      "narrator",
      { text: TEXT, outputFormat: "mp3_22050_32" },
      { timestamps: true },
    );
    expect(audio).toBeInstanceOf(TimedAudioStream);
    const bytes = new Uint8Array(await new Response(audio).arrayBuffer());
    const walk = walkMp3Frames(bytes);
    expect(walk.sampleRates).toEqual([22050]);
    const timeline = await audio.alignment();
    // The whole text, the gaps between chunks included.
    expect(timeline.characters.join("")).toBe(TEXT);
    const { characterStartTimesSeconds: starts, characterEndTimesSeconds: ends } = timeline;
    expect(starts.every((t, i) => i === 0 || t >= starts[i - 1]!)).toBe(true);
    expect(starts.every((t, i) => t <= ends[i]!)).toBe(true);
    const last = ends.at(-1)!;
    const captions = words(timeline);
    const lastCaption = captions.at(-1)!;
    console.log(
      `50,000 characters with timestamps: audio ${walk.durationSeconds.toFixed(3)} s from the MP3 frames, ` +
        `last character ends ${last.toFixed(3)} s, last caption word "${lastCaption.word}" ends ${lastCaption.end.toFixed(3)} s`,
    );
    // Within one MPEG-2 frame (576 samples at 22,050 Hz, 26 ms) of the audio's end, and never after it.
    expect(walk.durationSeconds - last).toBeGreaterThanOrEqual(-1e-6);
    expect(walk.durationSeconds - last).toBeLessThan(576 / 22050);
    expect(toWebVtt(captions)).toMatch(/^WEBVTT\n/);
  });

  it("with timestamps, checks the output format against convertWithTimestamps' spec, before anything is sent", () => {
    const from = mock.requests.length;
    // pcm_32000 is one of convert's 21 formats, not one of the 19 the with-timestamps operation takes.
    expect(() => convertLongForm(client, "v", { text: "Hi", outputFormat: "pcm_32000" }, { timestamps: true })).toThrow(
      /^request\.outputFormat: must be one of mp3_22050_32, /,
    );
    expect(() => convertLongForm(client, "v", { text: "Hi", outputFormat: "pcm_32000" })).not.toThrow();
    expect(mock.requests.length).toBe(from);
  });

  it("starts the stream as soon as the first chunk's audio arrives", async () => {
    const audio = convertLongForm(
      client,
      "v",
      { text: corpus(3000), outputFormat: "pcm_8000" },
      { maxCharacters: 500 },
    );
    const reader = audio.getReader();
    const first = await reader.read();
    expect(first.value!.byteLength).toBeGreaterThan(0);
    await reader.cancel();
  });

  it("chains request ids: each chunk sends the ids of up to 3 earlier chunks, sequentially", async () => {
    const from = mock.requests.length;
    const text = corpus(3000);
    const bytes = await new Response(
      convertLongForm(
        client,
        "v",
        { text, outputFormat: "pcm_16000" },
        { maxCharacters: 500, continuity: "request-ids" },
      ),
    ).arrayBuffer();
    const sent = mock.requests.slice(from);
    expect(sent.length).toBeGreaterThanOrEqual(6);
    expect(bytes.byteLength % 2).toBe(0);
    for (const [i, r] of sent.entries()) {
      const ids = (r.body as { previous_request_ids?: string[] }).previous_request_ids;
      const expected = sent.slice(Math.max(0, i - 3), i).map((x) => x.requestId);
      expect(ids ?? []).toEqual(expected);
      expect(r.status).toBe(200);
      if (i > 0) expect(r.receivedAt).toBeGreaterThanOrEqual(sent[i - 1]!.finishedAt!);
    }
  });

  it("a failure names the chunk and its character range; retries apply per chunk", async () => {
    const text = corpus(2000);
    const chunks = splitText(text, 500);
    // Chunk 1 meets one 429 (retried), chunk 2 meets three (fails).
    mock.fault("429:retry-after-ms=5");
    const from = mock.requests.length;
    const stream = convertLongForm(
      client,
      "v",
      { text, outputFormat: "pcm_8000" },
      { maxCharacters: 500, concurrency: 1 },
    );
    const reader = stream.getReader();
    await reader.read();
    mock.fault("429:retry-after-ms=5", "429:retry-after-ms=5", "429:retry-after-ms=5");
    let error: unknown;
    try {
      for (;;) if ((await reader.read()).done) break;
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LongFormChunkError);
    const e = error as LongFormChunkError;
    expect(e.chunkIndex).toBe(1);
    expect([e.start, e.end]).toEqual([chunks[1]!.start, chunks[1]!.end]);
    expect(e.message).toMatch(
      new RegExp(`^chunk 2 of ${chunks.length} \\(characters ${chunks[1]!.start}–${chunks[1]!.end}\\) failed: 429`),
    );
    expect(e.cause).toBeInstanceOf(RateLimitError);
    expect(e.statusCode).toBe(429);
    expect(mock.requests.length - from).toBe(5); // 2 for chunk 1, 3 for chunk 2
  });

  it("refuses Ogg Opus with a clear error that names formats that work", () => {
    expect(() => convertLongForm(client, "v", { text: "Hi", outputFormat: "opus_48000_64" })).toThrow(
      /request\.outputFormat: opus_48000_64 cannot be joined .* use an mp3_\* or pcm_\* format/,
    );
  });
});
