import { prng } from "./hash.js";

/** Milliseconds of fallback audio per character of text, and the minimum length. */
export const TONE_MS_PER_CHAR = 60;
export const TONE_MIN_MS = 300;

/** Major pentatonic steps in semitones. */
const SCALE = [0, 2, 4, 7, 9, 12, 14, 16];

/**
 * A deterministic melody standing in for speech when Flite is unavailable or fails: one 60 ms note per character
 * (whitespace is a rest), at least 300 ms, generated directly at the target rate. `seed` picks the notes and
 * `baseHz` the register, so voice and seed change the sound.
 */
export function toneFor(text: string, sampleRate: number, seed: number, baseHz: number): Int16Array {
  const chars = [...text];
  const noteSamples = Math.round((sampleRate * TONE_MS_PER_CHAR) / 1000);
  const total = Math.max(Math.round((sampleRate * TONE_MIN_MS) / 1000), chars.length * noteSamples);
  const out = new Int16Array(total);
  const random = prng(seed);
  const ramp = Math.max(1, Math.round(sampleRate * 0.005));
  let phase = 0;
  for (let start = 0, index = 0; start < total; start += noteSamples, index++) {
    const ch = chars[index] ?? "";
    const pick = random();
    if (ch.trim() === "" && index < chars.length) continue; // a rest
    const code = ch.codePointAt(0) ?? 0;
    const step = SCALE[(code + Math.floor(pick * SCALE.length)) % SCALE.length] ?? 0;
    const freq = baseHz * 2 ** (step / 12);
    const end = Math.min(total, start + noteSamples);
    const length = end - start;
    for (let i = 0; i < length; i++) {
      const edge = Math.min(i, length - 1 - i);
      const env = edge >= ramp ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * edge) / ramp);
      phase += (2 * Math.PI * freq) / sampleRate;
      if (phase > 2 * Math.PI) phase -= 2 * Math.PI;
      const value = 0.8 * Math.sin(phase) + 0.2 * Math.sin(2 * phase);
      out[start + i] = Math.round(value * env * 0.3 * 32767);
    }
  }
  return out;
}
