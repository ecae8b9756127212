/** What every output codec implements: 16-bit mono samples in, encoded bytes out, in order. */
export interface AudioEncoder {
  /** Bytes that precede any audio (the Ogg Opus header pages); empty for the other codecs. */
  start(): Uint8Array;
  /** Encodes the next samples (at the format's sample rate); returns whatever complete output is ready. */
  encode(samples: Int16Array): Uint8Array;
  /** Flushes the encoder; returns the last bytes. */
  finish(): Uint8Array;
  /** Releases native resources; safe to call more than once, also after an error. */
  close(): void;
}

export const EMPTY = new Uint8Array(0);
