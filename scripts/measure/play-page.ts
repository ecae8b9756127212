/**
 * The page side of the browser play() measurements and tests: bundled for the browser by `browser-play.ts` (with the
 * client's src/browser.ts), it defines `window.playRun(run)`, which synthesises a text through the page's origin,
 * plays it with play(), and reports when sound started, when the download ended, and what play() left behind.
 */
import { ElevenLabsClient, ElevenLabsError, play } from "../../src/browser.ts";

export interface PlayRun {
  method: "convert" | "stream";
  text: string;
  /** Default mp3_44100_128. */
  format?: string;
  /** An `x-mock-fault` for the local server, e.g. "slow-drip:bytes=2048,interval=20" to slow the download down. */
  fault?: string;
  /** Delete window.MediaSource (and ManagedMediaSource) first: a browser without MediaSource. */
  withoutMediaSource?: boolean;
  /** Make SourceBuffer.appendBuffer throw QuotaExceededError while it holds more than this many seconds. */
  quotaSeconds?: number;
  /** The element's playbackRate (Chromium allows up to 16), so that a test need not wait for the whole audio. */
  playbackRate?: number;
  /** Abort play() (its `signal`) this many ms after the first sound. */
  abortAfterSoundMs?: number;
  /** Abort play()'s signal before calling it. */
  abortFirst?: boolean;
  /**
   * What play() is given: the AudioStream (default), a plain async iterable of its chunks (no content type, as any
   * AudioSource), or its bytes read whole first (a Uint8Array).
   */
  source?: "audio-stream" | "iterable" | "bytes";
  /** Abort play() once the whole response has arrived (to time the download without waiting for the audio's end). */
  abortAfterDownload?: boolean;
}

export interface PlayResult {
  /** ms from the call to convert()/stream() until it resolved (the response headers arrived). */
  headersMs: number;
  /** ms from the call to convert()/stream() until the playback position first moved (currentTime > 0). */
  firstSoundMs?: number;
  /**
   * ms from the call until the response ended (resource timing's responseEnd): its last byte, or the moment a
   * cancelled download was given up.
   */
  downloadEndMs?: number;
  /** ms from the call until play() settled. */
  settledMs: number;
  /** What play() rejected with, if it did. */
  error?: { name: string; message: string; elevenLabsError: boolean };
  /** play() gave the element a MediaSource (streaming) rather than a Blob. */
  mediaSource: boolean;
  /** Object URLs created and revoked. */
  urlsCreated: number;
  urlsRevoked: number;
  /** Listeners added with a `signal` that is still not aborted after play() settled. */
  listenersLeft: number;
  /** The most seconds the SourceBuffer held at once, and how many times play() removed played audio. */
  maxBufferedSeconds: number;
  removes: number;
  /** The element after play() settled. */
  element?: { paused: boolean; src: string | null; currentTime: number; duration: number; ended: boolean };
}

declare global {
  interface Window {
    playRun(run: PlayRun): Promise<PlayResult>;
    /** For a test's own page.evaluate(). */
    elevenlabs: { play: typeof play; ElevenLabsError: typeof ElevenLabsError };
  }
}

window.elevenlabs = { play, ElevenLabsError };

