/**
 * Band-limited resampling by an exact rational ratio (polyphase windowed sinc, Blackman window). For 16 kHz speech
 * the ratios are small (44100/16000 = 441/160), so each phase's taps are precomputed once and cached.
 */

const ZERO_CROSSINGS = 12;
/** Passband edge as a fraction of the lower Nyquist frequency (leaves room for the window's transition band). */
const CUTOFF = 0.94;

interface Kernel {
  up: number;
  down: number;
  /** taps per phase */
  width: number;
  /** index of the first input sample relative to floor(t) */
  first: number;
  /** up × width coefficients, each phase normalised to unity DC gain */
  taps: Float64Array;
}

const kernels = new Map<string, Kernel>();

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function kernelFor(inRate: number, outRate: number): Kernel {
  const key = `${inRate}:${outRate}`;
  const cached = kernels.get(key);
  if (cached) return cached;
  const g = gcd(inRate, outRate);
  const up = outRate / g;
  const down = inRate / g;
  const cutoff = CUTOFF * Math.min(1, outRate / inRate); // in cycles per input sample × 2
  const half = Math.ceil(ZERO_CROSSINGS / cutoff);
  const width = 2 * half;
  const first = -half + 1;
  const taps = new Float64Array(up * width);
  for (let phase = 0; phase < up; phase++) {
    const frac = phase / up;
    let sum = 0;
    for (let k = 0; k < width; k++) {
      const d = frac - (first + k); // distance from the output instant to input sample floor(t) + first + k
      const x = d * cutoff;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const w = (d + half) / (2 * half); // 0..1 across the window
      const blackman = w <= 0 || w >= 1 ? 0 : 0.42 - 0.5 * Math.cos(2 * Math.PI * w) + 0.08 * Math.cos(4 * Math.PI * w);
      const value = cutoff * sinc * blackman;
      taps[phase * width + k] = value;
      sum += value;
    }
    for (let k = 0; k < width; k++) taps[phase * width + k] = (taps[phase * width + k] ?? 0) / sum;
  }
  const kernel: Kernel = { up, down, width, first, taps };
  kernels.set(key, kernel);
  return kernel;
}

/** Resamples mono 16-bit audio; the output has floor(n × outRate / inRate) samples. */
export function resample(input: Int16Array, inRate: number, outRate: number): Int16Array {
  if (inRate === outRate) return input.slice();
  const { up, down, width, first, taps } = kernelFor(inRate, outRate);
  const n = input.length;
  const outLength = Math.floor((n * up) / down);
  const output = new Int16Array(outLength);
  for (let i = 0; i < outLength; i++) {
    const t = i * down;
    const base = Math.floor(t / up);
    const phase = t - base * up;
    const row = phase * width;
    const start = base + first;
    let acc = 0;
    if (start >= 0 && start + width <= n) {
      for (let k = 0; k < width; k++) acc += (input[start + k] ?? 0) * (taps[row + k] ?? 0);
    } else {
      for (let k = 0; k < width; k++) {
        const j = start + k;
        if (j >= 0 && j < n) acc += (input[j] ?? 0) * (taps[row + k] ?? 0);
      }
    }
    output[i] = acc >= 32767 ? 32767 : acc <= -32768 ? -32768 : Math.round(acc);
  }
  return output;
}
