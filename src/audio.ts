import { read } from "./core/chunks.js";

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

/**
 * Audio as it arrives: read it with `getReader()` or `for await`, or take it whole with `bytes()`. Reading is
 * single-use, as for any stream. The metadata is available at once, before the body is read.
 */
export class AudioStream extends ReadableStream<Uint8Array> implements AudioMetadata {
  declare readonly requestId?: string;
  declare readonly characterCost?: number;
  declare readonly historyItemId?: string;
  declare readonly contentType?: string;

  /**
   * @param source Where the audio comes from: the transport's guarded response body, pulled only as the reader asks.
   */
  constructor(source: UnderlyingDefaultSource<Uint8Array>, metadata: AudioMetadata) {
    super(source, { highWaterMark: 0 });
    Object.assign(this, metadata);
  }

  /** Read the whole stream into one Uint8Array. */
  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await new Response(this).arrayBuffer());
  }

  /** Read the whole stream into a Blob typed with the response's content type. */
  async blob(): Promise<Blob> {
    return new Blob([await this.bytes()], this.contentType ? { type: this.contentType } : {});
  }

  /** `for await (const chunk of audio)`, also where the platform's ReadableStream lacks it. */
  [Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    return read(this);
  }
}
