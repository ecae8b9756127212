// The local server's realtime WebSocket (stream-input): text in, real audio out, with an alignment that covers every
// character sent; the chunk-length schedule, flush, try_trigger_generation and auto mode.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { parseOggPages, walkMp3Frames } from "../helpers/audio-check.ts";
import {
  audioOf,
  channelUrl,
  connect,
  durationOf,
  messageDurations,
  sessionTimeline,
  type Message,
  type Times,
  type WsSession,
} from "../helpers/ws-session.ts";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone" });
});
afterAll(() => mock.close());

const TEXTS = [
  "Hello there, this is a realtime test of the local server. ",
  "It sends several messages, ",
  "some of them short, ",
  "and one that is a little longer than the others, so that the schedule has something to cut. ",
  "The end. ",
];

/** A whole session: init, the texts, the end of input; every message received until the close. */
async function session(
  query: Record<string, string>,
  texts: readonly (string | Message)[] = TEXTS,
  first: Message = { text: " " },
): Promise<{ s: WsSession; code: number; reason: string }> {
  const s = await connect(channelUrl(mock.url, "stream-input", query));
  s.send(first);
  for (const t of texts) s.send(typeof t === "string" ? { text: t } : t);
  s.send({ text: "" });
  const { code, reason } = await s.close();
  return { s, code, reason };
}

/** What every audio session must satisfy: audio, then isFinal alone at the end, then a normal close. */
function expectFinished(s: WsSession, code: number): Message[] {
  expect(code).toBe(1000);
  expect(s.messages.at(-1)).toEqual({ isFinal: true });
  const audio = s.audioMessages();
  expect(audio.length).toBe(s.messages.length - 1);
  expect(audio.length).toBeGreaterThan(0);
  return audio;
}

/** The alignment on one timeline: the text sent, in order, times non-decreasing, within the audio. */
function expectAligned(format: string, audio: Message[], text: string): void {
  const line = sessionTimeline(format, audio);
  expect(line.chars.join("")).toBe(text);
  for (let i = 1; i < line.chars.length; i++) {
    expect(line.starts[i]).toBeGreaterThanOrEqual(line.starts[i - 1]!);
  }
  for (let i = 0; i < line.chars.length; i++) expect(line.ends[i]).toBeGreaterThanOrEqual(line.starts[i]!);
  expect(Math.max(...line.ends)).toBeLessThanOrEqual(line.totalMs + 1);
  // Each message's characters start within the message's own audio (times are relative to the message).
  const durations = messageDurations(format, audio);
  audio.forEach((m, i) => {
    const times = m.alignment as Times | null;
    for (const start of times?.charStartTimesMs ?? []) expect(start).toBeLessThanOrEqual(durations[i]! + 1);
    if (times) {
      expect(times.charStartTimesMs).toHaveLength(times.chars.length);
      expect(times.charsDurationsMs).toHaveLength(times.chars.length);
    }
  });
}

