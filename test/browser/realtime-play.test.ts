// The realtime API in headless Chromium: the browser entry's streamInput() over the browser's own WebSocket, against
// the local server, with tokens that arrive over time (as from an LLM), played with the browser play(). Sound must
// start before the text has ended. The launcher is scripts/measure/browser-play.ts's; the page is bundled here.
//
// The page is served by a real HTTP server on loopback, not by playwright's route.fulfill() as in play.test.ts:
// Chromium's Local Network Access checks refuse a WebSocket to 127.0.0.1 from a document that playwright fulfilled
// (net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS). A WebSocket needs no CORS, so the page on its own port talks to
// the local server on another.
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleForBrowser, CHROMIUM, launchChromium } from "../../scripts/measure/browser-play.ts";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";

const chromiumMissing = !existsSync(CHROMIUM) && !process.env.CI;
if (chromiumMissing) console.warn(`skipping the realtime play() browser test: no Chromium at ${CHROMIUM}`);

interface RealtimeRun {
  /** The local server's URL. */
  baseUrl: string;
  words: string[];
  intervalMs: number;
  playbackRate: number;
}

interface RealtimeResult {
  /** ms from the call to streamInput() until the generator gave its last word and returned. */
  tokensEndMs?: number;
  /** ms until the element's `playing` event, and until its position first moved (currentTime > 0). */
  playingMs?: number;
  firstSoundMs?: number;
  settledMs: number;
  error?: { name: string; message: string };
  sockets: string[];
  firstMessage?: Record<string, unknown>;
  messages: number;
  element?: { ended: boolean; currentTime: number; duration: number };
}

declare global {
  interface Window {
    realtimeRun(run: RealtimeRun): Promise<RealtimeResult>;
  }
}

// The page: bundled with src/browser.ts, as an app would be.
const PAGE = `
import { ElevenLabsClient, play, streamInput } from "./src/browser.ts";

window.realtimeRun = async (run) => {
  const sockets = [];
  const sent = [];
  const NativeWebSocket = window.WebSocket;
  // Watch the browser's own WebSocket (the client must use it): the URLs opened and the messages sent.
  window.WebSocket = class extends NativeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      sockets.push(String(url));
    }
    send(data) {
      sent.push(String(data));
      super.send(data);
    }
  };
  const client = new ElevenLabsClient({ apiKey: "local-server-key", baseUrl: run.baseUrl });
  const t0 = performance.now();
  let tokensEndMs, playingMs, firstSoundMs, error, element;
  const tokens = async function* () {
    for (const word of run.words) {
      await new Promise((r) => setTimeout(r, run.intervalMs));
      yield word + " ";
    }
    tokensEndMs = performance.now() - t0;
  };
  try {
    const audio = await streamInput(client, "JBFqnCBsd6RMkjVDRZzb", tokens(), { modelId: "eleven_flash_v2_5" });
    await play(audio, {
      onElement: (media) => {
        element = media;
        media.playbackRate = run.playbackRate;
        media.addEventListener("playing", () => (playingMs ??= performance.now() - t0));
        const poll = setInterval(() => {
          if (media.currentTime > 0) {
            firstSoundMs ??= performance.now() - t0;
            clearInterval(poll);
          }
        }, 5);
      },
    });
  } catch (e) {
    error = { name: e.name, message: e.message };
  }
  return {
    tokensEndMs,
    playingMs,
    firstSoundMs,
    settledMs: performance.now() - t0,
    error,
    sockets,
    firstMessage: sent.length ? JSON.parse(sent[0]) : undefined,
    messages: sent.length,
    element: element && { ended: element.ended, currentTime: element.currentTime, duration: element.duration },
  };
};
`;

let browser: Browser | undefined;
let mock: MockServer | undefined;
let pageServer: Server | undefined;
let pageUrl = "";

