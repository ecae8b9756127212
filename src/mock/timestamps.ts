/**
 * Character alignment for the with-timestamps operations: when each character of the request's text is spoken in
 * the synthesised audio, in the API's CharacterAlignmentResponseModel shape.
 *
 * - One entry per Unicode code point of the text (the API is written in Python, whose strings are sequences of code
 *   points), so `characters.join("")` is the text.
 * - Times are seconds from the start of the whole audio, rounded to milliseconds, non-decreasing, each start at most
 *   its end, all within the audio's duration; the last character ends at the audio's end.
 * - The times follow the synthesised audio: the tone plays one note per character, so each character gets its note;
 *   for speech, a segment's voiced part is shared among its characters in proportion to their weight (a letter or a
 *   digit 1, anything else 0.25). Whitespace the synthesis skipped (runs, the gaps between segments) takes no time.
 * - MP3 audio starts late by LAME's encoder delay and the decoder's delay (576 + 529 samples): the times include it.
 * - `normalized_alignment` is the same for the text with its whitespace runs folded to one space and trimmed (the
 *   text the synthesis read).
 */
import type { ParsedFormat, SegmentTiming, SynthesisEvent } from "./audio/index.js";
import { TONE_MS_PER_CHAR } from "./audio/tone.js";

export interface CharacterAlignment {
  characters: string[];
  character_start_times_seconds: number[];
  character_end_times_seconds: number[];
}

/** Samples a decoder plays before the first sample given to the encoder. */
export function codecDelay(format: ParsedFormat): number {
  return format.codec === "mp3" ? 576 + 529 : 0;
}

const V1_KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const V2_KBPS = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const V1_RATES = [44100, 48000, 32000];

/**
 * The MPEG Layer III frame whose header starts with bytes `b0 b1 b2`: its length in bytes and the samples it decodes
 * to (1152 for MPEG-1, 576 for MPEG-2/2.5); undefined when they are no frame header.
 */
export function mp3Frame(b0: number, b1: number, b2: number): { length: number; samples: number } | undefined {
  const version = (b1 >> 3) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
  const kbps = (version === 3 ? V1_KBPS : V2_KBPS)[b2 >> 4] ?? 0;
  const rate = (V1_RATES[(b2 >> 2) & 3] ?? 0) / (version === 3 ? 1 : version === 2 ? 2 : 4);
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0 || version === 1 || !kbps || !rate) return undefined;
  const length = Math.floor(((version === 3 ? 144 : 72) * kbps * 1000) / rate) + ((b2 >> 1) & 1);
  return { length, samples: version === 3 ? 1152 : 576 };
}

/** Counts the samples of the MPEG Layer III frames in a byte stream fed in pieces (frames may span pieces). */
export class Mp3SampleCounter {
  samples = 0;
  #skip = 0;
  #partial: number[] = [];

