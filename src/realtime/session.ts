/**
 * The realtime sessions over an open Link: `stream-input` (RealtimeSession) and `multi-stream-input`
 * (MultiContextSession and its RealtimeContexts), and the audio they give (RealtimeAudioStream).
 *
 * Each session or context is a track: its audio messages become chunks (the audio decoded, the alignment on the
 * track's timeline), queued until read. Reading releases them from the link's backpressure bound. The track ends at
 * its `isFinal`, or with the socket's error.
 */
import type {
  CloseConnection,
  CloseContext,
  CloseSocket,
  FlushContext,
  InitialiseContext,
  InitializeConnectionMulti,
  KeepContextAlive,
  SendText,
  SendTextMulti,
} from "../../generated/realtime.js";
import { alreadyRead, AudioStream } from "../audio.js";
import type { Alignment } from "../captions.js";
import { ElevenLabsAbortError, ElevenLabsError, ConnectionError, invalid } from "../core/errors.js";
import { contentTypeFor } from "../format.js";
import { TextChunker } from "./chunker.js";
import { audioClock, type AudioClock } from "./clock.js";
import type { Link } from "./link.js";
import type { ContextSettings, RealtimeChunk } from "./types.js";

/** @internal Characters and their times in seconds, growing as the audio arrives; `whole` is all of it at the end. */
export class Timeline {
  readonly chunks: Alignment[] = [];
  #end: { error?: unknown } | undefined;
  #wake: (() => void)[] = [];
  readonly whole: Promise<Alignment>;
  #settle: { resolve(a: Alignment): void; reject(e: unknown): void } | undefined;