window.playRun = async (run) => {
  const created: unknown[] = [];
  let revoked = 0;
  const signals: AbortSignal[] = [];
  let maxBufferedSeconds = 0;
  let removes = 0;
  const MediaSourceClass = window.MediaSource;

  // Instrument what play() touches. Each run has a page of its own, so nothing is restored.
  const createObjectURL = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (object: Blob | MediaSource) => (created.push(object), createObjectURL(object));
  const revokeObjectURL = URL.revokeObjectURL.bind(URL);
  URL.revokeObjectURL = (url: string) => (revoked++, revokeObjectURL(url));
  const addEventListener = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (
    this: EventTarget,
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: AddEventListenerOptions | boolean,
  ) {
    if (typeof options === "object" && options.signal) signals.push(options.signal);
    addEventListener.call(this, type, listener, options);
  };
  const span = (buffer: SourceBuffer): number =>
    buffer.buffered.length ? buffer.buffered.end(buffer.buffered.length - 1) - buffer.buffered.start(0) : 0;
  const appendBuffer = SourceBuffer.prototype.appendBuffer;
  SourceBuffer.prototype.appendBuffer = function (this: SourceBuffer, data: BufferSource) {
    maxBufferedSeconds = Math.max(maxBufferedSeconds, span(this));
    if (run.quotaSeconds !== undefined && span(this) > run.quotaSeconds) {
      throw new DOMException("the test's SourceBuffer quota is reached", "QuotaExceededError");
    }
    appendBuffer.call(this, data);
    addEventListener.call(this, "updateend", () => (maxBufferedSeconds = Math.max(maxBufferedSeconds, span(this))));
  };
  const remove = SourceBuffer.prototype.remove;
  SourceBuffer.prototype.remove = function (this: SourceBuffer, start: number, end: number) {
    removes++;
    remove.call(this, start, end);
  };
  if (run.withoutMediaSource) {
    const scope = window as { MediaSource?: unknown; ManagedMediaSource?: unknown };
    delete scope.MediaSource;
    delete scope.ManagedMediaSource;
  }

  const client = new ElevenLabsClient({ apiKey: "local-server-key", baseUrl: location.origin });
  const controller = new AbortController();
  let element: HTMLAudioElement | undefined;
  let firstSoundMs: number | undefined;
  let error: PlayResult["error"];
  const synthesis = (e: PerformanceEntry): e is PerformanceResourceTiming => e.name.includes("/v1/text-to-speech/");
  if (run.abortAfterDownload) {
    // Resource timing adds the response's entry once its body has arrived (or was given up).
    new PerformanceObserver((list) => {
      if (list.getEntries().some(synthesis)) controller.abort();
    }).observe({ type: "resource" });
  }
  let headersMs = NaN;
  const t0 = performance.now();
  try {
    const audio = await client.textToSpeech[run.method](
      "JBFqnCBsd6RMkjVDRZzb",
      { text: run.text, outputFormat: (run.format ?? "mp3_44100_128") as "mp3_44100_128" },
      run.fault ? { headers: { "x-mock-fault": run.fault } } : {},
    );
    headersMs = performance.now() - t0;
    if (run.abortFirst) controller.abort();
    const iterable = async function* (): AsyncGenerator<Uint8Array> {
      for await (const chunk of audio) yield chunk;
    };
    const source = run.source === "iterable" ? iterable() : run.source === "bytes" ? await audio.bytes() : audio;
    await play(source, {
      signal: controller.signal,
      onElement: (media) => {
        element = media;
        if (run.playbackRate) media.playbackRate = run.playbackRate;
        const moved = (): void => {
          if (firstSoundMs !== undefined || media.currentTime <= 0) return;
          firstSoundMs = performance.now() - t0;
          if (run.abortAfterSoundMs !== undefined) setTimeout(() => controller.abort(), run.abortAfterSoundMs);
        };
        // timeupdate fires about every 250 ms: look at the position every 5 ms too, until it moves.
        media.addEventListener("timeupdate", moved);
        const poll = setInterval(() => (firstSoundMs === undefined ? moved() : clearInterval(poll)), 5);
      },
    });
  } catch (caught) {
    const e = caught as Error;
    error = { name: e.name, message: e.message, elevenLabsError: caught instanceof ElevenLabsError };
  }
  const settledMs = performance.now() - t0;
  // Resource timing has the entry once the body is complete; give it a moment to be queued.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const entry = performance.getEntriesByType("resource").find(synthesis);
  return {
    headersMs,
    firstSoundMs,
    downloadEndMs: entry && entry.responseEnd - t0,
    settledMs,
    error,
    mediaSource: created.some((o) => MediaSourceClass !== undefined && o instanceof MediaSourceClass),
    urlsCreated: created.length,
    urlsRevoked: revoked,
    listenersLeft: signals.filter((s) => !s.aborted).length,
    maxBufferedSeconds,
    removes,
    element: element && {
      paused: element.paused,
      src: element.getAttribute("src"),
      currentTime: element.currentTime,
      duration: element.duration,
      ended: element.ended,
    },
  };
};
