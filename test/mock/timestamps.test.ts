// POST /v1/text-to-speech/{voice_id}/with-timestamps on the local server: base64 audio in the requested format and
// a character alignment that fits it (measured from the audio's own frames), with convert's headers; and the streamed
// variant: one such JSON object per line, per sentence, as each is encoded, with times from the start of the audio.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { answerErrors, schemaErrors } from "../contract/spec-schemas.ts";
import { alignmentProblems, measure, type TimedAnswer } from "./alignment-check.ts";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone" });
});
afterAll(() => mock.close());

const PATH = "/v1/text-to-speech/{voice_id}/with-timestamps";
const TEXT = "Hello  world, this is a test.\n\nA second sentence follows: 😀 and café!";

async function timed(text: string, format: string) {
  const res = await fetch(
    `${mock.url}/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb/with-timestamps?output_format=${format}`,
    {
      method: "POST",
      headers: { "xi-api-key": "k", "content-type": "application/json" },
      body: JSON.stringify({ text }),
    },
  );
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as TimedAnswer;
  return { res, body, audio: Buffer.from(body.audio_base64, "base64") };
}

describe("with-timestamps", () => {
  it("answers JSON valid against the spec, with convert's headers", async () => {
    const { res, body } = await timed("Hello there.", "mp3_44100_128");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(Number(res.headers.get("content-length"))).toBeGreaterThan(100);
    expect(res.headers.get("request-id")).toMatch(/^[0-9a-f]{20}$/);
    expect(res.headers.get("history-item-id")).toBe(`hist_${res.headers.get("request-id")}`);
    expect(res.headers.get("character-cost")).toBe("12");
    expect(answerErrors("POST", PATH, body)).toEqual([]);
  });

  it.each(["mp3_44100_128", "mp3_22050_32", "pcm_16000", "ulaw_8000", "opus_48000_64"])(
    "%s: the audio is in the format, and the alignment fits it",
    async (format) => {
      const { body, audio } = await timed(TEXT, format);
      const { duration, frame } = measure(format, audio);
      expect(duration).toBeGreaterThan(2);
      expect(alignmentProblems(body.alignment!, TEXT, duration, frame)).toEqual([]);
      const normalized = TEXT.replace(/\s+/g, " ");
      expect(alignmentProblems(body.normalized_alignment!, normalized, duration, frame)).toEqual([]);
    },
  );

  it("one entry per code point: an emoji is one character, a combining accent its own", async () => {
    const text = "Me 😀 cafe\u0301.";
    const { body } = await timed(text, "pcm_16000");
    expect(body.alignment!.characters).toEqual(["M", "e", " ", "😀", " ", "c", "a", "f", "e", "\u0301", "."]);
  });

  it("follows the tone's notes: one 60 ms note per character, whitespace runs take no time", async () => {
    // pcm: no codec delay, so the times are the notes' exact places.
    const { body, audio } = await timed("Ab  c.", "pcm_16000");
    const a = body.alignment!;
    expect(a.characters).toEqual(["A", "b", " ", " ", "c", "."]);
    expect(a.character_start_times_seconds).toEqual([0, 0.06, 0.12, 0.18, 0.18, 0.24]);
    // The segment "Ab c." lasts 300 ms at least: the last character ends where the audio does.
    expect(a.character_end_times_seconds).toEqual([0.06, 0.12, 0.18, 0.18, 0.24, 0.3]);
    expect(measure("pcm_16000", audio).duration).toBe(0.3);
  });

  it("keeps advancing through a period or colon inside a word (3.14, 10:30, e.g., example.com)", async () => {
    const { body } = await timed("A dog. Pi is 3.14 at 10:30, e.g. on example.com now.", "pcm_16000");
    const starts = body.alignment!.character_start_times_seconds;
    const chars = body.alignment!.characters;
    // Every character but a space starts later than the character before it that is not a space (one note each).
    const shown = chars.flatMap((c, i) => (c === " " ? [] : [i]));
    const stuck = shown.filter((i, k) => k > 0 && starts[i]! <= starts[shown[k - 1]!]!);
    expect(stuck).toEqual([]);
  });

  it("MP3: the times include the encoder's and decoder's delay (1105 samples)", async () => {
    const { body } = await timed("Abc.", "mp3_44100_128");
    const starts = body.alignment!.character_start_times_seconds;
    [0, 0.06, 0.12].forEach((note, i) => expect(starts[i]).toBeCloseTo(1105 / 44100 + note, 3));
  });

  it("is billed like convert", async () => {
    const before = mock.characterCount;
    await timed("Twelve chars", "pcm_8000");
    expect(mock.characterCount - before).toBe(12);
  });
});