  constructor() {
    this.whole = new Promise((resolve, reject) => (this.#settle = { resolve, reject }));
    this.whole.catch(() => undefined); // observed by alignment(); not "unhandled" when nobody asks
  }

  push(chunk: Alignment): void {
    this.chunks.push(chunk);
    for (const wake of this.#wake.splice(0)) wake();
  }

  end(error?: unknown): void {
    if (this.#end) return;
    this.#end = error === undefined ? {} : { error };
    for (const wake of this.#wake.splice(0)) wake();
    if (error !== undefined) return this.#settle?.reject(error);
    this.#settle?.resolve({
      characters: this.chunks.flatMap((c) => c.characters),
      characterStartTimesSeconds: this.chunks.flatMap((c) => c.characterStartTimesSeconds),
      characterEndTimesSeconds: this.chunks.flatMap((c) => c.characterEndTimesSeconds),
    });
  }

  async *iterate(): AsyncGenerator<Alignment, void, undefined> {
    for (let i = 0; ;) {
      const chunk = this.chunks[i];
      if (chunk) {
        i++;
        yield chunk;
      } else if (this.#end) {
        if (this.#end.error !== undefined) throw this.#end.error;
        return;
      } else await new Promise<void>((resolve) => this.#wake.push(resolve));
    }
  }
}

/**
 * A session's (or a context's) audio as it arrives: a ReadableStream of the audio bytes, like convert()'s (`bytes()`,
 * `for await`, `play()`), and the alignment of the text, in seconds from the start of this audio.
 */
export class RealtimeAudioStream extends AudioStream {
  readonly #timeline: Timeline;

  /** @internal Built by the sessions. */
  constructor(
    next: () => Promise<IteratorResult<RealtimeChunk, undefined>>,
    cancel: (reason: unknown) => void,
    timeline: Timeline,
    contentType: string,
  ) {
    super(
      {
        async pull(controller) {
          for (;;) {
            const { done, value } = await next();
            if (done) return controller.close();
            if (value.audio.length > 0) return controller.enqueue(value.audio);
          }
        },
        cancel,
      },
      { contentType },
    );
    this.#timeline = timeline;
  }

  /**
   * The alignment as it arrives, one chunk per audio message (characters with their start and end in seconds from the
   * start of the audio). Each call starts from the first chunk; it ends with the audio, and throws the session's error.
   */
  alignmentChunks(): AsyncIterableIterator<Alignment> {
    return this.#timeline.iterate();
  }

  /** The whole alignment, once the audio has ended; rejects with the session's error. */
  alignment(): Promise<Alignment> {
    return this.#timeline.whole;
  }
}

/** The times of an API alignment (ms, relative to its message) in seconds on the track's timeline. */
function timed(value: unknown, offset: number): Alignment | undefined {
  const { chars, charStartTimesMs, charsDurationsMs } = (value ?? {}) as Record<string, unknown>;
  if (!Array.isArray(chars) || !Array.isArray(charStartTimesMs) || chars.length === 0) return undefined;
  const durations = Array.isArray(charsDurationsMs) ? charsDurationsMs : [];
  const seconds = (ms: number): number => Math.round((offset + ms / 1000) * 1e6) / 1e6;
  const starts = chars.map((_, i) => Number(charStartTimesMs[i] ?? 0));
  return {
    characters: chars.map(String),
    characterStartTimesSeconds: starts.map(seconds),
    characterEndTimesSeconds: starts.map((start, i) => seconds(start + Number(durations[i] ?? 0))),
  };
}

/** Base64 to bytes, with web-standard APIs only. */
function decode(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** @internal One audio stream of a socket: the session's on stream-input, a context's on multi-stream-input. */
export class Track {
  #items: RealtimeChunk[] = [];
  #end: { error?: unknown } | undefined;
  #wake: (() => void) | undefined;
  #taken = false;
  #timeline: Timeline | undefined;
  readonly #clock: AudioClock;

  constructor(
    private readonly link: Link,
    private readonly format: string,
    private readonly label: string,
  ) {
    this.#clock = audioClock(format);
  }

  get ended(): boolean {
    return this.#end !== undefined;
  }

  /** An audio message of this track. */
  receive(message: Record<string, unknown>): void {
    if (this.#end || typeof message.audio !== "string" || message.audio === "") return;
    let audio: Uint8Array;
    try {
      audio = decode(message.audio);
    } catch (cause) {
      return this.link.fail(new ElevenLabsError(`${this.label}: an audio message is not base64`, { cause }));
    }
    const offset = this.#clock.seconds;
    this.#clock.push(audio);
    const chunk: RealtimeChunk = { audio };
    const alignment = timed(message.alignment, offset);
    const normalized = timed(message.normalizedAlignment, offset);
    if (alignment) chunk.alignment = alignment;
    if (normalized) chunk.normalizedAlignment = normalized;
    if (alignment) this.#timeline?.push(alignment);
    this.link.aligned(alignment?.characters.length);
    this.#items.push(chunk);
    this.link.hold(audio.length);
    this.#wake?.();
  }

  /** The end of the track: its isFinal, or the socket's error. */
  end(error?: unknown): void {
    if (this.#end) return;
    this.#end = error === undefined ? {} : { error };
    this.#timeline?.end(error);
    this.#wake?.();
  }

  async #next(): Promise<IteratorResult<RealtimeChunk, undefined>> {
    for (;;) {
      const chunk = this.#items.shift();
      if (chunk) {
        this.link.release(chunk.audio.length);
        return { done: false, value: chunk };
      }
      if (this.#end) {
        if (this.#end.error !== undefined) throw this.#end.error;
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  #take(): void {
    if (this.#taken) throw alreadyRead(`${this.label}'s audio`, " (iterate the session, or read its audio(), once)");
    this.#taken = true;
  }

  iterator(cancel: (reason: unknown) => void): AsyncIterator<RealtimeChunk, undefined> {
    this.#take();
    return {
      next: () => this.#next(),
      return: () => {
        if (!this.#end) cancel(new ElevenLabsAbortError(`${this.label}: the reading stopped before the end`));
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  audio(cancel: (reason: unknown) => void): RealtimeAudioStream {
    this.#take();
    // The alignment of what arrived before goes first; what arrives next, as it arrives.
    const timeline = (this.#timeline = new Timeline());
    for (const chunk of this.#items) if (chunk.alignment) timeline.push(chunk.alignment);
    if (this.#end) timeline.end(this.#end.error);
    return new RealtimeAudioStream(
      () => this.#next(),
      (reason) => {
        if (!this.#end) cancel(reason);
      },
      timeline,
      contentTypeFor(this.format),
    );
  }
}

/** Sends in order: each operation runs after the one before has, whatever became of it. */
class Sequence {
  #last: Promise<void> = Promise.resolve();
  run(op: () => Promise<void> | void): Promise<void> {
    const next = this.#last.then(op);
    this.#last = next.catch(() => undefined);
    return next;
  }
}

function checkText(text: unknown, field = "text"): string {
  if (typeof text !== "string") invalid(field, `must be a string, got ${text === null ? "null" : typeof text}`);
  return text;
}

const abortError = (label: string, reason: unknown): ElevenLabsError =>
  reason instanceof ElevenLabsError ? reason : new ElevenLabsAbortError(`${label}: aborted`, { cause: reason });

/** The settled end of a session, observed so that it is never an unhandled rejection. */
function ending(): { promise: Promise<void>; settle(error?: unknown): void } {
  let settle: (error?: unknown) => void = () => undefined;
  const promise = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  promise.catch(() => undefined);
  return { promise, settle };
}

/**
 * A `stream-input` session: text in (`send`, `flush`, `close`), audio out (`for await (const chunk of session)`, or
 * `audio()`). `send` holds text until its words are whole; `close` ends the input, and the audio goes on until the
 * API's `isFinal`; `finished` settles when the socket has closed.
 */
export class RealtimeSession implements AsyncIterable<RealtimeChunk> {
  readonly #link: Link;
  readonly #track: Track;
  readonly #chunker: TextChunker;
  readonly #sequence = new Sequence();
  readonly #label: string;
  #closing = false;
  #final = false;
  readonly #finished = ending();

  /** @internal Built by connect(). */
  constructor(link: Link, format: string, sentences: boolean, label: string) {
    this.#link = link;
    this.#label = label;
    this.#track = new Track(link, format, label);
    this.#chunker = new TextChunker(sentences);
    link.attach({
      message: (message) => {
        if (message.isFinal === true) {
          this.#final = true;
          this.#track.end();
        } else this.#track.receive(message);
      },
      expected: () => this.#final,
      end: (error) => {
        this.#track.end(error ?? new ConnectionError(`${label} closed before the end of the audio`));
        this.#finished.settle(error);
      },
    });
  }

  /** Throws why text cannot go out: the session's error, or the input already closed. */
  #usable(name: string): void {
    if (this.#link.ended) throw this.#link.ended;
    if (this.#closing) throw new ElevenLabsError(`${this.#label}: ${name}() after close()`);
  }

  /** Settles when the socket has closed: after the audio's end (isFinal and a normal close), or with the error. */
  get finished(): Promise<void> {
    return this.#finished.promise;
  }

  /** Audio bytes received and not read yet. */
  get bufferedAudioBytes(): number {
    return this.#link.buffered;
  }

  /**
   * Sends text (a token, a word, a sentence): whole words go out, ending with a space; a word still being written
   * waits for the rest. Resolves once sent, which waits while more audio than `maxBufferedAudioBytes` is unread.
   */
  send(text: string): Promise<void> {
    checkText(text);
    return this.#sequence.run(async () => {
      this.#usable("send");
      await this.#link.room();
      this.#usable("send");
      const out = this.#chunker.push(text);
      if (out === undefined) return;
      this.#link.send({ text: out } satisfies SendText);
      this.#link.sent([...out].length);
    });
  }

  /** Sends the text held (even a part of a word) and asks for its audio now, keeping the socket open. */
  flush(): Promise<void> {
    return this.#sequence.run(() => {
      this.#usable("flush");
      const text = this.#chunker.drain();
      this.#link.send({ text: text ?? " ", flush: true } satisfies SendText);
      this.#link.sent(text === undefined ? 1 : [...text].length);
      if (text !== undefined) this.#link.due("next");
    });
  }

  /**
   * Ends the input: the text held is sent with a flush, then `{"text": ""}`. The audio goes on to the API's
   * `isFinal`; `finished` settles when the socket closes. Resolves once sent.
   */
  close(): Promise<void> {
    return this.#sequence.run(() => {
      if (this.#closing || this.#link.ended !== undefined) return;
      this.#closing = true;
      const text = this.#chunker.drain();
      if (text !== undefined) {
        this.#link.send({ text, flush: true } satisfies SendText);
        this.#link.sent([...text].length);
      }
      this.#link.send({ text: "" } satisfies CloseConnection);
      this.#link.due("end");
    });
  }

  /** Closes the socket now: reading the audio fails with an ElevenLabsAbortError (or with `reason`, if it is one). */
  abort(reason?: unknown): void {
    this.#link.fail(abortError(this.#label, reason));
  }

  /** The audio as one stream, with its alignment. Read it, or iterate the session: one of them, once. */
  audio(): RealtimeAudioStream {
    return this.#track.audio((reason) => this.abort(reason));
  }

  [Symbol.asyncIterator](): AsyncIterator<RealtimeChunk, undefined> {
    return this.#track.iterator((reason) => this.abort(reason));
  }
}

/** The wire form of a context's settings, validated (index.ts). */
export type WireSettings = Record<string, unknown>;

/**
 * A `multi-stream-input` socket: contexts opened by id, each with its own text, settings and audio, on one socket.
 * `close()` ends every context (their audio goes on to each one's `isFinal`) and then the socket.
 */
export class MultiContextSession {
  readonly #link: Link;
  readonly #format: string;
  readonly #label: string;
  readonly #contexts = new Map<string, RealtimeContext>();
  readonly #sequence = new Sequence();
  readonly #first: Record<string, unknown>;
  readonly #check: (settings: unknown) => WireSettings;
  #opened = false;
  #closing = false;
  readonly #finished = ending();

  /** @internal Built by connectMultiContext(). `first` is what the socket's first message also carries (the key). */
  constructor(
    link: Link,
    format: string,
    label: string,
    first: Record<string, unknown>,
    check: (settings: unknown) => WireSettings,
  ) {
    this.#link = link;
    this.#format = format;
    this.#label = label;
    this.#first = first;
    this.#check = check;
    link.attach({
      message: (message) => {
        const id = message.contextId ?? message.context_id;
        const context = typeof id === "string" ? this.#contexts.get(id) : undefined;
        if (!context) return;
        if (message.isFinal === true || message.is_final === true) {
          this.#contexts.delete(context.contextId);
          context.track.end();
        } else context.track.receive(message);
      },
      expected: () => this.#closing,
      end: (error) => {
        for (const context of this.#contexts.values()) {
          context.track.end(
            error ?? new ConnectionError(`${label}: the socket closed before context ${context.contextId}'s end`),
          );
        }
        this.#contexts.clear();
        this.#finished.settle(error);
      },
    });
  }

  /** Settles when the socket has closed: after close() and every context's end, or with the error. */
  get finished(): Promise<void> {
    return this.#finished.promise;
  }

  /** Audio bytes received (in every context) and not read yet. */
  get bufferedAudioBytes(): number {
    return this.#link.buffered;
  }

  /**
   * Opens a context: its first message carries `settings` (voiceSettings, generationConfig …, checked against the
   * spec now). Read the audio of every context you open (or close it): unread audio holds back the whole socket.
   */
  context(contextId: string, settings?: ContextSettings): RealtimeContext {
    if (typeof contextId !== "string" || contextId === "") invalid("contextId", "must be a non-empty string");
    if (this.#contexts.has(contextId)) invalid("contextId", `${JSON.stringify(contextId)} is already open`);
    if (this.#closing) throw new ElevenLabsError(`${this.#label}: context() after close()`);
    const wire = this.#check(settings);
    const context = new RealtimeContext(
      this,
      contextId,
      new Track(this.#link, this.#format, `${this.#label} context ${contextId}`),
    );
    this.#contexts.set(contextId, context);
    const first = !this.#opened;
    this.#opened = true;
    void this.run(() => {
      const message = { text: " " as const, context_id: contextId, ...wire };
      this.#link.send(
        first
          ? ({ ...message, ...this.#first } satisfies InitializeConnectionMulti)
          : (message satisfies InitialiseContext),
      );
    }).catch(() => undefined); // the context's reads give the socket's error
    return context;
  }

  /**
   * Ends every context: the text each holds is flushed (the API drops what is not), then `close_socket`; each
   * context's audio goes on to its `isFinal`, then the socket closes. Resolves once sent.
   */
  close(): Promise<void> {
    return this.run(() => {
      if (this.#closing || this.#link.ended !== undefined) return;
      this.#closing = true;
      for (const context of this.#contexts.values()) context.drain(this.#link);
      this.#link.send({ close_socket: true } satisfies CloseSocket);
      this.#link.due("end");
    });
  }

  /** Closes the socket now: every context's reads fail with an ElevenLabsAbortError (or `reason`, if it is one). */
  abort(reason?: unknown): void {
    this.#link.fail(abortError(this.#label, reason));
  }

  /** @internal */
  run(op: () => Promise<void> | void): Promise<void> {
    return this.#sequence.run(op);
  }

  /** @internal */
  get link(): Link {
    return this.#link;
  }
}

/** One context of a MultiContextSession: its text in, its audio out. */
export class RealtimeContext implements AsyncIterable<RealtimeChunk> {
  readonly contextId: string;
  /** @internal */
  readonly track: Track;
  readonly #session: MultiContextSession;
  readonly #chunker = new TextChunker(false);
  #closed = false;

  /** @internal */
  constructor(session: MultiContextSession, contextId: string, track: Track) {
    this.#session = session;
    this.contextId = contextId;
    this.track = track;
  }

  #op(name: string, op: (link: Link) => void | Promise<void>): Promise<void> {
    return this.#session.run(async () => {
      const { link } = this.#session;
      if (link.ended) throw link.ended;
      if (this.#closed) throw new ElevenLabsError(`context ${this.contextId}: ${name}() after close()`);
      await op(link);
    });
  }

  /** Sends text: whole words go out, a word still being written waits (as RealtimeSession.send). */
  send(text: string): Promise<void> {
    checkText(text);
    return this.#op("send", async (link) => {
      await link.room();
      if (link.ended) throw link.ended;
      const out = this.#chunker.push(text);
      if (out === undefined) return;
      link.send({ text: out, context_id: this.contextId } satisfies SendTextMulti);
      link.sent([...out].length);
    });
  }

  /** Sends the text held and asks for this context's audio now. */
  flush(): Promise<void> {
    return this.#op("flush", (link) => {
      const text = this.#chunker.drain();
      link.send({ context_id: this.contextId, text: text ?? "", flush: true } satisfies FlushContext);
      if (text !== undefined) {
        link.sent([...text].length);
        link.due("next");
      }
    });
  }

  /** Resets the context's inactivity timeout (an empty text, which the API ignores). */
  keepAlive(): Promise<void> {
    return this.#op("keepAlive", (link) =>
      link.send({ text: "", context_id: this.contextId } satisfies KeepContextAlive),
    );
  }

  /**
   * Ends the context: the text held is flushed, then `close_context`; its audio goes on to its `isFinal`. (The API
   * drops text not flushed when a context closes.) Resolves once sent.
   */
  close(): Promise<void> {
    return this.#op("close", (link) => {
      this.drain(link);
      link.send({ context_id: this.contextId, close_context: true } satisfies CloseContext);
      link.due("next");
    });
  }

  /** @internal Flushes what the context holds, here and in the API's buffer, and takes no more text. */
  drain(link: Link): void {
    if (this.#closed) return;
    this.#closed = true;
    const text = this.#chunker.drain();
    link.send({
      context_id: this.contextId,
      ...(text === undefined ? {} : { text }),
      flush: true,
    } satisfies FlushContext);
    if (text !== undefined) link.sent([...text].length);
  }

  /** This context's audio as one stream, with its alignment. Read it, or iterate the context: one of them, once. */
  audio(): RealtimeAudioStream {
    return this.track.audio((reason) => this.#session.abort(reason));
  }

  [Symbol.asyncIterator](): AsyncIterator<RealtimeChunk, undefined> {
    return this.track.iterator((reason) => this.#session.abort(reason));
  }
}
