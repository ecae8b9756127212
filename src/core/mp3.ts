/**
 * Just enough MPEG audio parsing to join MP3 files frame-aligned: the length of a leading ID3v2 tag and of a leading
 * Xing/Info (VBR/LAME tag) frame, which describe one file and must not appear in the middle of a joined stream.
 */

const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const RATES = [44100, 48000, 32000];

/** A Layer III frame header at `at`: its length, and where a Xing/Info tag would sit. Undefined if none is there. */
function frame(bytes: Uint8Array, at: number): { length: number; tagAt: number; seconds: number } | undefined {
  if (at + 4 > bytes.length) return undefined;
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0] = bytes.subarray(at, at + 4);
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0 || (b1 & 0x06) !== 0x02) return undefined; // sync + Layer III
  const version = (b1 >> 3) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
  const rateIndex = (b2 >> 2) & 3;
  const kbps = (version === 3 ? BITRATES_V1 : BITRATES_V2)[b2 >> 4];
  if (version === 1 || rateIndex === 3 || !kbps) return undefined;
  const rate = (RATES[rateIndex] ?? 0) / (version === 3 ? 1 : version === 2 ? 2 : 4);
  const mono = b3 >> 6 === 3;
  const side = version === 3 ? (mono ? 17 : 32) : mono ? 9 : 17;
  const length = Math.floor(((version === 3 ? 144 : 72) * kbps * 1000) / rate) + ((b2 >> 1) & 1);
  // 1152 samples a frame for MPEG-1 Layer III, 576 for MPEG-2 and 2.5.
  const seconds = (version === 3 ? 1152 : 576) / rate;
  return { length, tagAt: at + 4 + ((b1 & 1) === 0 ? 2 : 0) + side, seconds };
}

/**
 * How many bytes at the start of an MP3 file are headers to drop when it is appended to another: an ID3v2 tag
 * and a Xing/Info frame. Returns undefined while more bytes are needed to tell.
 */
export function mp3HeaderLength(bytes: Uint8Array): number | undefined {
  let at = 0;
  if (bytes.length < 10) return undefined;
  const [i, d, three, , , flags = 0, s0 = 0, s1 = 0, s2 = 0, s3 = 0] = bytes;
  if (i === 0x49 && d === 0x44 && three === 0x33) {
    // "ID3": a synchsafe size (7 bits a byte) after the 10-byte header, and a 10-byte footer when flagged.
    at = 10 + (((s0 & 0x7f) << 21) | ((s1 & 0x7f) << 14) | ((s2 & 0x7f) << 7) | (s3 & 0x7f));
    if (flags & 0x10) at += 10;
  }
  const first = frame(bytes, at);
  if (!first) return bytes.length < at + 4 ? undefined : at;
  if (bytes.length < first.tagAt + 4) return undefined;
  const tag = String.fromCharCode(...bytes.subarray(first.tagAt, first.tagAt + 4));
  return tag === "Xing" || tag === "Info" ? at + first.length : at;
}

/** An ID3v1 tag (128 bytes starting "TAG") at the end of a file; it must not sit between two joined files. */
export function hasId3v1(bytes: Uint8Array): boolean {
  const at = bytes.length - 128;
  return at >= 0 && bytes[at] === 0x54 && bytes[at + 1] === 0x41 && bytes[at + 2] === 0x47;
}

/**
 * The decoded duration of MP3 audio, in seconds: the sum of its audio frames' durations (a leading ID3v2 tag and
 * Xing/Info frame, which carry no audio, are skipped; the walk stops at the first byte that is not a frame, such as an
 * ID3v1 tag). This is what a player plays, encoder delay and padding included, so it is the offset of whatever is
 * appended after it.
 */
export function mp3Duration(bytes: Uint8Array): number {
  return mp3Frames(bytes, mp3HeaderLength(bytes) ?? 0).seconds;
}

/**
 * The whole MP3 frames from `at` on: their decoded duration in seconds, and where the walk stopped (the end of the
 * last whole frame). `partial` is true when the bytes there are the start of a frame cut off at the end of `bytes`.
 */
export function mp3Frames(bytes: Uint8Array, at: number): { seconds: number; end: number; partial: boolean } {
  let seconds = 0;
  let f = frame(bytes, at);
  for (; f && at + f.length <= bytes.length; f = frame(bytes, at)) {
    seconds += f.seconds;
    at += f.length;
  }
  return { seconds, end: at, partial: f !== undefined || bytes.length - at < 4 };
}
