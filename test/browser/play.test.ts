// The browser play() in headless Chromium, against the local server: MP3 through MediaSource as it arrives, the Blob
// fallback, abort, errors and a full SourceBuffer. The page is scripts/measure/play-page.ts (shared with
// scripts/measure/browser-play.mts); each run has a fresh page.
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CHROMIUM,
  launchChromium,
  longText,
  startPlayPages,
  type PlayPages,
} from "../../scripts/measure/browser-play.ts";

// Outside CI (where .ci/run installs it), a machine without Chromium skips this file, as test/browser/browser.test.ts.
const chromiumMissing = !existsSync(CHROMIUM) && !process.env.CI;
if (chromiumMissing) console.warn(`skipping the play() browser test: no Chromium at ${CHROMIUM}`);

let browser: Browser | undefined;
let pages: PlayPages | undefined;

beforeAll(async () => {
  if (chromiumMissing) return;
  browser = await launchChromium();
  pages = await startPlayPages(browser);
});

afterAll(async () => {
  await pages?.close();
  await browser?.close();
});

/** A long text: 24 s of the local server's tone (60 ms per character), about 390 kB of mp3_44100_128. */
const LONG = longText(400);
/** The download of LONG slowed down to several seconds. */
const SLOW = "slow-drip:bytes=2048,interval=20";

/** Waits until the local server has closed the response of its latest request (at most `ms`). */
async function responseClosed(ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    if (pages!.mock.requests.at(-1)?.finishedAt !== undefined) return true;
  }
  return false;
}

