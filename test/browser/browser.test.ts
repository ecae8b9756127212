// examples/browser/ end to end in headless Chromium: type, click, and the page's <audio> element holds the speech.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveBrowserExample, type BrowserExample } from "../../examples/browser/serve.ts";
import { CHROMIUM, launchChromium } from "../../scripts/measure/browser-play.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const TEXT = "Hello from a real browser.";

let browser: Browser | undefined;
let example: BrowserExample | undefined;

beforeAll(async () => {
  if (chromiumMissing) return;
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: this test drives a real headless browser. Install it with ` +
        "`apt-get update && apt-get install -y chromium` (Debian), or set CHROMIUM_PATH to a Chromium binary.",
    );
  }
  example = await serveBrowserExample({ engine: "tone" });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await example?.close();
});

// Outside CI (where .ci/run installs it), a machine without Chromium skips this file, saying how to install it.
const chromiumMissing = !existsSync(CHROMIUM) && !process.env.CI;
if (chromiumMissing)
  console.warn(`skipping the browser test: no Chromium at ${CHROMIUM}; install it with: apt-get install -y chromium`);

describe.skipIf(chromiumMissing)("examples/browser in headless Chromium", () => {
  it("synthesises the text on click and loads it into the <audio> element", async () => {
    const page = await browser!.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console.error: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
    const requests: string[] = [];
    page.on("request", (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));

    await page.goto(example!.url);
    await page.fill("#text", TEXT);
    await page.click("button");

    // The click's synthesis lands in the page's <audio> element: wait for its metadata (loadedmetadata).
    await page.waitForFunction(
      () => {
        const audio = document.querySelector("audio");
        return document.body.dataset.state !== "busy" && !!audio && audio.readyState >= 1;
      },
      undefined,
      { timeout: 20_000 },
    );
    // And it plays: the click allows autoplay, and the playback position moves (Chromium plays into a fake device).
    const playing = await page
      .waitForFunction(
        () => {
          const audio = document.querySelector("audio")!;
          return !audio.paused && audio.currentTime > 0 && !document.querySelector("button")!.disabled;
        },
        undefined,
        { timeout: 10_000 },
      )
      .then(
        () => true,
        () => false,
      );
    const state = await page.evaluate(() => {
      const audio = document.querySelector("audio")!;
      return {
        page: document.body.dataset.state,
        status: document.querySelector("#status")!.textContent,
        src: audio.currentSrc,
        duration: audio.duration,
        error: audio.error?.message ?? null,
      };
    });
    await mkdir(join(ROOT, ".tmp"), { recursive: true });
    await page.screenshot({ path: join(ROOT, ".tmp/browser.png"), fullPage: true });

    expect(state.page, state.status ?? "").toBe("ready");
    expect(state.error).toBeNull();
    expect(state.src).toMatch(/^blob:http:\/\/127\.0\.0\.1:\d+\//);
    // The local server's tone lasts 60 ms per character (at least 300 ms).
    expect(state.duration).toBeGreaterThan(0);
    expect(state.duration).toBeCloseTo(TEXT.length * 0.06, 0);
    expect(state.status).toMatch(/^\d+ bytes, request-id \w+$/);
    expect(playing, "the audio element did not start playing").toBe(true);
    expect(problems).toEqual([]);

    // Same origin: the page fetched its files and POSTed to its own /v1/…, with no CORS preflight.
    expect(requests).toContain("POST /v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb");
    expect(requests.filter((r) => r.startsWith("OPTIONS"))).toEqual([]);
    // The local server accepts only the proxy's key (a page's placeholder key would get a 401).
    const [recorded, ...more] = example!.mock.requests;
    expect(more).toEqual([]);
    expect(recorded).toMatchObject({
      method: "POST",
      path: "/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb",
      query: { output_format: "mp3_44100_128" },
      body: { text: TEXT, model_id: "eleven_multilingual_v2" },
      status: 200,
    });
    expect(state.status).toContain(recorded!.requestId);
    await page.close();
  });
});
