/**
 * Checks for the with-timestamps answers, for tests: the audio's duration measured from the audio itself (MP3
 * frames, Ogg granules, PCM bytes), and what an alignment must satisfy to fit it.
 */
import { bytesPerSample, parseOggPages, walkMp3Frames } from "../helpers/audio-check.ts";

export interface Alignment {
  characters: string[];
  character_start_times_seconds: number[];
  character_end_times_seconds: number[];
}

export interface TimedAnswer {
  audio_base64: string;
  alignment: Alignment | null;
  normalized_alignment: Alignment | null;
}

/** Seconds of audio in `bytes` of `format`, read from the bytes; for MP3 also the length of one frame. */
export function measure(format: string, bytes: Uint8Array): { duration: number; frame: number } {
  const [codec, rate] = format.split("_") as [string, string];
  if (codec === "mp3") {
    const walk = walkMp3Frames(bytes);
    const frame = walk.frames[0]!.samples / walk.frames[0]!.sampleRate;
    return { duration: walk.durationSeconds, frame };
  }
  if (codec === "opus") return { duration: parseOggPages(bytes).durationSeconds, frame: 0.02 };
  const duration = bytes.length / bytesPerSample(codec as "pcm" | "ulaw" | "alaw") / Number(rate);
  return { duration, frame: 1 / Number(rate) };
}

/**
 * What is wrong with `alignment` as the alignment of `text` to audio of `duration` seconds (empty when nothing):
 * one entry per code point, joined it is the text, times non-decreasing, each start at most its end, all within
 * [0, duration], and the last end within `tolerance` seconds of the duration.
 */
export function alignmentProblems(alignment: Alignment, text: string, duration: number, tolerance: number): string[] {
  const problems: string[] = [];
  const { characters: chars, character_start_times_seconds: starts, character_end_times_seconds: ends } = alignment;
  if (chars.join("") !== text) problems.push(`characters join to ${JSON.stringify(chars.join(""))}`);
  if (chars.length !== [...text].length)
    problems.push(`${chars.length} characters for ${[...text].length} code points`);
  if (starts.length !== chars.length || ends.length !== chars.length) problems.push("the three lists differ in length");
  for (let i = 0; i < chars.length; i++) {
    const [start, end] = [starts[i]!, ends[i]!];
    if (!(start <= end)) problems.push(`${i} (${chars[i]}): starts at ${start} after its end ${end}`);
    if (start < 0 || end > duration) problems.push(`${i} (${chars[i]}): ${start}–${end} outside 0–${duration}`);
    if (i > 0 && start < starts[i - 1]!) problems.push(`${i}: start ${start} before the previous ${starts[i - 1]}`);
    if (i > 0 && end < ends[i - 1]!) problems.push(`${i}: end ${end} before the previous ${ends[i - 1]}`);
  }
  const last = ends.at(-1) ?? 0;
  if (Math.abs(duration - last) > tolerance) problems.push(`last end ${last}, audio ${duration} s`);
  return problems;
}
