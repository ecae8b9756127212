/**
 * The decoded duration of a realtime session's audio so far, message by message, so that each message's alignment
 * (times relative to the message, as the API sends them) lands on one timeline: MP3 by its frames (an ID3 tag or
 * Xing/Info frame at the start skipped; a frame cut between two messages counted once whole), PCM, μ-law and A-law by
 * their samples, Ogg Opus by the granule position of its last whole page (less the pre-skip).
 */
import { mp3Frames, mp3HeaderLength } from "../core/mp3.js";
import { parseFormat } from "../format.js";

/** The longest MP3 frame (MPEG-2.5 at 8 kHz, 160 kbps, padded) and Ogg page: what may be carried to the next message. */
const MAX_MP3_FRAME = 2881;
const MAX_OGG_PAGE = 27 + 255 + 255 * 255;

export interface AudioClock {
  /** Seconds of audio in everything pushed so far. */
  readonly seconds: number;
  push(bytes: Uint8Array): void;
}

const join = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/** A clock for `format` (`codec_samplerate[_kbps]`, as the spec's enum names them; checked before it gets here). */
export function audioClock(format: string): AudioClock {
  const { codec, sampleRate } = parseFormat(format);
  if (codec === "mp3") return mp3Clock();
  if (codec === "opus") return oggOpusClock();
  const width = codec === "pcm" ? 2 : 1; // bytes a sample: 16-bit PCM, 8-bit μ-law and A-law
  let bytes = 0;
  return {
    get seconds() {
      return Math.floor(bytes / width) / sampleRate;
    },
    push(part) {
      bytes += part.length;
    },
  };
}

function mp3Clock(): AudioClock {
  let carry: Uint8Array = new Uint8Array(0);
  let started = false;
  let seconds = 0;
  return {
    get seconds() {
      return seconds;
    },
    push(part) {
      let bytes = join(carry, part);
      if (!started) {
        const header = mp3HeaderLength(bytes);
        if (header === undefined) {
          carry = bytes;
          return;
        }
        started = true;
        bytes = bytes.subarray(header);
      }
      const walk = mp3Frames(bytes, 0);
      seconds += walk.seconds;
      // A frame cut at the end of the message waits for its rest; bytes that are no frame (corruption) are dropped.
      const rest = bytes.subarray(walk.end);
      carry = walk.partial && rest.length < MAX_MP3_FRAME ? rest.slice() : new Uint8Array(0);
    },
  };
}

function oggOpusClock(): AudioClock {
  let carry: Uint8Array = new Uint8Array(0);
  let preSkip: number | undefined;
  let granule = 0;
  return {
    get seconds() {
      return Math.max(0, granule - (preSkip ?? 0)) / 48_000;
    },
    push(part) {
      const bytes = join(carry, part);
      let at = 0;
      for (;;) {
        if (bytes.length - at < 27) break;
        if (bytes[at] !== 0x4f || bytes[at + 1] !== 0x67 || bytes[at + 2] !== 0x67 || bytes[at + 3] !== 0x53) {
          at = bytes.length; // not a page: lost sync, drop the rest
          break;
        }
        const segments = bytes[at + 26] ?? 0;
        if (bytes.length - at < 27 + segments) break;
        let length = 27 + segments;
        for (let i = 0; i < segments; i++) length += bytes[at + 27 + i] ?? 0;
        if (bytes.length - at < length) break;
        const view = new DataView(bytes.buffer, bytes.byteOffset + at, length);
        const position = view.getBigInt64(6, true);
        if (preSkip === undefined && length >= 27 + segments + 12) {
          // The first page holds the OpusHead packet: "OpusHead", version, channels, pre-skip (16 bits).
          preSkip = view.getUint16(27 + segments + 10, true);
        } else if (position >= 0n) {
          granule = Number(position);
        }
        at += length;
      }
      const rest = bytes.subarray(at);
      carry = rest.length < MAX_OGG_PAGE ? rest.slice() : new Uint8Array(0);
    },
  };
}
