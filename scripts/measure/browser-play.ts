/**
 * Headless Chromium with a page that plays the local server's speech through the browser play(): shared by
 * `scripts/measure/browser-play.mts` and `test/browser/play.test.ts` (and the Chromium launch by test/browser).
 *
 * The page and the API share one origin, as the README asks of a real page: the local server serves /v1/*, and
 * playwright answers the page's own two files (the HTML, and `play-page.ts` bundled with src/browser.ts by esbuild).
 */
import { resolve } from "node:path";
import { build, type BuildOptions } from "esbuild";
import { chromium, type Browser, type Page } from "playwright-core";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import type { PlayResult, PlayRun } from "./play-page.ts";

export type { PlayResult, PlayRun };

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless Chromium that may play sound without a click. playwright gives each launch a fresh temporary profile. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // play() is called without a click: let the page start sound by itself.
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
}

/** A page's script bundled for the browser (an ES module, es2022) by esbuild: `entryPoints` or `stdin`. */
export async function bundleForBrowser(input: Pick<BuildOptions, "entryPoints" | "stdin">): Promise<string> {
  const bundled = await build({
    ...input,
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  return bundled.outputFiles[0]!.text;
}

export interface PlayPages {
  /** The local server (tone engine), with the requests it received. */
  mock: MockServer;
  /** A fresh page on the server's origin, with `window.playRun` ready. */
  page(): Promise<Page>;
  /** A fresh page that runs one PlayRun and closes. */
  run(run: PlayRun): Promise<PlayResult>;
  close(): Promise<void>;
}

export async function startPlayPages(browser: Browser): Promise<PlayPages> {
  const script = await bundleForBrowser({ entryPoints: [resolve(import.meta.dirname, "play-page.ts")] });
  const mock = await startMockServer({ engine: "tone", apiKeys: ["local-server-key"], cors: false });
  const html = `<!doctype html><meta charset="utf-8"><title>play()</title><script type="module" src="/play-page.js"></script>`;
  const page = async (): Promise<Page> => {
    const p = await browser.newPage();
    await p.route(`${mock.url}/play-page.html`, (route) => route.fulfill({ contentType: "text/html", body: html }));
    await p.route(`${mock.url}/play-page.js`, (route) =>
      route.fulfill({ contentType: "text/javascript", body: script }),
    );
    await p.goto(`${mock.url}/play-page.html`);
    await p.waitForFunction(() => typeof window.playRun === "function");
    return p;
  };
  return {
    mock,
    page,
    run: async (run) => {
      const p = await page();
      try {
        return await p.evaluate((r) => window.playRun(r), run);
      } finally {
        await p.close();
      }
    },
    close: () => mock.close(),
  };
}

/** Sentences of plain text, about `characters` long (the local server's tone lasts 60 ms per character). */
export function longText(characters: number): string {
  const sentences = [
    "The first move is what sets everything in motion.",
    "A river cuts through rock not because of its power but because of its persistence.",
    "Every morning the harbour wakes before the town does, and the gulls know it.",
    "She counted the stairs twice and got a different number each time.",
  ];
  let text = "";
  for (let i = 0; text.length < characters; i++) text += (text ? " " : "") + sentences[i % sentences.length];
  return text;
}
