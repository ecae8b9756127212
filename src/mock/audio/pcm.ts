/// <reference types="node" />
import { requirePackage } from "./deps.js";
import { EMPTY, type AudioEncoder } from "./encoder.js";

/** Raw signed 16-bit little-endian mono PCM, no header (ElevenLabs `pcm_*`). */
export function createPcmEncoder(): AudioEncoder {
  return {
    start: () => EMPTY,
    encode(samples) {
      const out = new Uint8Array(samples.length * 2);
      const view = new DataView(out.buffer);
      for (let i = 0; i < samples.length; i++) view.setInt16(2 * i, samples[i] ?? 0, true);
      return out;
    },
    finish: () => EMPTY,
    close() {},
  };
}

interface G711Codec {
  encode(samples: Int16Array): Uint8Array;
}

interface AlawMulaw {
  alaw: G711Codec;
  mulaw: G711Codec;
}

function isAlawMulaw(value: unknown): value is AlawMulaw {
  const v = value as Partial<AlawMulaw> | null;
  return typeof v?.alaw?.encode === "function" && typeof v.mulaw?.encode === "function";
}

let g711: AlawMulaw | undefined;

/** Loads `alawmulaw` (CommonJS) on first use. */
export function loadG711(): AlawMulaw {
  if (!g711) {
    const mod = requirePackage("alawmulaw", "μ-law and A-law output");
    if (!isAlawMulaw(mod)) throw new Error("alawmulaw does not export alaw.encode / mulaw.encode");
    g711 = mod;
  }
  return g711;
}

/** Headerless 8-bit G.711 μ-law or A-law, one byte per sample (ElevenLabs `ulaw_8000` / `alaw_8000`). */
export function createG711Encoder(law: "ulaw" | "alaw"): AudioEncoder {
  const codec = law === "ulaw" ? loadG711().mulaw : loadG711().alaw;
  return {
    start: () => EMPTY,
    encode: (samples) => (samples.length === 0 ? EMPTY : codec.encode(samples)),
    finish: () => EMPTY,
    close() {},
  };
}
