// POST /v1/text-to-speech/{voice_id}/with-timestamps on the local server: base64 audio in the requested format and
// a character alignment that fits it (measured from the audio's own frames), with convert's headers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { answerErrors } from "../contract/spec-schemas.ts";
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
