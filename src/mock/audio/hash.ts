/** Small deterministic hashing and PRNG helpers (no `Math.random`, no clocks: output must be reproducible). */

/** 32-bit FNV-1a over the UTF-8 bytes of the parts, with a separator between parts. */
export function hash32(...parts: ReadonlyArray<string | number | null | undefined>): number {
  let h = 0x811c9dc5;
  const encoder = new TextEncoder();
  for (const part of parts) {
    const bytes = encoder.encode(part === null || part === undefined ? "\u0000" : String(part));
    for (const byte of bytes) {
      h ^= byte;
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche (murmur3 fmix32) so nearby inputs spread over the whole range.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
