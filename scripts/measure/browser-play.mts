/**
 * The browser play()'s time to first sound against the time to the whole download, in headless Chromium:
 * `npx tsx scripts/measure/browser-play.mts [--runs 5] [--chars 400] [--fault slow-drip:bytes=4096,interval=20]`.
 *
 * A long text (the local server's tone: 60 ms of audio per character, mp3_44100_128) is synthesised with
 * `textToSpeech.stream` and `convert` through a download slowed down by the local server's slow-drip fault, and played
 * with play(): through MediaSource (the default), and through a Blob (window.MediaSource deleted, as in a browser
 * without it). Each run is timed from the call: the first movement of the playback position, and the end of the
 * response (resource timing). Playback is stopped once the whole response has arrived (MediaSource) or at the first
 * sound (Blob). Prints the median, min and max of the runs, and the load average.
 * Needs /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { launchChromium, longText, startPlayPages, type PlayRun } from "./browser-play.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    chars: { type: "string", default: "400" },
    fault: { type: "string", default: "slow-drip:bytes=4096,interval=20" },
  },
});
const runs = Number(values.runs);
const text = longText(Number(values.chars));
const median = (xs: number[]): number => {
  const s = xs.toSorted((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const browser = await launchChromium();
const pages = await startPlayPages(browser);
const load = loadavg().map((l) => l.toFixed(2));
console.log(
  `${text.length} characters (${((text.length * 60) / 1000).toFixed(1)} s of audio), mp3_44100_128, ` +
    `fault ${values.fault}, ${runs} runs each, alternated; Chromium ${browser.version()}`,
);
const cases: [string, Omit<PlayRun, "text" | "fault">][] = [
  ["stream, MediaSource", { method: "stream" }],
  ["convert, MediaSource", { method: "convert" }],
  ["stream, Blob (no MediaSource)", { method: "stream", withoutMediaSource: true }],
];
const results = new Map<string, { headers: number[]; sound: number[]; download: number[] }>();
try {
  for (let i = 0; i < runs; i++) {
    for (const [name, run] of cases) {
      // Stop at whichever comes last: the download's end (MediaSource) or the first sound (Blob).
      const stop = run.withoutMediaSource ? { abortAfterSoundMs: 0 } : { abortAfterDownload: true };
      const r = await pages.run({ ...run, ...stop, text, fault: values.fault });
      if (r.firstSoundMs === undefined || r.downloadEndMs === undefined) {
        throw new Error(`${name}: no sound or no download end: ${JSON.stringify(r)}`);
      }
      const entry = results.get(name) ?? { headers: [], sound: [], download: [] };
      entry.headers.push(r.headersMs);
      entry.sound.push(r.firstSoundMs);
      entry.download.push(r.downloadEndMs);
      results.set(name, entry);
    }
  }
} finally {
  await pages.close();
  await browser.close();
}
const show = (xs: number[]): string =>
  `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`.padStart(18);
const heading = ["headers", "first sound", "whole download"].map((h) => h.padStart(18)).join(" ");
console.log(`${"ms from the call: median (min–max)".padEnd(34)} ${heading}`);
for (const [name, r] of results)
  console.log(`${name.padEnd(34)} ${show(r.headers)} ${show(r.sound)} ${show(r.download)}`);
console.log(
  `load average: ${load.join(" ")} at the start, ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} at the end`,
);
