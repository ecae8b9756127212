/// <reference types="node" />
import { readFile } from "node:fs/promises";
import { lazy, resolvePackageFile } from "./deps.js";
import type { AudioEncoder } from "./encoder.js";
import { HEADER_EOS, OggWriter } from "./ogg.js";

/**
 * Ogg Opus (RFC 7845) from the libopus 1.3.1 wasm build shipped in `opus-encdec` (MIT; libopus BSD-3-Clause).
 *
 * Only the wasm binary is used: its seven imports are trivial, so it is instantiated directly (no Emscripten glue,
 * which expects a browser or worker), once per process, and every request creates and destroys its own encoder
 * state inside it. The Ogg layer is ours (ogg.ts), so the stream serial, granule positions, end trimming and EOS
 * flag are exact and deterministic. Encoding is constant bitrate, so every 20 ms packet has exactly
 * kbps × 20 / 8 bytes.
 */

interface OpusExports {
  memory: WebAssembly.Memory;
  __wasm_call_ctors(): void;
  malloc(size: number): number;
  free(ptr: number): void;
  opus_encoder_create(rate: number, channels: number, application: number, errorPtr: number): number;
  opus_encoder_ctl(encoder: number, request: number, argsPtr: number): number;
  opus_encode_float(encoder: number, pcmPtr: number, frameSize: number, outPtr: number, maxBytes: number): number;
  opus_encoder_destroy(encoder: number): void;
}

const REQUIRED = ["__wasm_call_ctors", "malloc", "free", "opus_encoder_create", "opus_encoder_ctl"] as const;

function isOpusExports(exports: WebAssembly.Exports): exports is WebAssembly.Exports & OpusExports {
  return (
    exports["memory"] instanceof WebAssembly.Memory &&
    [...REQUIRED, "opus_encode_float", "opus_encoder_destroy"].every((name) => typeof exports[name] === "function")
  );
}

const OPUS_APPLICATION_AUDIO = 2049;
const OPUS_SET_BITRATE = 4002;
const OPUS_SET_VBR = 4006;
const OPUS_SET_COMPLEXITY = 4010;
const OPUS_GET_LOOKAHEAD = 4027;
const MAX_PACKET = 4000;
const FRAME_MS = 20;

export const loadOpus = lazy(async (): Promise<OpusExports> => {
  const path = resolvePackageFile("opus-encdec", "dist/libopus-encoder.wasm.wasm", "Ogg Opus output");
  const module = await WebAssembly.compile(await readFile(path));
  // The memory is exported (not imported), so the imports reach it through this holder once instantiated.
  const bound: { memory?: WebAssembly.Memory } = {};
  const heap = (): Uint8Array => new Uint8Array(bound.memory?.buffer ?? new ArrayBuffer(0));
  const instance = await WebAssembly.instantiate(module, {
    env: {
      emscripten_resize_heap(requested: number): number {
        const memory = bound.memory;
        if (!memory) return 0;
        const current = memory.buffer.byteLength;
        if (requested <= current) return 1;
        try {
          memory.grow(Math.ceil((requested - current) / 65536));
          return 1;
        } catch {
          return 0;
        }
      },
      emscripten_memcpy_big(dest: number, src: number, count: number): void {
        heap().copyWithin(dest, src, src + count);
      },
      abort(): never {
        throw new Error("libopus aborted");
      },
      setTempRet0(): void {},
    },
    wasi_snapshot_preview1: {
      fd_close: () => 0,
      fd_write: () => 0,
      fd_seek: () => 70, // ESPIPE: libopus never does file I/O
    },
  });
  if (!isOpusExports(instance.exports)) throw new Error(`${path} does not export the libopus encoder API`);
  const exports = instance.exports;
  bound.memory = exports.memory;
  exports.__wasm_call_ctors();
  return exports;
});

/** OpusHead (RFC 7845 §5.1), mono, mapping family 0. */
function opusHead(preSkip: number, inputRate: number): Uint8Array {
  const head = new Uint8Array(19);
  const view = new DataView(head.buffer);
  head.set(new TextEncoder().encode("OpusHead"));
  view.setUint8(8, 1); // version
  view.setUint8(9, 1); // channels
  view.setUint16(10, preSkip, true);
  view.setUint32(12, inputRate, true);
  view.setInt16(16, 0, true); // output gain
  view.setUint8(18, 0); // channel mapping family
  return head;
}

/** OpusTags (RFC 7845 §5.2) with a vendor string and no comments. */
function opusTags(): Uint8Array {
  const vendor = new TextEncoder().encode("libopus 1.3.1 (elevenlabs-fetch mock)");
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  const view = new DataView(tags.buffer);
  tags.set(new TextEncoder().encode("OpusTags"));
  view.setUint32(8, vendor.length, true);
  tags.set(vendor, 12);
  view.setUint32(12 + vendor.length, 0, true);
  return tags;
}

