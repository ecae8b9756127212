/// <reference types="node" />
import { readFile } from "node:fs/promises";
import { runInThisContext } from "node:vm";
import { lazy, resolvePackageFile } from "./deps.js";
import { EMPTY, type AudioEncoder } from "./encoder.js";

/**
 * MP3 via `@breezystack/lamejs` (a JavaScript port of LAME; LGPL-3.0).
 *
 * Its only API, `new Mp3Encoder(channels, inputRate, kbps)`, leaves LAME's output rate at "automatic", and LAME then
 * picks 22.05 kHz for 44.1 kHz input at 32 kbps (`mp3_44100_32` would come out at the wrong rate). There is no
 * option to force it, so the bundled script is loaded with a one-line patch that sets `out_samplerate` to the input
 * rate before `lame_init_params` (see PATCH_ANCHOR). The patch anchors on an exact snippet; if a future lamejs version changes it, the
 * stock encoder is used and every stream's first frame is checked, so a wrong rate becomes a clear error instead of
 * silently wrong audio.
 */

interface Mp3EncoderInstance {
  encodeBuffer(left: Int16Array): Int8Array | Uint8Array;
  flush(): Int8Array | Uint8Array;
}

type Mp3EncoderClass = new (channels: number, sampleRate: number, kbps: number) => Mp3EncoderInstance;

/**
 * The constructor's parameter setup in lamejs 1.2.x (minified IIFE build): `R` is LAME's flags, `Z` the input rate.
 * The replacement forces the output rate and lowers LAME's algorithm quality from 3 to 7 ("fast, ok quality"), which
 * halves the encoding time (the largest cost of a request) without changing the bitstream format.
 */
const PATCH_ANCHOR = "R.num_channels=w,R.in_samplerate=Z,R.brate=X,R.mode=lr.STEREO,R.quality=3,";
const PATCHED = "R.num_channels=w,R.in_samplerate=Z,R.brate=X,R.mode=lr.STEREO,R.quality=7,R.out_samplerate=Z,";

function isEncoderClass(value: unknown): value is Mp3EncoderClass {
  return typeof value === "function";
}

export const loadLame = lazy(async (): Promise<{ Mp3Encoder: Mp3EncoderClass; forcedRate: boolean }> => {
  const path = resolvePackageFile("@breezystack/lamejs", undefined, "MP3 output");
  const source = await readFile(path, "utf8");
  const forcedRate = source.split(PATCH_ANCHOR).length === 2;
  const patched = forcedRate ? source.replace(PATCH_ANCHOR, PATCHED) : source;
  // The IIFE build declares `var lamejs = …`; wrapping keeps that out of the global scope.
  const exported: unknown = runInThisContext(`(function () {\n${patched}\n;return lamejs;\n})()`, {
    filename: path,
  });
  const Mp3Encoder = (exported as { Mp3Encoder?: unknown } | null)?.Mp3Encoder;
  if (!isEncoderClass(Mp3Encoder)) throw new Error(`${path} does not define lamejs.Mp3Encoder`);
  return { Mp3Encoder, forcedRate };
});

const MPEG_RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};

/** Sample rate in the first MPEG frame header of `bytes`, or undefined when there is none. */
function firstFrameRate(bytes: Uint8Array): number | undefined {
  for (let i = 0; i + 3 < bytes.length; i++) {
    const b1 = bytes[i + 1] ?? 0;
    if (bytes[i] === 0xff && (b1 & 0xe0) === 0xe0) {
      return MPEG_RATES[(b1 >> 3) & 3]?.[((bytes[i + 2] ?? 0) >> 2) & 3];
    }
  }
  return undefined;
}

const asBytes = (data: Int8Array | Uint8Array): Uint8Array =>
  data.length === 0 ? EMPTY : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/** Constant-bitrate mono MP3 at exactly `sampleRate` and `kbps`; no ID3 tag, no Xing/Info frame. */
export async function createMp3Encoder(sampleRate: number, kbps: number): Promise<AudioEncoder> {
  const { Mp3Encoder } = await loadLame();
  const encoder = new Mp3Encoder(1, sampleRate, kbps);
  let checked = false;
  const check = (bytes: Uint8Array): Uint8Array => {
    if (!checked && bytes.length >= 4) {
      checked = true;
      const actual = firstFrameRate(bytes);
      if (actual !== sampleRate) {
        throw new Error(
          `@breezystack/lamejs produced ${actual ?? "unknown"} Hz MP3 for a ${sampleRate} Hz request: this lamejs ` +
            "version cannot be patched to force the output sample rate (see src/mock/audio/mp3.ts)",
        );
      }
    }
    return bytes;
  };
  return {
    start: () => EMPTY,
    encode: (samples) => (samples.length === 0 ? EMPTY : check(asBytes(encoder.encodeBuffer(samples)))),
    finish: () => check(asBytes(encoder.flush())),
    close() {},
  };
}
