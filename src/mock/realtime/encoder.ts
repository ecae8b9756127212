/**
 * One continuous encoded stream for a realtime context, cut into pieces that each stand alone: whole MP3 frames, whole
 * Ogg pages, whole samples. Every piece says how many samples a decoder plays from it, so that the pieces of a
 * context, joined, are one valid file (one MP3 file, one Ogg Opus stream, one run of PCM), and times within a piece
 * can be given relative to the piece's start.
 *
 * Positions: a sample given to the encoder at position `p` (counted from the first) is played at `p + delay` in the
 * decoded audio: `delay` is MP3's encoder and decoder delay (576 + 529 samples); Opus decoders drop the pre-skip, and
 * PCM has none.
 */
import { openEncoder, parseFormat, type SpeechEngine } from "../audio/index.js";
import type { AudioEncoder } from "../audio/encoder.js";
import { codecDelay, mp3Frame } from "../timestamps.js";

export type { SpeechEngine };

/** Encoded bytes and the samples a decoder plays from them (at the format's rate). */
export interface EncodedPiece {
  bytes: Uint8Array;
  samples: number;
}

const EMPTY: EncodedPiece = { bytes: new Uint8Array(0), samples: 0 };

/** Cuts a byte stream into whole units and counts the samples they decode to. */
interface Splitter {
  /** Bytes in; the whole units among what has come so far out. */
  push(bytes: Uint8Array): EncodedPiece;
  /** Whatever is left (the stream has ended). */
  end(): EncodedPiece;
}

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/**
 * A splitter from `whole`, which says how many leading bytes of what has come form whole units and how many samples
 * they decode to.
 */
function splitter(codec: string, whole: (bytes: Uint8Array) => { length: number; samples: number }): Splitter {
  let rest: Uint8Array = new Uint8Array(0);
  const take = (): EncodedPiece => {
    const { length, samples } = whole(rest);
    const bytes = rest.slice(0, length);
    rest = rest.slice(length);
    return { bytes, samples };
  };
  return {
    push(bytes) {
      rest = concat(rest, bytes);
      return take();
    },
    end() {
      const piece = take();
      if (rest.length > 0) throw new Error(`the ${codec} encoder ended inside a unit (${rest.length} bytes left)`);
      return piece;
    },
  };
}

/** Whole MPEG Layer III frames; each decodes to 1152 (MPEG-1) or 576 (MPEG-2/2.5) samples. */
const mp3Splitter = (): Splitter =>
  splitter("MP3", (bytes) => {
    let at = 0;
    let samples = 0;
    while (at + 4 <= bytes.length) {
      const frame = mp3Frame(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0);
      if (!frame) throw new Error(`the MP3 encoder wrote no frame header where one belongs (byte ${at})`);
      if (at + frame.length > bytes.length) break;
      at += frame.length;
      samples += frame.samples;
    }
    return { length: at, samples };
  });

/** Whole Ogg pages; a page's samples are its granule position's advance past the pre-skip. */
function oggSplitter(rate: number): Splitter {
  let preSkip: number | undefined;
  let played = 0; // samples at 48 kHz decoded so far (granule minus pre-skip)
  return splitter("Opus", (bytes) => {
    let at = 0;
    let samples48 = 0;
    while (at + 27 <= bytes.length) {
      if (bytes[at] !== 0x4f || bytes[at + 1] !== 0x67 || bytes[at + 2] !== 0x67 || bytes[at + 3] !== 0x53) {
        throw new Error(`the Opus encoder wrote no Ogg page where one belongs (byte ${at})`);
      }
      const segments = bytes[at + 26] ?? 0;
      if (at + 27 + segments > bytes.length) break;
      let body = 0;
      for (let i = 0; i < segments; i++) body += bytes[at + 27 + i] ?? 0;
      const length = 27 + segments + body;
      if (at + length > bytes.length) break;
      const view = new DataView(bytes.buffer, bytes.byteOffset + at, length);
      const granule = Number(view.getBigUint64(6, true));
      const packet = 27 + segments;
      if (preSkip === undefined && length >= packet + 12 && view.getUint32(packet, false) === 0x4f707573) {
        preSkip = view.getUint16(packet + 10, true); // OpusHead: "OpusHead", version, channels, pre-skip
      }
      const now = Math.max(0, granule - (preSkip ?? 0));
      if (now > played) {
        samples48 += now - played;
        played = now;
      }
      at += length;
    }
    return { length: at, samples: Math.round((samples48 * rate) / 48000) };
  });
}

