import { read } from "./core/chunks.js";
import { ElevenLabsError } from "./core/errors.js";
import type { BodySource } from "./core/transport.js";

/** The result of a synthesis: a web ReadableStream of audio bytes, with the response's metadata beside it. */

/** What ElevenLabs says about a synthesis in its response headers. */
export interface AudioMetadata {
  /** `request-id`: quote it to support, or pass it as `previousRequestIds` for request stitching. */
  requestId?: string;
  /** `character-cost`: characters billed for this request. */
  characterCost?: number;
  /** `history-item-id`: the generation's id in your history (absent with zero-retention logging). */
  historyItemId?: string;
  /** `content-type` of the audio, e.g. `audio/mpeg`. */
  contentType?: string;
}

/** The metadata in a response's headers; a header that is absent gives an undefined field. */
export function metadataFrom(headers: Headers): AudioMetadata {
  const cost = Number.parseInt(headers.get("character-cost") ?? "", 10);
  return {
    requestId: headers.get("request-id") || undefined,
    characterCost: Number.isFinite(cost) ? cost : undefined,
    historyItemId: headers.get("history-item-id") || undefined,
    contentType: headers.get("content-type") || undefined,
  };
}

/** The error for reading a single-use stream again: `what` names it, `hint` says how to keep the first read. */
export const alreadyRead = (
  what = "audio stream",
  hint = " (e.g. `const bytes = await audio.bytes()`)",
): ElevenLabsError =>
  new ElevenLabsError(`this ${what} was already read: a stream is read once, so keep what the first read gave${hint}`);

/**
 * Audio as it arrives: read it with `getReader()` or `for await`, or take it whole with `bytes()`. Reading is
 * single-use, as for any stream; reading it again is an ElevenLabsError that says so. The metadata is available at
 * once, before the body is read.
 */
export class AudioStream extends ReadableStream<Uint8Array> implements AudioMetadata {
  declare readonly requestId?: string;
  declare readonly characterCost?: number;
  declare readonly historyItemId?: string;
  declare readonly contentType?: string;
  readonly #state: { read: boolean };

  /**
   * @param source Where the audio comes from: the transport's guarded response body, pulled only as the reader asks.
   */
  constructor(source: BodySource, metadata: AudioMetadata) {
    const state = { read: false };
    super(
      {
        pull: (controller) => {
          state.read = true;
          return source.pull(controller);
        },
        cancel: (reason) => {
          state.read = true;
          return source.cancel?.(reason);
        },
      },
      { highWaterMark: 0 },
    );
    this.#state = state;
    Object.assign(this, metadata);
  }

  #fresh(): this {
    if (this.locked || this.#state.read) throw alreadyRead();
    return this;
  }

  /** Read the whole stream into one Uint8Array. */
  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await new Response(this.#fresh()).arrayBuffer());
  }

  /** Read the whole stream into a Blob typed with the response's content type. */
  async blob(): Promise<Blob> {
    return new Blob([await this.bytes()], this.contentType ? { type: this.contentType } : {});
  }

  /**
   * `for await (const chunk of audio)`, also where the platform's ReadableStream lacks it, and where the project's
   * `lib` has no `DOM.AsyncIterable`. Leaving the loop early cancels the stream.
   */
  [Symbol.asyncIterator](): AsyncIteratorObject<Uint8Array, BuiltinIteratorReturn, unknown> {
    return read(this.#fresh());
  }

  // getReader(), pipeTo(), pipeThrough() and tee() on a stream already read: the same ElevenLabsError, not the
  // platform's TypeError (or, for a stream read to its end, a silent empty read). Patched on the prototype, not
  // declared: the platforms type these methods' overloads differently (DOM, Node).
  static {
    for (const name of ["getReader", "pipeTo", "pipeThrough", "tee"] as const) {
      const original = ReadableStream.prototype[name] as (...args: unknown[]) => unknown;
      Object.defineProperty(AudioStream.prototype, name, {
        value(this: AudioStream, ...args: unknown[]) {
          if (this.locked || (name !== "getReader" && this.#state.read)) {
            if (name === "pipeTo") return Promise.reject(alreadyRead());
            throw alreadyRead();
          }
          return original.apply(this, args);
        },
        writable: true,
        configurable: true,
      });
    }
  }

  /** The same iterator; with `{ preventCancel: true }`, leaving the loop early leaves the stream open. */
  values(options?: { preventCancel?: boolean }): AsyncIteratorObject<Uint8Array, BuiltinIteratorReturn, unknown> {
    return read(this.#fresh(), options?.preventCancel);
  }
}
