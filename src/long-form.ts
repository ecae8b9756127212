/**
 * Long-form synthesis: text longer than one request allows becomes one audio stream. The text is split under the
 * model's character limit at paragraph, then sentence, then word boundaries (never mid-word); the chunks are sent
 * with context for continuity (nearby text, or the request ids of earlier chunks); the audio is joined in order.
 *
 * A free function rather than a method, so that the core client stays tiny for those who never use it.
 */
import { AudioStream, metadataFrom, type AudioMetadata } from "./audio.js";
import type { ElevenLabsClient } from "./client.js";
import { ElevenLabsAbortError, ElevenLabsError, ValidationError } from "./core/errors.js";
import { hasId3v1, mp3Duration, mp3HeaderLength } from "./core/mp3.js";
import type { Alignment } from "./captions.js";
import { DEFAULT_MODEL_ID, DEFAULT_OUTPUT_FORMAT } from "./defaults.js";
import { contentTypeFor, parseFormat } from "./format.js";
import { MODEL_MAX_CHARACTERS } from "./models.js";
import { checkHeaders } from "./core/check.js";
import { checkRequestOptions, type RequestOptions } from "./request-options.js";
import { checkOutputFormat, type TextToSpeechRequest } from "./text-to-speech.js";
import {
  textToSpeechConvert as CONVERT,
  textToSpeechConvertWithTimestamps as WITH_TIMESTAMPS,
} from "../generated/runtime.js";
import { prepare } from "./facade.js";

/** Characters per request by model (ElevenLabs' documented limits); other models get DEFAULT_MAX_CHARACTERS. */
export { MODEL_MAX_CHARACTERS };
export const DEFAULT_MAX_CHARACTERS = 10_000;

/** Characters one request of this model takes (the spec's default model when none is given). */
export function maxCharactersFor(modelId: string = DEFAULT_MODEL_ID): number {
  return MODEL_MAX_CHARACTERS[modelId] ?? DEFAULT_MAX_CHARACTERS;
}
const CONTEXT_CHARACTERS = 1000;

export interface LongFormProgress {
  chunksDone: number;
  chunksTotal: number;
  charactersDone: number;
  charactersTotal: number;
  /** Audio bytes handed over so far. */
  bytes: number;
  /** What the response of the chunk just completed said about it: request id, character cost, content type. */
  chunk: AudioMetadata;
}

export interface LongFormOptions {
  /** Characters per request. Default: the model's limit (MODEL_MAX_CHARACTERS; 10,000 for a model not listed). */
  maxCharacters?: number;
  /**
   * How chunks learn about their neighbours: "text" (default) sends previous_text/next_text and allows concurrent
   * requests; "request-ids" sends the request ids of up to 3 earlier chunks as previous_request_ids (sequential).
   */
  continuity?: "text" | "request-ids";
  /** Requests in flight at once with "text" continuity (default 2; the output order is always kept). */
  concurrency?: number;
  onProgress?: (progress: LongFormProgress) => void;
  /** Per-request options for every chunk (timeouts, retries, abort signal, headers). */
  requestOptions?: RequestOptions;
  /**
   * Synthesise each chunk with convertWithTimestamps, and give one character alignment across all of them: the result
   * is a TimedAudioStream, whose `alignment()` resolves once the audio has been read. Each chunk's times are shifted
   * by the decoded duration of the audio before it (MP3 frames, or PCM samples), so captions line up to the end.
   */
  timestamps?: boolean;
}

/**
 * Long-form audio with its timeline: the same stream as without timestamps, and `alignment()`, the characters of the
 * whole text with their times in seconds from the start of the joined audio (the characters between two chunks, such
 * as the paragraph break, get the time of the boundary).
 */
export class TimedAudioStream extends AudioStream {
  readonly #alignment: Promise<Alignment>;

  /** @internal Built by convertLongForm. */
  constructor(
    source: ConstructorParameters<typeof AudioStream>[0],
    metadata: AudioMetadata,
    alignment: Promise<Alignment>,
  ) {
    super(source, metadata);
    alignment.catch(() => undefined); // observed by alignment(); not an unhandled rejection when nobody asks
    this.#alignment = alignment;
  }

  /** The whole text's alignment; resolves once the audio has been read to its end, rejects if the synthesis failed. */
  alignment(): Promise<Alignment> {
    return this.#alignment;
  }
}

/** Each client's models and their `maximum_text_length_per_request`, looked up once (GET /v1/models). */
const LIMITS = new WeakMap<object, Promise<ReadonlyMap<string, number>>>();