/** Whole samples of `size` bytes each. */
const sampleSplitter = (size: number): Splitter =>
  splitter("PCM", (bytes) => {
    const length = bytes.length - (bytes.length % size);
    return { length, samples: length / size };
  });

const join = (a: EncodedPiece, b: EncodedPiece): EncodedPiece =>
  b.bytes.length === 0 ? a : { bytes: concat(a.bytes, b.bytes), samples: a.samples + b.samples };

export class StreamEncoder {
  /** Samples given to the encoder so far (audio and padding). */
  fed = 0;
  /** Samples a decoder plays from the pieces given out so far. */
  played = 0;
  #started = false;
  #finished = false;

  private constructor(
    private readonly encoder: AudioEncoder,
    private readonly splitter: Splitter,
    /** Samples per second. */
    readonly rate: number,
    /** Where the first sample given is played, in decoded samples. */
    readonly delay: number,
    /** Samples of silence given at a time to push the encoder's lookahead out. */
    private readonly padStep: number,
  ) {}

  static async open(format: string, serial: number): Promise<StreamEncoder> {
    const parsed = parseFormat(format);
    const encoder = await openEncoder(format, serial);
    const { codec, sampleRate: rate } = parsed;
    const splitter =
      codec === "mp3" ? mp3Splitter() : codec === "opus" ? oggSplitter(rate) : sampleSplitter(codec === "pcm" ? 2 : 1);
    const padStep = codec === "mp3" ? (rate >= 32000 ? 1152 : 576) : codec === "opus" ? rate / 50 : 1;
    return new StreamEncoder(encoder, splitter, rate, codecDelay(parsed), padStep);
  }

  #out(piece: EncodedPiece): EncodedPiece {
    this.played += piece.samples;
    return piece;
  }

  /** The stream's header (Ogg Opus' header pages), the first time; nothing after. */
  #start(): EncodedPiece {
    if (this.#started) return EMPTY;
    this.#started = true;
    const head = this.encoder.start();
    return head.length > 0 ? this.splitter.push(head) : EMPTY;
  }

  /** Encodes samples; returns the whole units ready so far (possibly none). */
  encode(samples: Int16Array): EncodedPiece {
    const head = this.#start();
    this.fed += samples.length;
    return this.#out(join(head, samples.length === 0 ? EMPTY : this.splitter.push(this.encoder.encode(samples))));
  }

  /**
   * Gives the encoder silence until the pieces given out play every sample up to `position` (exclusive): what a
   * flush needs when the stream goes on (the encoder keeps its lookahead otherwise). The silence is part of the
   * stream: later audio starts after it.
   */
  padTo(position: number): EncodedPiece {
    let piece = this.#start();
    this.#out(piece);
    const silence = new Int16Array(this.padStep);
    while (this.played < position + this.delay) {
      this.fed += silence.length;
      piece = join(piece, this.#out(this.splitter.push(this.encoder.encode(silence))));
    }
    return piece;
  }

  /** Ends the stream: the encoder's last bytes (and the Ogg end-of-stream page). */
  finish(): EncodedPiece {
    if (this.#finished) return EMPTY;
    this.#finished = true;
    const head = this.#start();
    return this.#out(join(head, join(this.splitter.push(this.encoder.finish()), this.splitter.end())));
  }

  close(): void {
    this.encoder.close();
  }
}