beforeAll(async () => {
  if (chromiumMissing) return;
  const script = await bundleForBrowser({
    stdin: { contents: PAGE, resolveDir: resolve(import.meta.dirname, "../.."), loader: "js", sourcefile: "page.js" },
  });
  const html = `<!doctype html><meta charset="utf-8"><script type="module" src="/realtime-page.js"></script>`;
  pageServer = createServer((req, res) => {
    const js = req.url === "/realtime-page.js";
    res.setHeader("content-type", js ? "text/javascript" : "text/html");
    res.end(js ? script : html);
  });
  await new Promise<void>((done) => pageServer!.listen(0, "127.0.0.1", done));
  pageUrl = `http://127.0.0.1:${(pageServer.address() as { port: number }).port}/realtime-page.html`;
  mock = await startMockServer({ engine: "tone", apiKeys: ["local-server-key"], cors: false });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await mock?.close();
  pageServer?.closeAllConnections();
  await new Promise((done) => (pageServer ? pageServer.close(done) : done(undefined)));
});

describe.skipIf(chromiumMissing)("browser streamInput() + play() in headless Chromium", () => {
  it("tokens over ~3 s: sound starts before the text ends, play() resolves at the audio's end", async () => {
    const page = await browser!.newPage();
    try {
      await page.goto(pageUrl, { timeout: 10_000 });
      await page.waitForFunction(() => typeof window.realtimeRun === "function", undefined, { timeout: 10_000 });

      // 60 words, one every 50 ms: the text ends after about 3 s. playbackRate 16 lets the audio (about 20 s of
      // tone) keep up with the text, so the test lasts about as long as the text.
      const words = Array.from({ length: 60 }, (_, i) => ["river", "stone", "harbour", "morning", "gull"][i % 5]!);
      const r = await Promise.race([
        page.evaluate((run) => window.realtimeRun(run), {
          baseUrl: mock!.url,
          words,
          intervalMs: 50,
          playbackRate: 16,
        }),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("the page did not finish in 30 s")), 30_000),
        ),
      ]);
      console.log(
        `realtime: playing ${r.playingMs?.toFixed(0)} ms, first sound ${r.firstSoundMs?.toFixed(0)} ms, ` +
          `tokens ended ${r.tokensEndMs?.toFixed(0)} ms, play() resolved ${r.settledMs.toFixed(0)} ms`,
      );
      expect(r.error).toBeUndefined();
      // The browser's WebSocket, on the page's origin; no headers there, so the key is in the first message.
      expect(r.sockets).toHaveLength(1);
      expect(r.sockets[0]).toMatch(
        new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb/stream-input`),
      );
      expect(r.firstMessage).toMatchObject({ "xi-api-key": "local-server-key" });
      expect(r.messages).toBeGreaterThan(2);
      // The server saw no key in the handshake, the key in the first message, every word, and a clean close.
      const upgrade = mock!.requests.at(-1)!;
      expect(upgrade).toMatchObject({ status: 101, socket: { closeCode: 1000 } });
      expect(upgrade.headers["xi-api-key"]).toBeUndefined();
      expect(upgrade.socket!.received[0]).toMatchObject({ "xi-api-key": "[redacted]" });
      expect(upgrade.socket!.received.map((m) => (m as { text?: string }).text).join("")).toBe(
        " " + words.map((w) => w + " ").join(""),
      );
      // Sound before the generator finished, and play() resolved after it, at the audio's end.
      expect(r.tokensEndMs).toBeGreaterThan(2500);
      expect(r.playingMs).toBeDefined();
      expect(r.firstSoundMs).toBeDefined();
      expect(r.playingMs!).toBeLessThan(r.tokensEndMs!);
      expect(r.firstSoundMs!).toBeLessThan(r.tokensEndMs!);
      expect(r.settledMs).toBeGreaterThan(r.tokensEndMs!);
      expect(r.element).toMatchObject({ ended: true });
      // All of the text was spoken: the tone lasts 60 ms per character (plus a little silence between generations).
      const characters = words.join(" ").length;
      expect(r.element!.duration).toBeGreaterThan(characters * 0.06 * 0.9);
      expect(r.element!.currentTime).toBe(r.element!.duration);
    } finally {
      await page.close();
    }
  }, 60_000);
});