/** The smallest per-request limit of the known models: no model takes less, so a text this short needs no lookup. */
const SHORTEST_LIMIT = Math.min(...Object.values(MODEL_MAX_CHARACTERS));

/** How long the model-limit lookup may take before long-form goes on with the built-in table. */
const LOOKUP_SECONDS = 5;

/**
 * The API's own limit for a model, from models.list(), once per client, with the client's key and at most
 * LOOKUP_SECONDS (not the caller's per-call key, signal or timeouts: the answer is shared by every call of the
 * client); undefined when the lookup fails, and the built-in table is used then.
 */
async function lookUpLimit(client: ElevenLabsClient, modelId: string): Promise<number | undefined> {
  let limits = LIMITS.get(client);
  if (!limits) {
    limits = (async () => {
      const models = await client.models.list({ maxRetries: 0, timeoutInSeconds: LOOKUP_SECONDS });
      const out = new Map<string, number>();
      for (const m of Array.isArray(models) ? models : []) {
        const max = (m as { maximumTextLengthPerRequest?: unknown }).maximumTextLengthPerRequest;
        if (typeof m.modelId === "string" && typeof max === "number" && max > 0) out.set(m.modelId, max);
      }
      return out;
    })();
    LIMITS.set(client, limits);
  }
  try {
    return (await limits).get(modelId);
  } catch {
    return undefined;
  }
}

/** The decoded duration of one chunk's audio, in seconds. */
function durationOf(bytes: Uint8Array, codec: string, sampleRate: number): number {
  if (codec === "mp3") return mp3Duration(bytes);
  return bytes.byteLength / (codec === "pcm" ? 2 * sampleRate : sampleRate);
}

/** A chunk of the text: its characters and its range in the original (code units, end exclusive). */
export interface TextChunk {
  text: string;
  start: number;
  end: number;
}

/** One chunk failed: which one, which characters, and why (`cause`, an ElevenLabsError). */
export class LongFormChunkError extends ElevenLabsError {
  override name = "LongFormChunkError";
  readonly chunkIndex: number;
  readonly start: number;
  readonly end: number;
  constructor(index: number, total: number, chunk: TextChunk, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const base = cause instanceof ElevenLabsError ? cause : undefined;
    super(`chunk ${index + 1} of ${total} (characters ${chunk.start}–${chunk.end}) failed: ${why}`, {
      cause,
      ...(base?.statusCode !== undefined ? { statusCode: base.statusCode } : {}),
      ...(base?.headers ? { headers: base.headers } : {}),
      ...(base?.body !== undefined ? { body: base.body } : {}),
    });
    this.chunkIndex = index;
    this.start = chunk.start;
    this.end = chunk.end;
  }
}

/** Characters as the limits count them: code points, not UTF-16 units. */
const length = (s: string): number => Array.from(s).length;

interface Unit {
  start: number;
  end: number;
}

/** Segment [start, end) of `text` with Intl.Segmenter, trimming whitespace-only segments. */
function segments(text: string, start: number, end: number, granularity: "sentence" | "word"): Unit[] {
  const out: Unit[] = [];
  for (const s of new Intl.Segmenter(undefined, { granularity }).segment(text.slice(start, end))) {
    if (s.segment.trim() === "") continue;
    const unit = { start: start + s.index, end: start + s.index + s.segment.length };
    // Punctuation stays with the word before it ("nine." is one unit), so no chunk starts with a lone ".".
    const last = out.at(-1);
    if (granularity === "word" && s.isWordLike === false && last && last.end === unit.start) last.end = unit.end;
    else out.push(unit);
  }
  return out;
}

/**
 * Split `text` into chunks of at most `limit` characters (code points), at paragraph, then sentence, then word
 * boundaries. A single word longer than the limit is a ValidationError.
 */
