/** Node-only helper of the CLI: the exact duration of an Ogg Opus stream, from its granule positions. */

/** The longest Ogg page: a 27-byte header, 255 lacing values, 255 × 255 bytes of data. */
const MAX_PAGE = 27 + 255 + 255 * 255;
const HEAD_BYTES = 4096;

const isCapture = (b: Uint8Array, i: number) =>
  b[i] === 0x4f && b[i + 1] === 0x67 && b[i + 2] === 0x67 && b[i + 3] === 0x53;

/**
 * Watches an Ogg Opus stream go by and keeps only its start (the OpusHead's pre-skip) and its last page (the final
 * granule position): `seconds()` is then (last granule − pre-skip) / 48 000, the duration players report.
 */
export class OggOpusDuration {
  #head: Uint8Array[] = [];
  #headLength = 0;
  #tail: Uint8Array[] = [];
  #tailLength = 0;

  push(bytes: Uint8Array): void {
    if (this.#headLength < HEAD_BYTES) {
      const part = bytes.subarray(0, HEAD_BYTES - this.#headLength);
      this.#head.push(part);
      this.#headLength += part.length;
    }
    this.#tail.push(bytes);
    this.#tailLength += bytes.length;
    // Keep the fewest trailing parts that still hold a whole page.
    while (this.#tail.length > 1 && this.#tailLength - (this.#tail[0]?.length ?? 0) >= MAX_PAGE) {
      this.#tailLength -= this.#tail.shift()?.length ?? 0;
    }
  }

  /** Seconds of audio, or undefined when the stream does not end with a whole Ogg Opus page. */
  seconds(): number | undefined {
    const head = Buffer.concat(this.#head);
    const at = head.indexOf("OpusHead");
    if (at < 0 || at + 12 > head.length) return undefined;
    const preSkip = head.readUInt16LE(at + 10);
    const tail = Buffer.concat(this.#tail);
    // The last page is the one whose header and segments end exactly at the end of the stream.
    for (let i = tail.length - 27; i >= 0; i--) {
      if (!isCapture(tail, i) || tail[i + 4] !== 0) continue;
      const segments = tail[i + 26] ?? 0;
      if (i + 27 + segments > tail.length) continue;
      let length = 27 + segments;
      for (let s = 0; s < segments; s++) length += tail[i + 27 + s] ?? 0;
      if (i + length !== tail.length) continue;
      const granule = tail.readBigInt64LE(i + 6);
      if (granule < 0n) return undefined;
      return Math.max(0, Number(granule) - preSkip) / 48_000;
    }
    return undefined;
  }
}
