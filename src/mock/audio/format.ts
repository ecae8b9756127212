import type { paths } from "../../../generated/schema.js";

/** The `output_format` values the spec allows (derived from the generated types, never hand-listed). */
export type OutputFormat = NonNullable<
  NonNullable<paths["/v1/text-to-speech/{voice_id}"]["post"]["parameters"]["query"]>["output_format"]
>;

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
 * Throws an Error naming the problem for a malformed or unknown value. It does not check that an encoder can produce
 * the combination; `synthesize` does that.
 */
export function parseFormat(format: string): ParsedFormat {
  const match = /^([a-z0-9]+)_([0-9]+)(?:_([0-9]+))?$/.exec(format);
  if (!match) {
    throw new Error(
      `Malformed output format ${JSON.stringify(format)}: expected codec_samplerate[_kbps], e.g. mp3_44100_128 or pcm_16000`,
    );
  }
  const [, codec = "", rate = "", kbps] = match;
  if (!CODECS.has(codec)) {
    throw new Error(
      `Unsupported output format ${JSON.stringify(format)}: unknown codec ${JSON.stringify(codec)} (known: ${[...CODECS].join(", ")})`,
    );
  }
  const sampleRate = Number(rate);
  if (!Number.isSafeInteger(sampleRate) || sampleRate <= 0 || rate.startsWith("0")) {
    throw new Error(`Malformed output format ${JSON.stringify(format)}: bad sample rate ${JSON.stringify(rate)}`);
  }
  if (NEEDS_BITRATE.has(codec)) {
    if (kbps === undefined) {
      throw new Error(
        `Malformed output format ${JSON.stringify(format)}: ${codec} needs a bitrate, e.g. ${codec}_${rate}_64`,
      );
    }
    const bitrate = Number(kbps);
    if (!Number.isSafeInteger(bitrate) || bitrate <= 0 || kbps.startsWith("0")) {
      throw new Error(`Malformed output format ${JSON.stringify(format)}: bad bitrate ${JSON.stringify(kbps)}`);
    }
    return { codec: codec as Codec, sampleRate, bitrate };
  }
  if (kbps !== undefined) {
    throw new Error(
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

const MPEG1_RATES = new Set([32000, 44100, 48000]);
const MPEG2_RATES = new Set([16000, 22050, 24000, 8000, 11025, 12000]);
const MPEG1_KBPS = new Set([32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]);
const MPEG2_KBPS = new Set([8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]);
const OPUS_RATES = new Set([8000, 12000, 16000, 24000, 48000]);

/** Throws a clear Error when no encoder here can produce the (well-formed) format exactly. */
export function assertEncodable(format: string, parsed: ParsedFormat): void {
  const fail = (why: string): never => {
    throw new Error(`Unsupported output format ${JSON.stringify(format)}: ${why}`);
  };
  const { codec, sampleRate, bitrate = 0 } = parsed;
  if (codec === "mp3") {
    const mpeg1 = MPEG1_RATES.has(sampleRate);
    if (!mpeg1 && !MPEG2_RATES.has(sampleRate)) fail(`MP3 has no ${sampleRate} Hz sample rate`);
    if (!(mpeg1 ? MPEG1_KBPS : MPEG2_KBPS).has(bitrate)) fail(`MP3 at ${sampleRate} Hz has no ${bitrate} kbps bitrate`);
  } else if (codec === "opus") {
    if (!OPUS_RATES.has(sampleRate)) fail(`Opus encodes at 8, 12, 16, 24 or 48 kHz, not ${sampleRate} Hz`);
    if (bitrate < 6 || bitrate > 510) fail(`Opus bitrates are 6–510 kbps, not ${bitrate}`);
  } else if (sampleRate < 4000 || sampleRate > 192000) {
    fail(`sample rate ${sampleRate} Hz is outside 4–192 kHz`);
  }
}