export function splitText(text: string, limit: number): TextChunk[] {
  if (typeof text !== "string") throw new ValidationError("text", `must be a string, got ${typeof text}`);
  if (!Number.isInteger(limit) || limit < 1)
    throw new ValidationError("maxCharacters", `must be a whole number ≥ 1, got ${limit}`);
  const paragraphs: Unit[] = [];
  const re = /\n[ \t]*\n\s*/g;
  let from = 0;
  for (let m = re.exec(text); ; m = re.exec(text)) {
    const to = m ? m.index : text.length;
    if (text.slice(from, to).trim() !== "") paragraphs.push({ start: from, end: to });
    if (!m) break;
    from = m.index + m[0].length;
  }
  const chunks: TextChunk[] = [];
  let current: Unit | undefined;
  const flush = () => {
    if (current) chunks.push({ text: text.slice(current.start, current.end).trim(), ...current });
    current = undefined;
  };
  const add = (unit: Unit, level: 0 | 1 | 2): void => {
    const joined = current ? { start: current.start, end: unit.end } : unit;
    if (length(text.slice(joined.start, joined.end).trim()) <= limit) {
      current = joined;
      return;
    }
    if (length(text.slice(unit.start, unit.end).trim()) <= limit) {
      flush();
      current = unit;
      return;
    }
    // Too long even alone: split it one level finer.
    if (level === 2) {
      const word = text.slice(unit.start, unit.end).trim();
      throw new ValidationError(
        "request.text",
        `a single word at character ${unit.start} is ${length(word)} characters long, over the limit of ${limit}: "${word.slice(0, 30)}…"`,
      );
    }
    for (const sub of segments(text, unit.start, unit.end, level === 0 ? "sentence" : "word"))
      add(sub, level === 0 ? 1 : 2);
  };
  for (const p of paragraphs) add(p, 0);
  flush();
  return chunks;
}

/** The metadata of an AudioStream, without the stream. */
const metadataOf = ({ requestId, characterCost, historyItemId, contentType }: AudioMetadata): AudioMetadata => ({
  requestId,
  characterCost,
  historyItemId,
  contentType,
});

/** An in-order queue of one chunk's audio, filled as it arrives and drained by the output stream. */
class Pump {
  parts: Uint8Array[] = [];
  /** With timestamps: the chunk's alignment, and the decoded duration of its audio. */
  alignment: Alignment | undefined;
  seconds = 0;
  done = false;
  error: unknown;
  metadata: AudioMetadata = {};
  #wake: (() => void) | undefined;
  readonly headers: Promise<void>;

  constructor(run: (pump: Pump, headersArrived: () => void) => Promise<void>) {
    let arrived: () => void = () => undefined;
    this.headers = new Promise((resolve) => (arrived = resolve));
    run(this, arrived).then(
      () => this.#finish(),
      (error: unknown) => {
        this.error = error;
        arrived();
        this.#finish();
      },
    );
  }

  push(part: Uint8Array): void {
    if (part.byteLength === 0) return;
    this.parts.push(part);
    this.#wake?.();
  }

  #finish(): void {
    this.done = true;
    this.#wake?.();
  }

  async *drain(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const part = this.parts.shift();
      if (part) yield part;
      else if (this.error !== undefined) throw this.error;
      else if (this.done) return;
      else await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}

/**
 * Synthesise text of any length as one audio stream, which starts as soon as the first chunk's audio arrives.
 * MP3 chunks are joined frame-aligned (ID3 tags and Xing/Info frames dropped), PCM/μ-law/A-law as they are; Ogg
 * Opus cannot be joined by concatenation and is refused.
 *
 * @example
 * const audio = convertLongForm(client, voiceId, { text: book, outputFormat: "mp3_44100_128" },
 *   { onProgress: (p) => console.log(`${p.chunksDone}/${p.chunksTotal}`) });
 * await writeFile("book.mp3", await new Response(audio).bytes());
 */