describe("stream-input: a session", () => {
  it("MP3: several text messages give one valid MP3 (whole frames per message), aligned, then isFinal and 1000", async () => {
    const { s, code } = await session({ output_format: "mp3_44100_128" });
    const audio = expectFinished(s, code);
    for (const m of audio) walkMp3Frames(Buffer.from(String(m.audio), "base64"), { cbr: true });
    const whole = walkMp3Frames(audioOf(audio), { cbr: true });
    expect(whole.sampleRates).toEqual([44100]);
    expect(whole.bitrates).toEqual([128]);
    expectAligned("mp3_44100_128", audio, TEXTS.join(""));
    // The tone plays 60 ms a character: the letters are 60 ms long.
    const line = sessionTimeline("mp3_44100_128", audio);
    const h = line.chars.indexOf("H");
    expect(line.ends[h]! - line.starts[h]!).toBeCloseTo(60, -1);
    // The normalised alignment is the same text, whitespace runs folded and each generation trimmed.
    const normalized = sessionTimeline("mp3_44100_128", audio, "normalizedAlignment");
    expect(normalized.chars.join("").replace(/\s/g, "")).toBe(TEXTS.join("").replace(/\s/g, ""));
  });

  it("PCM: the audio's length matches the alignment (60 ms a character), and a character's time is where it sounds", async () => {
    const texts = ["abc def ", "ghi"];
    const { s, code } = await session({ output_format: "pcm_16000" }, texts);
    const audio = expectFinished(s, code);
    const pcm = audioOf(audio);
    expect(pcm.length % 2).toBe(0);
    const line = sessionTimeline("pcm_16000", audio);
    expect(line.chars.join("")).toBe("abc def ghi");
    expectAligned("pcm_16000", audio, "abc def ghi");
    // 9 letters of 60 ms; whitespace rests take their note too in the tone; the audio ends where the last letter does.
    const seconds = pcm.length / 2 / 16000;
    expect(line.ends.at(-1)! / 1000).toBeLessThanOrEqual(seconds + 0.001);
    expect(seconds).toBeGreaterThanOrEqual(0.6);
    // Where the alignment says "d" sounds, the samples are loud; in the rest before it, they are silent.
    const at = (ms: number) => Math.abs(pcm.readInt16LE(Math.floor((ms / 1000) * 16000) * 2));
    const d = line.chars.indexOf("d");
    const loud = Array.from({ length: 40 }, (_, k) => at(line.starts[d]! + 10 + k)).some((v) => v > 3000);
    expect(loud).toBe(true);
  });

  it("Ogg Opus: the messages are whole pages of one stream, aligned", async () => {
    const { s, code } = await session({ output_format: "opus_48000_64" });
    const audio = expectFinished(s, code);
    const parsed = parseOggPages(audioOf(audio));
    expect(parsed.pages.at(-1)!.eos).toBe(true);
    expectAligned("opus_48000_64", audio, TEXTS.join(""));
    const total = messageDurations("opus_48000_64", audio).reduce((a, b) => a + b, 0);
    expect(total / 1000).toBeCloseTo(durationOf("opus_48000_64", audioOf(audio)), 2);
  });

  it("μ-law: one byte a sample, aligned", async () => {
    const { s, code } = await session({ output_format: "ulaw_8000" }, ["Short and sweet. "]);
    const audio = expectFinished(s, code);
    expectAligned("ulaw_8000", audio, "Short and sweet. ");
  });

  it("the output format defaults to the API's default (mp3_44100_128)", async () => {
    const { s, code } = await session({}, ["Default format. "]);
    const audio = expectFinished(s, code);
    expect(walkMp3Frames(audioOf(audio)).bitrates).toEqual([128]);
  });

  it("xi_api_key in the first message authenticates, and the record redacts it", async () => {
    const s = await connect(channelUrl(mock.url, "stream-input"), {});
    s.send({ text: " ", xi_api_key: "secret-key" });
    s.send({ text: "Keyed. " });
    s.send({ text: "" });
    expect((await s.close()).code).toBe(1000);
    const record = mock.requests.at(-1)!;
    expect(record.status).toBe(101);
    expect(record.socket?.received[0]).toEqual({ text: " ", xi_api_key: "[redacted]" });
    expect(JSON.stringify(record)).not.toContain("secret-key");
    expect(record.socket?.closeCode).toBe(1000);
  });

  it("the authorization query parameter authenticates, redacted in the record", async () => {
    const s = await connect(channelUrl(mock.url, "stream-input", { authorization: "Bearer secret-token" }), {});
    s.send({ text: " " });
    s.send({ text: "" });
    expect((await s.close()).code).toBe(1000);
    expect(s.messages).toEqual([{ isFinal: true }]); // nothing was said: no audio
    expect(JSON.stringify(mock.requests.at(-1))).not.toContain("secret-token");
  });
});

