/**
 * Captions from a synthesis' character alignment (the `alignment` of `convertWithTimestamps`, camelCased as the
 * official SDK returns it): words with their times, and WebVTT or SRT text. Web-standard only (Intl.Segmenter), so it
 * runs wherever the client does.
 */
import { ValidationError } from "./core/errors.js";

/** Character timings, as ElevenLabs returns them: one entry per character, times in seconds from the audio's start. */
export interface Alignment {
  characters: readonly string[];
  characterStartTimesSeconds: readonly number[];
  characterEndTimesSeconds: readonly number[];
}

/** A word as spoken: its text (with the punctuation that belongs to it) and its times in seconds. */
export interface TimedWord {
  word: string;
  start: number;
  end: number;
}

export interface CaptionOptions {
  /** The most characters in one cue (default 42, a common subtitle line length). */
  maxCharacters?: number | undefined;
  /** The longest cue, in seconds (default 6). */
  maxSeconds?: number | undefined;
}

function check(alignment: Alignment): void {
  const { characters, characterStartTimesSeconds: starts, characterEndTimesSeconds: ends } = alignment ?? {};
  if (!Array.isArray(characters) || !Array.isArray(starts) || !Array.isArray(ends)) {
    throw new ValidationError(
      "alignment",
      "must have characters, characterStartTimesSeconds and characterEndTimesSeconds lists",
    );
  }
  if (starts.length !== characters.length || ends.length !== characters.length) {
    throw new ValidationError(
      "alignment",
      `has ${characters.length} characters but ${starts.length} start and ${ends.length} end times`,
    );
  }
}

/**
 * The words of an alignment, in order, with the start of their first character and the end of their last. Words are
 * found with Intl.Segmenter, so languages without spaces (Chinese, Japanese, Thai) are split into words too, and
 * characters made of several code units (emoji, combining accents) stay whole. Punctuation joins the word it touches:
 * `"Hello,` and `world!"` — a mark after a word ends that word, one before a word starts it.
 */
export function words(alignment: Alignment, locale?: string): TimedWord[] {
  check(alignment);
  const { characters, characterStartTimesSeconds: starts, characterEndTimesSeconds: ends } = alignment;
  // The text, and for each of its UTF-16 offsets the index of the character it belongs to.
  let text = "";
  const owner: number[] = [];
  characters.forEach((character, i) => {
    text += character;
    for (let k = 0; k < character.length; k++) owner.push(i);
  });
  const out: TimedWord[] = [];
  let pending: { word: string; first: number; at: number } | undefined; // punctuation waiting for the next word
  let previousEnd = -1; // the text offset where the last word ended
  let lastEnd = -1; // the same, also after a word of marks: a word starting there is written without a space
  const push = (word: TimedWord, at: number, end: number): void => {
    if (at === lastEnd) JOINED.add(word);
    out.push(word);
    lastEnd = end;
  };
  // Marks with spaces on both sides ("-", an emoji): a word of their own.
  const flush = (lastCharacter: number, end: number): void => {
    if (!pending) return;
    push(
      { word: pending.word, start: starts[pending.first] as number, end: ends[lastCharacter] as number },
      pending.at,
      end,
    );
    pending = undefined;
  };
  for (const { segment, index, isWordLike } of new Intl.Segmenter(locale, { granularity: "word" }).segment(text)) {
    if (segment.trim() === "") {
      flush(owner[index - 1] as number, index);
      continue;
    }
    const first = owner[index] as number;
    const last = owner[index + segment.length - 1] as number;
    const previous = out.at(-1);
    if (!isWordLike && previous && previousEnd === index) {
      // Punctuation right after a word: it ends that word.
      previous.word += segment;
      previous.end = Math.max(previous.end, ends[last] as number);
      previousEnd = lastEnd = index + segment.length;
    } else if (!isWordLike) {
      pending = { word: (pending?.word ?? "") + segment, first: pending?.first ?? first, at: pending?.at ?? index };
      previousEnd = -1;
    } else {
      const word = {
        word: (pending?.word ?? "") + segment,
        start: starts[pending?.first ?? first] as number,
        end: ends[last] as number,
      };
      push(word, pending?.at ?? index, index + segment.length);
      pending = undefined;
      previousEnd = index + segment.length;
    }
  }
  flush(characters.length - 1, text.length);
  return out;
}

/** Words that follow the one before with no space in the text (CJK, `10:30`, `Hello—world`): a cue joins them as they were. */
const JOINED = new WeakSet<TimedWord>();

/** Words grouped into cues: at most maxCharacters and maxSeconds each, a sentence's end closing its cue. */
function cues(input: Alignment | readonly TimedWord[], options: CaptionOptions): TimedWord[] {
  const list = Array.isArray(input) ? (input as readonly TimedWord[]) : words(input as Alignment);
  list.forEach(({ word, start, end }, i) => {
    if (typeof word !== "string" || !Number.isFinite(start) || !Number.isFinite(end)) {
      throw new ValidationError(`words[${i}]`, "must be { word: string, start: seconds, end: seconds }");
    }
  });
  const maxCharacters = options.maxCharacters ?? 42;
  const maxSeconds = options.maxSeconds ?? 6;
  if (!(maxCharacters >= 1)) throw new ValidationError("maxCharacters", `must be at least 1, got ${maxCharacters}`);
  if (!(maxSeconds > 0)) throw new ValidationError("maxSeconds", `must be more than 0, got ${maxSeconds}`);
  const out: TimedWord[] = [];
  let cue: TimedWord | undefined;
  let closed = true;
  for (const word of list) {
    const joined = cue ? `${cue.word}${JOINED.has(word) ? "" : " "}${word.word}` : word.word;
    if (!cue || closed || [...joined].length > maxCharacters || word.end - cue.start > maxSeconds) {
      cue = { ...word };
      out.push(cue);
    } else {
      cue.word = joined;
      cue.end = word.end;
    }
    closed = /[.!?。！？…]["'”’»)]*$/.test(word.word);
  }
  return out;
}

/** `seconds` as hh:mm:ss.mmm (WebVTT) or hh:mm:ss,mmm (SRT). */
function timestamp(seconds: number, separator: "." | ","): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

/** WebVTT captions (`speech.vtt`) for an alignment or its words. */
export function toWebVtt(input: Alignment | readonly TimedWord[], options: CaptionOptions = {}): string {
  const body = cues(input, options).map(
    (cue) => `${timestamp(cue.start, ".")} --> ${timestamp(cue.end, ".")}\n${cue.word}\n`,
  );
  return `WEBVTT\n\n${body.join("\n")}`;
}

/** SRT subtitles (`speech.srt`) for an alignment or its words. */
export function toSrt(input: Alignment | readonly TimedWord[], options: CaptionOptions = {}): string {
  return cues(input, options)
    .map((cue, i) => `${i + 1}\n${timestamp(cue.start, ",")} --> ${timestamp(cue.end, ",")}\n${cue.word}\n`)
    .join("\n");
}
