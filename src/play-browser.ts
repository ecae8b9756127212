/**
 * Browser play(): MP3 through MediaSource as it arrives, so that sound starts before the download ends; any other
 * format, or a browser without MediaSource for MP3, through a Blob URL once the whole audio is read.
 */
import type { AudioSource } from "./core/chunks.js";
import { ElevenLabsAbortError, ElevenLabsError } from "./core/errors.js";

export type { AudioSource };

export interface PlayOptions {
  /** The audio's MIME type. Default: the AudioStream's `contentType`, else `audio/mpeg`. */
  type?: string;
  /** Called with the `<audio>` element as soon as it exists (to show it, or set `controls` or `playbackRate`). */
  onElement?: (element: HTMLAudioElement) => void;
  /**
   * Stops playback: play() rejects with an `ElevenLabsAbortError`, the element is detached from the audio and the
   * source is cancelled (an AudioStream's download stops).
   */
  signal?: AbortSignal;
}

type MediaSourceClass = typeof MediaSource;

/** Seconds of played audio kept behind the playback position when the SourceBuffer is full. */
const KEEP_PLAYED = 1;
/** With the SourceBuffer full, how often to look at the playback position, and how long it may stay put. */
const POLL_MS = 250;
const STUCK_MS = 5000;

/**
 * Play audio in the page and resolve when it ends. MP3 (`audio/mpeg`) plays as it arrives where the browser has
 * MediaSource (or Safari's ManagedMediaSource) for it; anything else is read whole and played from a Blob URL.
 * Rejects with an ElevenLabsError on a media error, when the browser blocks autoplay (call it from a click handler),
 * or when the source fails; with an ElevenLabsAbortError when `signal` aborts.
 */
export async function play(audio: AudioSource, options: PlayOptions = {}): Promise<void> {
  const type = options.type ?? (audio as { contentType?: string }).contentType ?? "audio/mpeg";
  const { signal } = options;
  const scope = globalThis as { MediaSource?: MediaSourceClass; ManagedMediaSource?: MediaSourceClass };
  const Source = /^audio\/mp(eg|3)\b/i.test(type)
    ? [scope.MediaSource, scope.ManagedMediaSource].find((S) => S?.isTypeSupported("audio/mpeg"))
    : undefined;

  // Every listener goes with `listening`; every wait races `failed` (an abort, a media error, a refused play()).
  const listening = new AbortController();
  const on = (target: EventTarget, name: string, listener: () => void): void =>
    target.addEventListener(name, listener, { once: true, signal: listening.signal });
  let fail!: (error: unknown) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const until = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, failed]);
  const event = (target: EventTarget, name: string): Promise<void> =>
    until(new Promise<void>((resolve) => on(target, name, resolve)));

  // The source, read chunk by chunk so that an abort can cancel a read in progress.
  let finished = false;
  let next: () => Promise<IteratorResult<Uint8Array>>;
  let stop: () => unknown;
  if (typeof (audio as ReadableStream).getReader === "function") {
    const reader = (audio as ReadableStream<Uint8Array>).getReader();
    next = () => reader.read();
    stop = () => reader.cancel().catch(() => undefined);
  } else {
    const iterator =
      audio instanceof Uint8Array ? [audio].values() : (audio as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    next = async () => iterator.next();
    stop = () => Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
  const chunk = async (): Promise<Uint8Array<ArrayBuffer> | undefined> => {
    const result = await until(next());
    finished = !!result.done;
    return result.value as Uint8Array<ArrayBuffer> | undefined;
  };

  const aborted = (): ElevenLabsAbortError => new ElevenLabsAbortError("play() was aborted", { cause: signal?.reason });
  if (signal) on(signal, "abort", () => fail(aborted()));

  let url: string | undefined;
  let element: HTMLAudioElement | undefined;
  let ended = false;
  const attach = (src: string): HTMLAudioElement => {
    const media = new Audio();
    // Safari's ManagedMediaSource opens only without remote playback (or with an alternative source).
    if (Source && Source !== scope.MediaSource) media.disableRemotePlayback = true;
    media.src = src;
    on(media, "error", () =>
      fail(new ElevenLabsError(`the browser could not play the audio (${type})`, { cause: media.error })),
    );
    options.onElement?.(media);
    media.play().catch((error: unknown) => {
      const name = (error as Error | undefined)?.name;
      const hint = name === "NotAllowedError" ? ": the browser blocks autoplay, call play() from a click handler" : "";
      fail(new ElevenLabsError(`the browser did not start playing the audio (${name})${hint}`, { cause: error }));
    });
    return (element = media);
  };

  try {
    if (signal?.aborted) throw aborted();
    let media: HTMLAudioElement;
    if (Source) {
      const source = new Source();
      media = attach((url = URL.createObjectURL(source)));
      await event(source, "sourceopen");
      const buffer = source.addSourceBuffer("audio/mpeg");
      on(buffer, "error", () => fail(new ElevenLabsError("the browser could not decode the audio (audio/mpeg)")));
      let [position, stuck] = [-1, 0];
      for (let bytes = await chunk(); bytes; bytes = await chunk()) {
        // One append at a time: each waits for the previous one's `updateend`.
        for (;;) {
          try {
            buffer.appendBuffer(bytes);
            await event(buffer, "updateend");
            break;
          } catch (error) {
            if ((error as Error).name !== "QuotaExceededError") throw error;
            // The buffer is full: drop what was played, or wait for playback to move on. Reading stops meanwhile, so
            // memory stays bounded however long the audio is.
            const played = media.currentTime - KEEP_PLAYED;
            const start = buffer.buffered.length ? buffer.buffered.start(0) : played;
            if (played > start) {
              buffer.remove(start, played);
              await event(buffer, "updateend");
            } else {
              // Playback has yet to move on. A position that stays put while playing means the browser waits for data
              // the full buffer cannot take: that wait would never end.
              if (media.paused || media.currentTime !== position) [position, stuck] = [media.currentTime, 0];
              else if (++stuck * POLL_MS > STUCK_MS) {
                throw new ElevenLabsError("the browser's audio buffer is full, and playback does not go on");
              }
              await until(new Promise((resolve) => setTimeout(resolve, POLL_MS)));
            }
          }
        }
      }
      source.endOfStream();
    } else {
      const parts: Uint8Array<ArrayBuffer>[] = [];
      for (let bytes = await chunk(); bytes; bytes = await chunk()) parts.push(bytes);
      media = attach((url = URL.createObjectURL(new Blob(parts, { type }))));
    }
    await event(media, "ended");
    ended = true;
  } catch (error) {
    throw error instanceof ElevenLabsError
      ? error
      : new ElevenLabsError(`play() failed: ${String(error)}`, { cause: error });
  } finally {
    listening.abort();
    if (!finished) void stop();
    if (url) URL.revokeObjectURL(url);
    if (element && !ended) {
      element.pause();
      element.removeAttribute("src");
      element.load();
    }
  }
}

/** In the browser, stream() is play(): it plays MP3 as it arrives. */
export const stream = play;