describe("stream-input: when audio is generated", () => {
  /** Sends `texts` (after init); resolves with the messages received within `ms` (the socket left open). */
  async function within(query: Record<string, string>, texts: readonly Message[], ms: number, first?: Message) {
    const s = await connect(channelUrl(mock.url, "stream-input", query));
    s.send(first ?? { text: " " });
    for (const t of texts) s.send(t);
    await new Promise((r) => setTimeout(r, ms));
    return s;
  }

  it("the default schedule waits for 120 characters, then generates up to the last word boundary", async () => {
    const words = "word ".repeat(23); // 115 characters
    const s = await within({ output_format: "pcm_16000" }, [{ text: words }], 300);
    expect(s.messages).toEqual([]);
    s.send({ text: "more than enough now" }); // 135: generates up to the space before "now"
    await s.until(() => s.audioMessages().length > 0, 15_000, "audio once past 120 characters");
    await new Promise((r) => setTimeout(r, 200));
    const line = sessionTimeline("pcm_16000", s.audioMessages());
    expect(line.chars.join("")).toBe(`${words}more than enough `);
    s.send({ text: "" }); // the rest ("now") on the end of input
    await s.close();
    expect(sessionTimeline("pcm_16000", s.audioMessages()).chars.join("")).toBe(`${words}more than enough now`);
  });

  it("chunk_length_schedule from the first message sets the thresholds", async () => {
    const first = { text: " ", generation_config: { chunk_length_schedule: [50] } };
    const s = await within({ output_format: "pcm_16000" }, [{ text: "a ".repeat(26) }], 0, first);
    await s.until(() => s.audioMessages().length > 0, 15_000, "audio past 50 characters");
    s.ws.close();
  });

  it("flush: true generates everything buffered, the last word too, and the socket stays open", async () => {
    const s = await within({ output_format: "pcm_16000" }, [{ text: "Short", flush: true }], 0);
    await s.until(() => sessionTimeline("pcm_16000", s.audioMessages()).chars.join("") === "Short", 15_000, "Short");
    s.send({ text: " and more. " });
    s.send({ text: "" });
    expect((await s.close()).code).toBe(1000);
    expect(sessionTimeline("pcm_16000", s.audioMessages()).chars.join("")).toBe("Short and more. ");
    expect(s.messages.at(-1)).toEqual({ isFinal: true });
  });

  it("try_trigger_generation generates at 50 characters or more, not below", async () => {
    const s = await within(
      { output_format: "pcm_16000" },
      [{ text: "too short to trigger ", try_trigger_generation: true }],
      300,
    );
    expect(s.messages).toEqual([]);
    s.send({ text: "but this makes it long enough to go now ", try_trigger_generation: true });
    await s.until(() => s.audioMessages().length > 0, 15_000, "audio once triggered");
    s.ws.close();
  });

  it("auto_mode generates at each word boundary, without the schedule", async () => {
    const s = await within({ output_format: "pcm_16000", auto_mode: "true" }, [{ text: "Hi there. " }], 0);
    await s.until(() => s.audioMessages().length > 0, 15_000, "audio in auto mode");
    s.ws.close();
  });

  it("a long run of whitespace waits (nothing to say) without holding up the text after it", async () => {
    const s = await within({ output_format: "pcm_16000" }, [{ text: " ".repeat(130) }, { text: "word " }], 0);
    await s.until(() => s.audioMessages().length > 0, 15_000, "audio for the word");
    s.send({ text: "" });
    expect((await s.close()).code).toBe(1000);
    expect(sessionTimeline("pcm_16000", s.audioMessages()).chars.join("")).toBe(`${" ".repeat(130)}word `);
  });

  it("a session with no text ends with isFinal alone and a normal close", async () => {
    const s = await within({}, [], 0);
    s.send({ text: "" });
    expect((await s.close()).code).toBe(1000);
    expect(s.messages).toEqual([{ isFinal: true }]);
  });
});