describe("stream/with-timestamps", () => {
  const SENTENCES = [
    "The first sentence is here.",
    "A second one follows it!",
    "Is there a third?",
    "Yes, and a fourth one ends it.",
  ];
  const STORY = SENTENCES.join("  ");

  /** POST with node:http: the raw framing, and each line with whether the server was still streaming then. */
  function streamed(text: string, format: string) {
    return new Promise<{ headers: Record<string, unknown>; lines: string[]; busy: boolean[] }>((resolve, reject) => {
      const req = request(
        `${mock.url}/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb/stream/with-timestamps?output_format=${format}`,
        { method: "POST", headers: { "xi-api-key": "k", "content-type": "application/json" } },
        (res) => {
          expect(res.statusCode).toBe(200);
          const lines: string[] = [];
          const busy: boolean[] = [];
          let buffered = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            buffered += chunk;
            let end: number;
            while ((end = buffered.indexOf("\n")) >= 0) {
              lines.push(buffered.slice(0, end));
              busy.push(mock.active > 0);
              buffered = buffered.slice(end + 1);
            }
          });
          res.on("end", () => {
            expect(buffered).toBe(""); // every line ends with a newline
            resolve({ headers: res.headers, lines, busy });
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify({ text }));
    });
  }

  const joined = (chunks: TimedAnswer[], key: "alignment" | "normalized_alignment") => ({
    characters: chunks.flatMap((c) => c[key]!.characters),
    character_start_times_seconds: chunks.flatMap((c) => c[key]!.character_start_times_seconds),
    character_end_times_seconds: chunks.flatMap((c) => c[key]!.character_end_times_seconds),
  });

  it("sends JSON objects one per line, many, as the audio is encoded, with convert's headers", async () => {
    const { headers, lines, busy } = await streamed(STORY, "mp3_44100_128");
    expect(headers["content-type"]).toBe("application/json");
    expect(headers["transfer-encoding"]).toBe("chunked");
    expect(headers["content-length"]).toBeUndefined();
    expect(headers["request-id"]).toMatch(/^[0-9a-f]{20}$/);
    expect(headers["character-cost"]).toBe(String(STORY.length));
    expect(lines.length).toBeGreaterThan(SENTENCES.length * 2);
    // The first lines arrived while the server was still synthesising the rest.
    expect(busy.slice(0, 3)).toEqual([true, true, true]);
    const chunks = lines.map((line) => JSON.parse(line) as TimedAnswer);
    for (const chunk of chunks) {
      expect(schemaErrors("StreamingAudioChunkWithTimestampsResponseModel", chunk)).toEqual([]);
      expect(chunk.audio_base64.length).toBeGreaterThan(0);
      expect(chunk.alignment!.characters.length).toBeGreaterThan(0);
    }
    expect(joined(chunks, "alignment").characters.join("")).toBe(STORY);
  });

  it.each(["mp3_44100_128", "mp3_22050_32", "pcm_16000", "opus_48000_64"])(
    "%s: the lines' audio joined is one valid stream, and their alignments joined fit it (times from the start)",
    async (format) => {
      const { lines } = await streamed(STORY, format);
      const chunks = lines.map((line) => JSON.parse(line) as TimedAnswer);
      const audio = Buffer.concat(chunks.map((c) => Buffer.from(c.audio_base64, "base64")));
      const { duration, frame } = measure(format, audio); // throws on a damaged stream
      expect(alignmentProblems(joined(chunks, "alignment"), STORY, duration, frame)).toEqual([]);
      const normalized = STORY.replace(/\s+/g, " ");
      expect(alignmentProblems(joined(chunks, "normalized_alignment"), normalized, duration, frame)).toEqual([]);
      // Absolute times: the later lines start seconds into the audio, not at 0.
      const firsts = chunks.map((c) => c.alignment!.character_start_times_seconds[0]!);
      expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
      expect(firsts.at(-1)).toBeGreaterThan(duration / 2);
    },
  );

  it.each(["mp3_44100_128", "pcm_16000"])(
    "%s: each line's characters end within the audio sent up to and with that line",
    async (format) => {
      const { lines } = await streamed(STORY, format);
      const chunks = lines.map((line) => JSON.parse(line) as TimedAnswer);
      let sent = Buffer.alloc(0);
      for (const chunk of chunks) {
        sent = Buffer.concat([sent, Buffer.from(chunk.audio_base64, "base64")]);
        const { duration } = measure(format, sent); // whole frames in every line
        expect(chunk.alignment!.character_end_times_seconds.at(-1)).toBeLessThanOrEqual(duration);
      }
    },
  );

  it("the lines join to the with-timestamps answer", async () => {
    const { lines } = await streamed("Just one short sentence.", "pcm_16000");
    const chunks = lines.map((line) => JSON.parse(line) as TimedAnswer);
    expect(chunks.length).toBeGreaterThan(1);
    const { body } = await timed("Just one short sentence.", "pcm_16000");
    expect(Buffer.concat(chunks.map((c) => Buffer.from(c.audio_base64, "base64"))).toString("base64")).toBe(
      body.audio_base64,
    );
    expect(joined(chunks, "alignment")).toEqual(body.alignment);
    expect(joined(chunks, "normalized_alignment")).toEqual(body.normalized_alignment);
  });
});
