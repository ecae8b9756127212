/** Output format names (`codec_samplerate[_kbps]`), parsed once for the client, the CLI and the local server. */
import { ValidationError } from "./core/errors.js";
import type { OutputFormat } from "./text-to-speech.js";

export type { OutputFormat };

export type Codec = "mp3" | "pcm" | "ulaw" | "alaw" | "opus";

export interface ParsedFormat {
  codec: Codec;
  /** Hz */
  sampleRate: number;
  /** kbps; present for mp3 and opus only */
  bitrate?: number;
}

const CODECS: ReadonlySet<string> = new Set<Codec>(["mp3", "pcm", "ulaw", "alaw", "opus"]);
const NEEDS_BITRATE: ReadonlySet<string> = new Set<Codec>(["mp3", "opus"]);

/**
 * Parses the ElevenLabs `codec_samplerate[_kbps]` naming (`mp3_44100_128`, `pcm_16000`, `opus_48000_64`, …).
 * Throws a ValidationError naming the problem for a malformed or unknown value. It does not check that an encoder can produce
 * the combination; `synthesize` does that.
 */
export function parseFormat(format: string): ParsedFormat {
  const match = /^([a-z0-9]+)_([0-9]+)(?:_([0-9]+))?$/.exec(format);
  if (!match) {
    throw new ValidationError(
      "outputFormat",
      `Malformed output format ${JSON.stringify(format)}: expected codec_samplerate[_kbps], e.g. mp3_44100_128 or pcm_16000`,
    );
  }
  const [, codec = "", rate = "", kbps] = match;
  if (!CODECS.has(codec)) {
    throw new ValidationError(
      "outputFormat",
      `Unsupported output format ${JSON.stringify(format)}: unknown codec ${JSON.stringify(codec)} (known: ${[...CODECS].join(", ")})`,
    );
  }
  const sampleRate = Number(rate);
  if (!Number.isSafeInteger(sampleRate) || sampleRate <= 0 || rate.startsWith("0")) {
    throw new ValidationError(
      "outputFormat",
      `Malformed output format ${JSON.stringify(format)}: bad sample rate ${JSON.stringify(rate)}`,
    );
  }
  if (NEEDS_BITRATE.has(codec)) {
    if (kbps === undefined) {
      throw new Error(
        `Malformed output format ${JSON.stringify(format)}: ${codec} needs a bitrate, e.g. ${codec}_${rate}_64`,
      );
    }
    const bitrate = Number(kbps);
    if (!Number.isSafeInteger(bitrate) || bitrate <= 0 || kbps.startsWith("0")) {
      throw new ValidationError(
        "outputFormat",
        `Malformed output format ${JSON.stringify(format)}: bad bitrate ${JSON.stringify(kbps)}`,
      );
    }
    return { codec: codec as Codec, sampleRate, bitrate };
  }
  if (kbps !== undefined) {
    throw new ValidationError(
      "outputFormat",
      `Malformed output format ${JSON.stringify(format)}: ${codec} takes no bitrate (e.g. ${codec}_${rate})`,
    );
  }
  return { codec: codec as Codec, sampleRate };
}

/**
 * The Content-Type sent for a format.
 *
 * - mp3 → `audio/mpeg`: the only media type the spec declares for the 200 response.
 * - pcm → `audio/pcm`: what the real API was reported to send for `pcm_16000`
 *   (https://github.com/Andrewcpu/elevenlabs-api/issues/17). Not an IANA type, but it is what clients see.
 * - ulaw, alaw, opus: NOT confirmed against the real API (no public capture found), so registered IANA types are used:
 *   `audio/basic` (RFC 2046: headerless 8-bit μ-law, mono, 8 kHz, exactly this format), `audio/PCMA` (RFC 4856,
 *   A-law) and `audio/ogg` (RFC 7845 §9 for Ogg Opus files).
 */
export function contentTypeFor(format: OutputFormat | string): string {
  switch (parseFormat(format).codec) {
    case "mp3":
      return "audio/mpeg";
    case "pcm":
      return "audio/pcm";
    case "ulaw":
      return "audio/basic";
    case "alaw":
      return "audio/PCMA";
    case "opus":
      return "audio/ogg";
  }
}
