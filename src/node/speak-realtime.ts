/**
 * Node-only: `speak --realtime`: text sent over the realtime WebSocket as it arrives (stdin, read as it comes), and the
 * audio written (and played) as it comes back, with the time to the first audio.
 */
import { Writable } from "node:stream";
import type { ElevenLabsClient } from "../client.js";
import { ElevenLabsError } from "../core/errors.js";
import { parseFormat } from "../format.js";
import type { OutputFormat } from "../text-to-speech.js";
import type { StreamInputOptions } from "../realtime/types.js";
import { OggOpusDuration } from "./ogg.js";
import { estimateDuration, openOutputs, type SpeakProgress, type SpeakResult } from "./speak.js";

/** The text ended without a word to say: nothing was sent (an empty stdin, or white space only). */
export class NoTextError extends ElevenLabsError {
  override name = "NoTextError";
}

/** The text read is not UTF-8. */
export class NotTextError extends ElevenLabsError {
  override name = "NotTextError";
}

/**
 * Text read from a byte stream (stdin) as it arrives: UTF-8 decoded across chunk boundaries (a character cut between
 * two reads is whole in the next string), handed out as it comes. Reading starts at once, so `firstAt` is when the
 * first byte arrived even while the socket is still opening. Iterate it once; it throws a NotTextError for bytes that
 * are not UTF-8, and a NoTextError when the stream ends without a word.
 */
export class ArrivingText implements AsyncIterable<string> {
  /** When the first byte arrived, and when the stream ended (Date.now() values). */
  firstAt: number | undefined;
  endAt: number | undefined;
  /** Characters read (code points). */
  characters = 0;
  readonly #stream: NodeJS.ReadableStream;
  readonly #decoder = new TextDecoder("utf-8", { fatal: true });
  #queue = "";
  #words = false;
  #end: { error?: ElevenLabsError } | undefined;
  #wake: (() => void) | undefined;
  #bytes = 0;
  readonly #onData = (chunk: Uint8Array | string): void => this.#data(chunk);
  readonly #onEnd = (): void => this.#finish();
  readonly #onError = (error: Error): void => this.#fail(new ElevenLabsError(`cannot read stdin: ${error.message}`));

  constructor(stream: NodeJS.ReadableStream) {
    this.#stream = stream;
    stream.on("data", this.#onData);
    stream.on("end", this.#onEnd);
    stream.on("error", this.#onError);
    stream.resume();
  }

  #data(chunk: Uint8Array | string): void {
    if (this.#end) return;
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
    if (bytes.length === 0) return;
    this.firstAt ??= Date.now();
    let text: string;
    try {
      text = this.#decoder.decode(bytes, { stream: true });
    } catch {
      return this.#fail(
        new NotTextError(`stdin is not UTF-8 text (within bytes ${this.#bytes}–${this.#bytes + bytes.length})`),
      );
    }
    this.#bytes += bytes.length;
    this.#push(text);
  }

  #push(text: string): void {
    if (text === "") return;
    this.characters += [...text].length;
    this.#words ||= text.trim() !== "";
    this.#queue += text;
    this.#wake?.();
  }

  #finish(): void {
    if (this.#end) return;
    try {
      this.#push(this.#decoder.decode());
    } catch {
      return this.#fail(new NotTextError("stdin ends inside a UTF-8 character"));
    }
    this.endAt = Date.now();
    this.#end = this.#words ? {} : { error: new NoTextError("stdin ended without any text") };
    this.#wake?.();
  }

  #fail(error: ElevenLabsError): void {
    this.endAt ??= Date.now();
    this.#end = { error };
    this.stop();
    this.#wake?.();
  }