/**
 * Mono Ogg Opus at `sampleRate` (8/12/16/24/48 kHz; the spec's formats are all 48 kHz) and `kbps`, CBR, 20 ms frames.
 * `encode` returns one Ogg page per call that completes at least one packet.
 */
export async function createOpusEncoder(sampleRate: number, kbps: number, serial: number): Promise<AudioEncoder> {
  const lib = await loadOpus();
  const frame = (sampleRate * FRAME_MS) / 1000;
  const granulePerFrame = BigInt(48 * FRAME_MS); // granule positions always count 48 kHz samples
  const scratch = lib.malloc(4);
  const pcm = lib.malloc(frame * 4);
  const packet = lib.malloc(MAX_PACKET);
  let encoder = 0;
  const i32 = (): Int32Array => new Int32Array(lib.memory.buffer);
  const ctl = (request: number, value: number): void => {
    i32()[scratch >> 2] = value;
    const status = lib.opus_encoder_ctl(encoder, request, scratch);
    if (status !== 0) throw new Error(`opus_encoder_ctl(${request}, ${value}) failed with ${status}`);
  };
  const release = (): void => {
    if (encoder !== 0) lib.opus_encoder_destroy(encoder);
    encoder = 0;
    for (const ptr of [scratch, pcm, packet]) if (ptr !== 0) lib.free(ptr);
  };

  let lookahead: number;
  try {
    encoder = lib.opus_encoder_create(sampleRate, 1, OPUS_APPLICATION_AUDIO, scratch);
    const error = i32()[scratch >> 2] ?? -1;
    if (encoder === 0 || error !== 0)
      throw new Error(`opus_encoder_create(${sampleRate}, ${kbps} kbps) failed: ${error}`);
    ctl(OPUS_SET_BITRATE, kbps * 1000);
    ctl(OPUS_SET_VBR, 0);
    ctl(OPUS_SET_COMPLEXITY, 5);
    // OPUS_GET_LOOKAHEAD's argument is a pointer to where the result goes.
    const resultPtr = lib.malloc(4);
    try {
      ctl(OPUS_GET_LOOKAHEAD, resultPtr);
      lookahead = i32()[resultPtr >> 2] ?? 0;
    } finally {
      lib.free(resultPtr);
    }
  } catch (error) {
    release();
    throw error;
  }

  const preSkip = Math.round((lookahead * 48000) / sampleRate);
  const ogg = new OggWriter(serial);
  const pending = new Float32Array(frame);
  let filled = 0;
  let frames = 0n;
  let inputSamples = 0;
  let closed = false;
  // The newest packet is held back from the page being written, so that the final page always carries at least one
  // packet and its (trimmed) granule position stays above the previous page's.
  let held: Uint8Array | undefined;

  const encodeFrame = (): void => {
    new Float32Array(lib.memory.buffer, pcm, frame).set(pending);
    const length = lib.opus_encode_float(encoder, pcm, frame, packet, MAX_PACKET);
    if (length < 0) throw new Error(`opus_encode_float failed with ${length}`);
    if (held) ogg.add(held, frames * granulePerFrame);
    frames += 1n;
    held = new Uint8Array(lib.memory.buffer, packet, length).slice();
    filled = 0;
  };

  return {
    start() {
      ogg.add(opusHead(preSkip, sampleRate), 0n);
      ogg.flush();
      ogg.add(opusTags(), 0n);
      ogg.flush();
      return ogg.take();
    },
    encode(samples) {
      if (closed) throw new Error("Opus encoder used after close");
      inputSamples += samples.length;
      for (let i = 0; i < samples.length; i++) {
        pending[filled++] = (samples[i] ?? 0) / 32768;
        if (filled === frame) encodeFrame();
      }
      ogg.flush();
      return ogg.take();
    },
    finish() {
      if (closed) throw new Error("Opus encoder used after close");
      // Feed silence until the pre-skip plus every real sample is covered, then trim the excess through the final
      // page's granule position (RFC 7845 §4.4). Granule positions count 48 kHz samples whatever the input rate.
      const end = BigInt(preSkip) + (BigInt(inputSamples) * 48000n) / BigInt(sampleRate);
      while (frames * granulePerFrame < end || filled > 0 || !held) {
        pending.fill(0, filled);
        filled = frame;
        encodeFrame();
      }
      ogg.add(held, end);
      held = undefined;
      ogg.flush(HEADER_EOS);
      return ogg.take();
    },
    close() {
      if (closed) return;
      closed = true;
      release();
    },
  };
}
