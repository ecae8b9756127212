import type { ParsedFormat } from "../../format.js";

export { contentTypeFor, parseFormat, type Codec, type OutputFormat, type ParsedFormat } from "../../format.js";

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