  add(bytes: Uint8Array): void {
    let at = Math.min(this.#skip, bytes.length);
    this.#skip -= at;
    while (at < bytes.length) {
      this.#partial.push(bytes[at++] ?? 0);
      if (this.#partial.length < 4) continue;
      const [b0 = 0, b1 = 0, b2 = 0] = this.#partial;
      this.#partial = [];
      const frame = mp3Frame(b0, b1, b2);
      if (!frame) throw new Error(`the MP3 encoder wrote no frame header where one belongs (${b0}, ${b1})`);
      this.samples += frame.samples;
      const rest = frame.length - 4;
      const here = Math.min(rest, bytes.length - at);
      at += here;
      this.#skip = rest - here;
    }
  }
}

/** Where each code point of the text was spoken, in samples (before the codec delay). */
export interface Timeline {
  /** The text's code points. */
  characters: string[];
  start: number[];
  end: number[];
  /** How many code points, from the first, the segments so far cover (the rest are not timed yet). */
  known: number;
  /** The normalised text's code points, each with the index of the code point of the text it stands for. */
  normalized: { characters: string[]; source: number[]; known: number };
}

const WEIGHTY = /[\p{L}\p{N}]/u;

/** Lays the text's code points on the audio's timeline from the segments' timings (in order, as synthesised). */
export function timeline(text: string, segments: SegmentTiming[], rate: number): Timeline {
  const cps = [...text];
  // The normalised text (what segmentText cut), with the text's code point behind each of its code points.
  const normChars: string[] = [];
  const normSource: number[] = [];
  let pendingSpace = -1;
  cps.forEach((ch, i) => {
    if (/\s/.test(ch)) {
      if (pendingSpace < 0 && normChars.length > 0) pendingSpace = i;
      return;
    }
    if (pendingSpace >= 0) {
      normChars.push(" ");
      normSource.push(pendingSpace);
      pendingSpace = -1;
    }
    normChars.push(ch);
    normSource.push(i);
  });

  const start = new Array<number>(cps.length).fill(-1);
  const end = new Array<number>(cps.length).fill(-1);
  let cursor = 0; // in normChars
  let assignedUpTo = 0; // code points of the text the segments so far cover
  segments.forEach((seg) => {
    const segChars = [...seg.text];
    const at = findRun(normChars, segChars, cursor);
    if (at < 0) return; // not found: its characters keep no time of their own (filled in below)
    // The characters' share of the segment's time.
    let times: [number, number][];
    if (seg.engine === "tone") {
      // One note a code point (shorter when the segment is: never past its end).
      const note = Math.min(Math.round((rate * TONE_MS_PER_CHAR) / 1000), seg.samples / segChars.length);
      times = segChars.map((_, j) => [seg.start + j * note, seg.start + (j + 1) * note]);
    } else {
      const weights = segChars.map((ch) => (WEIGHTY.test(ch) ? 1 : 0.25));
      const total = weights.reduce((a, b) => a + b, 0);
      const [from, to] = seg.voiced;
      let acc = 0;
      times = weights.map((w) => {
        const a = seg.start + from + ((to - from) * acc) / total;
        acc += w;
        return [a, seg.start + from + ((to - from) * acc) / total];
      });
    }
    times.forEach(([a, b], j) => {
      const source = normSource[at + j] ?? 0;
      start[source] = Math.min(a, seg.start + seg.samples);
      end[source] = Math.min(b, seg.start + seg.samples);
    });
    assignedUpTo = (normSource[at + segChars.length - 1] ?? 0) + 1;
    cursor = at + segChars.length;
  });
  // What the synthesis skipped (extra whitespace, gaps between segments) takes no time: it sits where the last
  // spoken character ended.
  let previous = 0;
  for (let i = 0; i < cps.length; i++) {
    if (start[i] === -1) start[i] = end[i] = previous;
    previous = Math.max(previous, end[i] ?? 0);
  }
  return {
    characters: cps,
    start,
    end,
    known: assignedUpTo,
    normalized: { characters: normChars, source: normSource, known: cursor },
  };
}

function findRun(haystack: string[], needle: string[], from: number): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * The alignment of the text's code points [from, to), and of the normalised text's code points [normalizedFrom,
 * normalizedTo), in seconds: `delay` samples added, and everything at most `duration` seconds, which the last code
 * point ends at when `last` is set.
 */
export function alignments(
  line: Timeline,
  rate: number,
  delay: number,
  duration: number,
  range: { from: number; to: number; normalizedFrom: number; normalizedTo: number },
  last: boolean,
): { alignment: CharacterAlignment; normalized_alignment: CharacterAlignment } {
  const ceiling = Math.floor(duration * 1000) / 1000;
  const seconds = (samples: number) => Math.min(ceiling, Math.round(((samples + delay) / rate) * 1000) / 1000);
  const build = (from: number, to: number, characters: string[], source: (i: number) => number) => {
    const indices = Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);
    const alignment: CharacterAlignment = {
      characters: indices.map((i) => characters[i] ?? ""),
      character_start_times_seconds: indices.map((i) => seconds(line.start[source(i)] ?? 0)),
      character_end_times_seconds: indices.map((i) => seconds(line.end[source(i)] ?? 0)),
    };
    if (last && indices.length > 0) alignment.character_end_times_seconds[indices.length - 1] = ceiling;
    return alignment;
  };
  return {
    alignment: build(range.from, range.to, line.characters, (i) => i),
    normalized_alignment: build(
      range.normalizedFrom,
      range.normalizedTo,
      line.normalized.characters,
      (k) => line.normalized.source[k] ?? 0,
    ),
  };
}

/**
 * The body of a with-timestamps answer, from timed synthesis events: one JSON object (AudioWithTimestampsResponseModel)
 * when the audio is complete, or, for `lines`, one object per line (StreamingAudioChunkWithTimestampsResponseModel)
 * as the audio is encoded. A line carries the audio encoded since the line before, and the characters whose audio
 * that completes (for MP3: the characters that end within the frames sent so far), with times from the start of the
 * whole audio; a line waits for a character to complete. The last line carries the encoder's last bytes and the
 * rest of the text (at least its last character).
 */
export async function* timestampedAnswer(
  events: AsyncGenerator<SynthesisEvent, void, undefined>,
  text: string,
  format: ParsedFormat,
  lines: boolean,
): AsyncGenerator<Uint8Array, void, undefined> {
  const { sampleRate: rate } = format;
  const delay = codecDelay(format);
  const counter = format.codec === "mp3" ? new Mp3SampleCounter() : undefined;
  const segments: SegmentTiming[] = [];
  let line = timeline(text, segments, rate);
  let pending: Uint8Array[] = [];
  let [sent, normalizedSent] = [0, 0];
  const encode = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value)}${lines ? "\n" : ""}`);
  const answer = (to: number, normalizedTo: number, duration: number, last: boolean) => {
    const range = { from: sent, to, normalizedFrom: normalizedSent, normalizedTo };
    const value = {
      audio_base64: Buffer.concat(pending).toString("base64"),
      ...alignments(line, rate, delay, duration, range, last),
    };
    [sent, normalizedSent, pending] = [to, normalizedTo, []];
    return encode(value);
  };
  for await (const event of events) {
    if (event.type === "segment") {
      segments.push(event.timing);
      line = timeline(text, segments, rate);
    } else if (event.type === "audio") {
      counter?.add(event.bytes);
      pending.push(event.bytes);
      if (!lines) continue;
      // The characters whose audio has been given out: they can go with these bytes.
      const covered = counter ? counter.samples - delay : event.fed;
      // The last character is kept for the last line, which ends it where the audio ends.
      const most = Math.min(line.known, line.characters.length - 1);
      let to = sent;
      while (to < most && (line.end[to] ?? Infinity) <= covered) to++;
      let normalizedTo = normalizedSent;
      const { source, known, characters } = line.normalized;
      const normalizedMost = Math.min(known, characters.length - 1);
      while (normalizedTo < normalizedMost && (line.end[source[normalizedTo] ?? 0] ?? Infinity) <= covered) {
        normalizedTo++;
      }
      if (to > sent) yield answer(to, normalizedTo, Infinity, false);
    } else {
      const duration = (counter ? counter.samples : event.samples + delay) / rate;
      yield answer(line.characters.length, line.normalized.characters.length, duration, true);
    }
  }
}
