/** Audio to play or save: the result of convert(), raw bytes, or any async iterable of chunks (a Node Readable too). */
export type AudioSource = ReadableStream<Uint8Array> | Uint8Array | AsyncIterable<Uint8Array>;

/** Iterate the chunks of any AudioSource, on every runtime (some ReadableStreams lack Symbol.asyncIterator). */
export async function* chunks(audio: AudioSource): AsyncGenerator<Uint8Array, void, undefined> {
  if (audio instanceof Uint8Array) {
    yield audio;
  } else if (typeof (audio as ReadableStream).getReader === "function") {
    yield* read(audio as ReadableStream<Uint8Array>);
  } else {
    yield* audio as AsyncIterable<Uint8Array>;
  }
}

/**
 * Iterate a ReadableStream through its reader; leaving early (break, throw) cancels it, as the platform does, unless
 * `preventCancel`.
 */
export async function* read(
  stream: ReadableStream<Uint8Array>,
  preventCancel = false,
): AsyncGenerator<Uint8Array, undefined, unknown> {
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return undefined;
      }
      yield value;
    }
  } finally {
    if (!finished && !preventCancel) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** Concatenate chunks into one Uint8Array. */
export async function concat(audio: AudioSource): Promise<Uint8Array<ArrayBuffer>> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const part of chunks(audio)) {
    parts.push(part);
    length += part.byteLength;
  }
  const all = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.byteLength;
  }
  return all;
}