export function convertLongForm(
  client: ElevenLabsClient,
  voiceId: string,
  request: TextToSpeechRequest,
  options: LongFormOptions & { timestamps: true },
): TimedAudioStream;
export function convertLongForm(
  client: ElevenLabsClient,
  voiceId: string,
  request: TextToSpeechRequest,
  options?: LongFormOptions,
): AudioStream;
export function convertLongForm(
  client: ElevenLabsClient,
  voiceId: string,
  request: TextToSpeechRequest,
  options: LongFormOptions = {},
): AudioStream {
  // Everything a chunk's request would refuse is refused here, before anything is sent: a ValidationError, never a
  // chunk failure.
  if (typeof request !== "object" || request === null) {
    throw new ValidationError("request", 'must be an object such as { text: "…" }');
  }
  options ??= {};
  checkRequestOptions(options.requestOptions);
  checkHeaders(options.requestOptions?.headers, "requestOptions.headers");
  const timed = options.timestamps === true;
  // Each chunk goes to convert, or with timestamps to convertWithTimestamps: checked against that operation's spec.
  const operation = timed ? WITH_TIMESTAMPS : CONVERT;
  const format = checkOutputFormat(request.outputFormat ?? DEFAULT_OUTPUT_FORMAT, operation);
  const { codec, sampleRate } = parseFormat(format);
  if (codec === "opus") {
    throw new ValidationError(
      "request.outputFormat",
      `${format} cannot be joined across requests (each chunk is a whole Ogg stream); use an mp3_* or pcm_* format for long-form audio`,
    );
  }
  if (typeof request.text !== "string") throw new ValidationError("request.text", "must be a string");
  const text = request.text;
  const modelId = request.modelId ?? DEFAULT_MODEL_ID;
  let chunks = splitText(text, options.maxCharacters ?? maxCharactersFor(modelId));
  if (chunks.length === 0) throw new ValidationError("request.text", "must not be empty");
  prepare(operation, [voiceId], { ...request, text: (chunks[0] as TextChunk).text });
  const byIds = options.continuity === "request-ids";
  const concurrency = byIds ? 1 : (options.concurrency ?? 2);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValidationError("concurrency", `must be a whole number ≥ 1, got ${String(options.concurrency)}`);
  }
  const mp3 = codec === "mp3";
  const total = { chunks: chunks.length, characters: chunks.reduce((n, c) => n + length(c.text), 0) };
  const progress: Omit<LongFormProgress, "chunk"> = {
    chunksDone: 0,
    chunksTotal: total.chunks,
    charactersDone: 0,
    charactersTotal: total.characters,
    bytes: 0,
  };
  const pumps: Pump[] = [];
  const ids: string[] = [];
  // Every request in flight is aborted at once by the caller's signal (already aborted: nothing is sent), by
  // cancelling the output, or by the first failure. AbortSignal.any leaves no listener on the caller's signal.
  const stop = new AbortController();
  const callerSignal = options.requestOptions?.abortSignal;
  const abortSignal = callerSignal ? AbortSignal.any([callerSignal, stop.signal]) : stop.signal;
  const requestOptions: RequestOptions = { ...options.requestOptions, abortSignal };
  // The first chunk failure ends the output; the aborts it causes in the other chunks are not reported.
  let failure: ElevenLabsError | undefined;

  const start = (i: number, chunk: TextChunk): Pump =>
    new Pump(async (pump, arrived) => {
      const body: TextToSpeechRequest = { ...request, text: chunk.text };
      const [before, after] = [chunks[i - 1], chunks[i + 1]];
      if (byIds) {
        if (ids.length > 0) body.previousRequestIds = ids.slice(-3);
      } else {
        if (before) body.previousText = before.text.slice(-CONTEXT_CHARACTERS);
        if (after) body.nextText = after.text.slice(0, CONTEXT_CHARACTERS);
      }
      try {
        let audio: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
        if (timed) {
          type TimedRequest = Parameters<typeof client.textToSpeech.convertWithTimestamps>[1];
          const { data, rawResponse } = await client.textToSpeech
            .convertWithTimestamps(voiceId, body as TimedRequest, requestOptions)
            .withRawResponse();
          // The answer is JSON; the chunk's audio is in the format asked for.
          pump.metadata = { ...metadataFrom(rawResponse.headers), contentType: contentTypeFor(format) };
          if (!data.alignment) throw new ElevenLabsError("the answer to convertWithTimestamps() had no alignment");
          pump.alignment = data.alignment;
          pump.seconds = durationOf(data.audio, codec, sampleRate);
          audio = [data.audio];
        } else {
          const stream = await client.textToSpeech.convert(voiceId, body, requestOptions);
          pump.metadata = metadataOf(stream);
          audio = stream;
        }
        arrived();
        let head: Uint8Array | undefined = i > 0 && mp3 ? new Uint8Array(0) : undefined;
        let tail = new Uint8Array(0); // the last 128 bytes are held back: they may be an ID3v1 tag
        const emit = (bytes: Uint8Array) => {
          if (!mp3) return pump.push(bytes);
          const all = new Uint8Array(tail.length + bytes.length);
          all.set(tail);
          all.set(bytes, tail.length);
          const cut = Math.max(0, all.length - 128);
          if (cut > 0) pump.push(all.subarray(0, cut));
          tail = all.slice(cut);
        };
        for await (const part of audio) {
          if (head) {
            // Hold the start of a later chunk until its ID3 tag and Xing frame (if any) can be dropped.
            const joined = new Uint8Array(head.length + part.length);
            joined.set(head);
            joined.set(part, head.length);
            const skip = mp3HeaderLength(joined);
            if (skip === undefined) {
              head = joined;
              continue;
            }
            head = undefined;
            emit(joined.subarray(skip));
          } else {
            emit(part);
          }
        }
        if (head) emit(head);
        if (!hasId3v1(tail)) pump.push(tail);
      } catch (error) {
        // An abort (the caller's, or ours after another chunk failed) is not this chunk's failure; bad input is
        // the caller's, not the chunk's.
        if (error instanceof ElevenLabsAbortError) throw error;
        failure ??= error instanceof ValidationError ? error : new LongFormChunkError(i, chunks.length, chunk, error);
        stop.abort(failure);
        throw failure;
      }
    });

  // With timestamps: the whole text's timeline, each chunk's times shifted by the audio before it.
  const timeline = { characters: [] as string[], starts: [] as number[], ends: [] as number[] };
  let offset = 0; // seconds of audio so far
  let covered = 0; // code units of the text so far
  const mark = (characters: Iterable<string>, start: number, end: number): void => {
    for (const c of characters) {
      timeline.characters.push(c);
      timeline.starts.push(start);
      timeline.ends.push(end);
    }
  };
  let settle: { resolve(a: Alignment): void; reject(e: unknown): void } | undefined;
  const alignment = new Promise<Alignment>((resolve, reject) => (settle = { resolve, reject }));
  // Observed by TimedAudioStream.alignment(); without timestamps nobody asks, and a failure must not be "unhandled".
  alignment.catch(() => undefined);

  async function* assemble(): AsyncGenerator<Uint8Array> {
    if (options.maxCharacters === undefined && total.characters > SHORTEST_LIMIT && !abortSignal.aborted) {
      // The API's own limit for the model (once per client), when it gives one; the built-in table otherwise. A
      // known model keeps the smaller of the two, so that the client-side check never refuses a chunk. A text within
      // the smallest limit of any model needs no lookup.
      const looked = await lookUpLimit(client, modelId);
      const known = MODEL_MAX_CHARACTERS[modelId];
      if (looked !== undefined) {
        chunks = splitText(text, known === undefined ? looked : Math.min(looked, known));
        progress.chunksTotal = chunks.length;
      }
    }
    for (const [i, chunk] of chunks.entries()) {
      for (let next = pumps.length; next < Math.min(chunks.length, i + concurrency); next = pumps.length) {
        pumps.push(start(next, chunks[next] as TextChunk));
      }
      const pump = pumps[i] as Pump;
      try {
        for await (const part of pump.drain()) {
          if (failure) throw failure;
          progress.bytes += part.byteLength;
          yield part;
        }
      } catch (error) {
        throw failure ?? error;
      }
      if (timed && pump.alignment) {
        // The text between the chunks (a paragraph break, a space) is spoken at the boundary. A chunk's range may
        // include the white space around its (trimmed) text: that belongs to the gap.
        const range = text.slice(chunk.start, chunk.end);
        const from = chunk.start + (range.length - range.trimStart().length);
        mark(text.slice(covered, from), offset, offset);
        const { characters, characterStartTimesSeconds: starts, characterEndTimesSeconds: ends } = pump.alignment;
        characters.forEach((c, k) => mark([c], offset + (starts[k] ?? 0), offset + (ends[k] ?? 0)));
        offset += pump.seconds;
        covered = from + chunk.text.length;
      }
      if (pump.metadata.requestId) ids.push(pump.metadata.requestId);
      progress.chunksDone++;
      progress.charactersDone += length(chunk.text);
      try {
        options.onProgress?.({ ...progress, chunk: pump.metadata });
      } catch (cause) {
        throw new ElevenLabsError(`onProgress threw: ${cause instanceof Error ? cause.message : String(cause)}`, {
          cause,
        });
      }
    }
  }

  const parts = (async function* () {
    try {
      yield* assemble();
      mark(text.slice(covered), offset, offset);
      settle?.resolve({
        characters: timeline.characters,
        characterStartTimesSeconds: timeline.starts,
        characterEndTimesSeconds: timeline.ends,
      });
    } catch (error) {
      settle?.reject(error);
      throw error;
    }
  })();
  // An AudioStream, as convert() gives: bytes(), blob() and `for await` typed in every project, and the content type.
  const source: ConstructorParameters<typeof AudioStream>[0] = {
    async pull(controller) {
      try {
        // A pull must enqueue or close, or the reader waits for ever: skip empty parts.
        for (;;) {
          const { done, value } = await parts.next();
          if (done) return controller.close();
          if (value.byteLength > 0) return controller.enqueue(value);
        }
      } catch (error) {
        stop.abort(error);
        controller.error(error);
      }
    },
    async cancel(reason) {
      stop.abort(reason);
      settle?.reject(new ElevenLabsAbortError("the long-form audio was cancelled before its end"));
      await parts.return(undefined);
    },
  };
  const metadata = { contentType: contentTypeFor(format) };
  return timed ? new TimedAudioStream(source, metadata, alignment) : new AudioStream(source, metadata);
}