describe.skipIf(chromiumMissing)("browser play() in headless Chromium", () => {
  it.each(["stream", "convert"] as const)(
    "%s: MP3 plays through MediaSource as it arrives, sound before the download ends, and resolves at its end",
    async (method) => {
      // playbackRate 16: the position catches up with the download, so the test lasts about as long as the download.
      const r = await pages!.run({ method, text: LONG, fault: SLOW, playbackRate: 16 });
      console.log(
        `${method}: headers ${r.headersMs.toFixed(0)} ms, first sound ${r.firstSoundMs?.toFixed(0)} ms, ` +
          `whole download ${r.downloadEndMs?.toFixed(0)} ms`,
      );
      expect(r.error).toBeUndefined();
      expect(r.mediaSource).toBe(true);
      expect(r.firstSoundMs).toBeDefined();
      expect(r.downloadEndMs).toBeDefined();
      expect(r.firstSoundMs!).toBeLessThan(r.downloadEndMs!);
      expect(r.settledMs).toBeGreaterThan(r.downloadEndMs!);
      // The whole audio played: endOfStream() gave the element its duration, and `ended` came at it.
      expect(r.element).toMatchObject({ ended: true });
      expect(r.element!.duration).toBeCloseTo(LONG.length * 0.06, 0);
      expect(r.element!.currentTime).toBe(r.element!.duration);
      expect([r.urlsCreated, r.urlsRevoked]).toEqual([1, 1]);
      expect(r.listenersLeft).toBe(0);
      expect(pages!.mock.requests.at(-1)).toMatchObject({ status: 200, query: { output_format: "mp3_44100_128" } });
    },
    60_000,
  );

  it("plays any AudioSource: an async iterable without a content type, and whole bytes", async () => {
    const text = longText(100);
    for (const source of ["iterable", "bytes"] as const) {
      const r = await pages!.run({ method: "stream", text, source, playbackRate: 16 });
      expect(r.error, source).toBeUndefined();
      expect(r.mediaSource, source).toBe(true);
      expect(r.element, source).toMatchObject({ ended: true });
      expect(r.element!.duration).toBeCloseTo(text.length * 0.06, 0);
      expect(r.listenersLeft).toBe(0);
    }
  });

  it("falls back to a Blob where there is no MediaSource: sound only once the whole download is in", async () => {
    const text = longText(100);
    const r = await pages!.run({
      method: "stream",
      text,
      fault: "slow-drip:bytes=2048,interval=10",
      withoutMediaSource: true,
      playbackRate: 16,
    });
    expect(r.error).toBeUndefined();
    expect(r.mediaSource).toBe(false);
    expect(r.firstSoundMs!).toBeGreaterThan(r.downloadEndMs!);
    expect(r.element).toMatchObject({ ended: true });
    expect(r.element!.src).toMatch(/^blob:/);
    expect(r.element!.duration).toBeCloseTo(text.length * 0.06, 0);
    expect([r.urlsCreated, r.urlsRevoked]).toEqual([1, 1]);
    expect(r.listenersLeft).toBe(0);
  });

  it("falls back to a Blob for formats MediaSource is not used for: Ogg Opus plays, raw PCM is an ElevenLabsError", async () => {
    const text = longText(60);
    const opus = await pages!.run({ method: "stream", text, format: "opus_48000_64", playbackRate: 16 });
    expect(opus.error).toBeUndefined();
    expect(opus.mediaSource).toBe(false);
    expect(opus.element).toMatchObject({ ended: true });
    expect(opus.element!.duration).toBeCloseTo(text.length * 0.06, 0);

    // No browser plays headerless PCM from a Blob: play() says so, and leaves nothing behind.
    const pcm = await pages!.run({ method: "stream", text, format: "pcm_16000" });
    expect(pcm.mediaSource).toBe(false);
    expect(pcm.error).toEqual({
      name: "ElevenLabsError",
      message: "the browser could not play the audio (audio/pcm)",
      elevenLabsError: true,
    });
    expect(pcm.element).toMatchObject({ paused: true, src: null });
    expect([pcm.urlsCreated, pcm.urlsRevoked, pcm.listenersLeft]).toEqual([1, 1, 0]);
  });

  it("abort mid-play: ElevenLabsAbortError, the sound stops, the download is cancelled, nothing is left behind", async () => {
    const r = await pages!.run({ method: "stream", text: LONG, fault: SLOW, abortAfterSoundMs: 300 });
    expect(r.firstSoundMs).toBeDefined();
    expect(r.error).toEqual({ name: "AbortError", message: "play() was aborted", elevenLabsError: true });
    // The element is paused and detached from the MediaSource; its object URL is revoked and no listener is left.
    expect(r.element).toMatchObject({ paused: true, src: null, ended: false });
    expect([r.urlsCreated, r.urlsRevoked, r.listenersLeft]).toEqual([1, 1, 0]);
    // The download stopped: the server's response closed at the abort, seconds before the drip would have ended.
    expect(await responseClosed(2000)).toBe(true);
    const request = pages!.mock.requests.at(-1)!;
    expect(request.finishedAt! - request.receivedAt).toBeLessThan(r.settledMs + 2000);
  });

  it("an already aborted signal: rejects at once, creates nothing, cancels the download", async () => {
    const r = await pages!.run({ method: "stream", text: LONG, fault: SLOW, abortFirst: true });
    expect(r.error).toMatchObject({ name: "AbortError", elevenLabsError: true });
    expect(r.element).toBeUndefined();
    expect([r.urlsCreated, r.urlsRevoked, r.listenersLeft]).toEqual([0, 0, 0]);
    expect(await responseClosed(2000)).toBe(true);
  });

  it("a download that breaks mid-play rejects with the client's ConnectionError and stops the sound", async () => {
    const r = await pages!.run({ method: "stream", text: LONG, fault: "reset-mid-body" });
    expect(r.error).toMatchObject({ name: "ConnectionError", elevenLabsError: true });
    expect(r.element).toMatchObject({ paused: true, src: null, ended: false });
    expect([r.urlsCreated, r.urlsRevoked, r.listenersLeft]).toEqual([1, 1, 0]);
  });

  it("a full SourceBuffer: play() removes played audio and waits for playback, so the buffer stays bounded", async () => {
    // The page's SourceBuffer throws QuotaExceededError while it holds over 3 s (Chromium's own quota is megabytes).
    const text = longText(170);
    const r = await pages!.run({ method: "stream", text, quotaSeconds: 3, playbackRate: 4 });
    expect(r.error).toBeUndefined();
    expect(r.element).toMatchObject({ ended: true });
    expect(r.element!.duration).toBeCloseTo(text.length * 0.06, 0);
    expect(r.removes).toBeGreaterThan(0);
    // At most the quota and one chunk of the local server (200 ms of audio).
    expect(r.maxBufferedSeconds).toBeLessThan(3.5);
  });

  it("a full SourceBuffer that playback cannot drain is an ElevenLabsError after a few seconds, not a hang", async () => {
    // 0.5 s is less than Chromium buffers before it starts playing: the position never moves.
    const r = await pages!.run({ method: "stream", text: longText(170), quotaSeconds: 0.5 });
    expect(r.error).toEqual({
      name: "ElevenLabsError",
      message: "the browser's audio buffer is full, and playback does not go on",
      elevenLabsError: true,
    });
    expect(r.settledMs).toBeLessThan(15_000);
    expect([r.urlsCreated, r.urlsRevoked, r.listenersLeft]).toEqual([1, 1, 0]);
  });

  it("errors are ElevenLabsErrors: no audio, not audio, a source that throws", async () => {
    const page = await pages!.page();
    try {
      const outcomes = await page.evaluate(async () => {
        const { play, ElevenLabsError } = window.elevenlabs;
        const failing = async function* (): AsyncGenerator<Uint8Array> {
          yield new Uint8Array(10);
          throw new TypeError("the source broke");
        };
        const sources = [new Uint8Array(0), new Uint8Array(1000).fill(7), failing()];
        return Promise.all(
          sources.map((source) =>
            play(source).then(
              () => "resolved",
              (e: Error) => `${e instanceof ElevenLabsError ? "ElevenLabsError" : "other"} ${e.name}: ${e.message}`,
            ),
          ),
        );
      });
      expect(outcomes).toEqual([
        "ElevenLabsError ElevenLabsError: the browser could not play the audio (audio/mpeg)",
        "ElevenLabsError ElevenLabsError: the browser could not play the audio (audio/mpeg)",
        "ElevenLabsError ElevenLabsError: play() failed: TypeError: the source broke",
      ]);
    } finally {
      await page.close();
    }
  });
});