  /** Stops reading (the stream is paused and left alone): at the end, after an error, or when the session failed. */
  stop(): void {
    this.#stream.removeListener("data", this.#onData);
    this.#stream.removeListener("end", this.#onEnd);
    this.#stream.removeListener("error", this.#onError);
    this.#stream.pause();
    this.#end ??= { error: new ElevenLabsError("stopped reading stdin") };
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<string, void, undefined> {
    for (;;) {
      if (this.#queue !== "") {
        const text = this.#queue;
        this.#queue = "";
        yield text;
      } else if (this.#end) {
        if (this.#end.error) throw this.#end.error;
        return;
      } else await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}

/** The time to the first audio, in milliseconds. */
export interface FirstAudio {
  /** From the start (before the socket opened) to the first audio byte. */
  fromStartMs: number;
  /** From the first byte of text to the first audio byte. */
  fromFirstTextMs: number;
}

export interface RealtimeSpeakOptions {
  /** The text: a string, sent whole, or text as it arrives (stdin). */
  text: string | ArrivingText;
  voiceId: string;
  modelId?: string | undefined;
  outputFormat: OutputFormat;
  seed?: number | undefined;
  /** The API's auto mode: it generates at each sentence instead of waiting for its chunk-length schedule. */
  autoMode?: boolean | undefined;
  /** Seconds the API waits for more text before it closes the socket (its default is 20, at most 180). */
  inactivityTimeout?: number | undefined;
  /** File to write; `-` writes to stdout. */
  out: string;
  stdout?: Writable | undefined;
  /** Captions from the alignment (WebVTT for `.vtt`, SRT for `.srt`, `-` for WebVTT on stdout), as `speak()`. */
  subtitles?: string | undefined;
  /**
   * Plays the audio as it arrives: called once, before the first audio, with a stream that gets each chunk as it
   * comes (the file or stdout does not wait for the player). Resolved before speakRealtime() resolves.
   */
  play?: ((audio: ReadableStream<Uint8Array>) => Promise<void>) | undefined;
  /** Closes the socket; the partial files are removed and the promise rejects with the abort's reason. */
  abortSignal?: AbortSignal | undefined;
  onProgress?: ((progress: SpeakProgress) => void) | undefined;
  /** Called once the socket is open (nothing sent but the settings). */
  onOpen?: (() => void) | undefined;
  /** Called once, when the first audio arrives. */
  onFirstAudio?: ((first: FirstAudio) => void) | undefined;
  /** When the command started (Date.now()); default: when speakRealtime() is called. */
  startedAt?: number | undefined;
}

export interface RealtimeSpeakResult extends SpeakResult {
  realtime: true;
  /** Milliseconds from the start (before the socket opened) to the first audio byte. */
  timeToFirstAudioMs: number;
  /** Milliseconds from the first byte of text to the first audio byte. */
  firstAudioAfterTextMs: number;
  /** Milliseconds from the start to the end of the text (stdin's end; 0 for a text argument). */
  textEndedMs: number;
  /** Characters of text read. */
  characters: number;
}

/**
 * Speaks text over the realtime WebSocket (`stream-input`) as it arrives, the audio written to a partial file (renamed
 * when complete, removed on failure or abort) or to stdout as it comes, and played as it comes with `play`.
 */
export async function speakRealtime(
  client: ElevenLabsClient,
  options: RealtimeSpeakOptions,
): Promise<RealtimeSpeakResult> {
  const started = options.startedAt ?? Date.now();
  const { text, abortSignal } = options;
  const arriving = typeof text === "string" ? undefined : text;
  if (typeof text === "string" && text.trim() === "") throw new NoTextError("the text is empty");
  const progress: SpeakProgress = { bytes: 0, elapsedMs: 0, chunksDone: 0, chunksTotal: 1, done: false };
  const report = () => options.onProgress?.({ ...progress, elapsedMs: Date.now() - started });
  const toStdout = options.out === "-";
  const stdout = options.stdout ?? process.stdout;
  // Checked, and the partial files created, before the socket opens: a bad path costs nothing.
  const outputs = await openOutputs(options.out, options.subtitles);
  const ogg = parseFormat(options.outputFormat).codec === "opus" ? new OggOpusDuration() : undefined;
  let feed: ReadableStreamDefaultController<Uint8Array> | undefined;
  let playing: Promise<void> | undefined;
  let first: FirstAudio | undefined;
  let subtitles: SpeakResult["subtitles"];
  let contentType: string | undefined;
  try {
    const { streamInput } = await import("./realtime.js");
    const audio = await streamInput(client, options.voiceId, text, {
      // A format the realtime API does not serve is refused by streamInput(), before the socket opens.
      outputFormat: options.outputFormat as NonNullable<StreamInputOptions["outputFormat"]>,
      ...(options.modelId ? { modelId: options.modelId } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.autoMode ? { autoMode: true } : {}),
      ...(options.inactivityTimeout !== undefined ? { inactivityTimeout: options.inactivityTimeout } : {}),
      ...(abortSignal ? { abortSignal } : {}),
    });
    options.onOpen?.();
    report(); // the socket is open: nothing received yet
    contentType = audio.contentType;
    if (options.play) {
      // The player gets the audio as it comes, without holding back the file: what it has not played waits here.
      const toPlayer = new ReadableStream<Uint8Array>({ start: (controller) => void (feed = controller) });
      playing = options.play(toPlayer);
      playing.catch(() => undefined); // awaited at the end; a player that quits early does not stop the file
    }
    await audio
      .pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            if (!first) {
              const now = Date.now();
              first = { fromStartMs: now - started, fromFirstTextMs: now - (arriving?.firstAt ?? started) };
              options.onFirstAudio?.(first);
            }
            progress.bytes += chunk.byteLength;
            ogg?.push(chunk);
            try {
              feed?.enqueue(chunk);
            } catch {
              feed = undefined; // the player has stopped reading
            }
            report();
            controller.enqueue(chunk);
          },
        }),
      )
      .pipeTo(Writable.toWeb(outputs.sink(stdout)), {
        preventClose: toStdout,
        ...(abortSignal ? { signal: abortSignal } : {}),
      });
    if (!first) throw new ElevenLabsError("the session ended without any audio");
    subtitles = await outputs.commit(() => audio.alignment(), stdout);
    try {
      feed?.close();
    } catch {
      // the player has stopped reading
    }
    await playing;
  } catch (error) {
    try {
      feed?.error(error);
    } catch {
      // the player has stopped reading
    }
    await outputs.remove();
    arriving?.stop();
    throw abortSignal?.aborted && abortSignal.reason instanceof Error ? abortSignal.reason : error;
  }
  progress.done = true;
  report();
  const firstAudio = first as FirstAudio; // set, or the session threw above
  const result: RealtimeSpeakResult = {
    file: outputs.audio?.file ?? "-",
    bytes: progress.bytes,
    durationSeconds: ogg?.seconds() ?? estimateDuration(options.outputFormat, progress.bytes),
    format: options.outputFormat,
    chunks: 1,
    elapsedMs: Date.now() - started,
    realtime: true,
    timeToFirstAudioMs: firstAudio.fromStartMs,
    firstAudioAfterTextMs: firstAudio.fromFirstTextMs,
    textEndedMs: (arriving?.endAt ?? started) - started,
    characters: arriving ? arriving.characters : [...(text as string)].length,
  };
  if (contentType) result.contentType = contentType;
  if (subtitles) result.subtitles = subtitles;
  return result;
}
