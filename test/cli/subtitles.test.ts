// speak --subtitles FILE: WebVTT or SRT captions timed by the synthesis, written with the same care as the audio
// (checked before anything is sent, a .partial file renamed when complete, nothing left behind on failure).
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { EXIT } from "../../src/node/cli.ts";
import { walkMp3Frames } from "../helpers/audio-check.ts";
import { useShortTones } from "../helpers/short-tone.ts";
import { cliFixture } from "./run.ts";

// Retries (after a 500) wait no real time here: test/client/retry.test.ts covers the waits.
vi.mock("../../src/core/retry.ts", async (original) =>
  (await import("../helpers/retry-sleep.ts")).recordRetrySleeps(await original()),
);
// Long text, short audio (see the helper): the long-text test checks the one timeline across chunks.
vi.mock("../../src/mock/audio/tone.ts", async (original) =>
  (await import("../helpers/short-tone.ts")).withShortTones(await original()),
);

const fixture = cliFixture("cli-subtitles-");
const { cli } = fixture;

const TEXT = "The first move is what sets everything in motion. Then the rest follows, one word at a time!";

interface Cue {
  /** SRT's number; undefined in WebVTT. */
  number?: number;
  start: number;
  end: number;
  text: string;
}

const seconds = (stamp: string, separator: "." | ","): number => {
  const m = new RegExp(`^(\\d\\d):(\\d\\d):(\\d\\d)\\${separator}(\\d{3})$`).exec(stamp);
  if (!m) throw new Error(`not a ${separator === "." ? "WebVTT" : "SRT"} timestamp: ${JSON.stringify(stamp)}`);
  const [, h, min, s, ms] = m.map(Number) as [number, number, number, number, number];
  return h * 3600 + min * 60 + s + ms / 1000;
};

/** The cues of a WebVTT file, strictly: the header, then blocks of a timing line and one text line. */
function parseVtt(file: string): Cue[] {
  expect(file.startsWith("WEBVTT\n\n")).toBe(true);
  return file
    .slice("WEBVTT\n\n".length)
    .split("\n\n")
    .filter((b) => b !== "")
    .map((block) => {
      const [timing, text, ...rest] = block.replace(/\n$/, "").split("\n");
      expect(rest, block).toEqual([]);
      const [start, end] = timing!.split(" --> ");
      return { start: seconds(start!, "."), end: seconds(end!, "."), text: text! };
    });
}

/** The cues of an SRT file, strictly: blocks of a number, a timing line and one text line. */
function parseSrt(file: string): Cue[] {
  return file
    .split("\n\n")
    .filter((b) => b !== "")
    .map((block) => {
      const [number, timing, text, ...rest] = block.replace(/\n$/, "").split("\n");
      expect(rest, block).toEqual([]);
      expect(number).toMatch(/^\d+$/);
      const [start, end] = timing!.split(" --> ");
      return { number: Number(number), start: seconds(start!, ","), end: seconds(end!, ","), text: text! };
    });
}

/** Cue times increase, each cue has a length, and the last ends within the audio. */
function expectTimesOf(cues: Cue[], audioSeconds: number): void {
  expect(cues.length).toBeGreaterThan(0);
  cues.forEach((cue, i) => {
    expect(cue.end, JSON.stringify(cue)).toBeGreaterThan(cue.start);
    if (i > 0) expect(cue.start, JSON.stringify(cue)).toBeGreaterThanOrEqual(cues[i - 1]!.end);
  });
  // Timestamps are rounded to the millisecond.
  expect(cues.at(-1)!.end).toBeLessThanOrEqual(audioSeconds + 0.0005);
}

/** expectTimesOf, and the words of the captions are the text's, in order. */
function expectCaptionsOf(cues: Cue[], text: string, audioSeconds: number): void {
  expectTimesOf(cues, audioSeconds);
  expect(cues.map((c) => c.text).join(" ")).toBe(text.trim().split(/\s+/).join(" "));
}

/** The files in the scratch folder whose names start with `prefix` (partial files included). */
const filesStartingWith = async (prefix: string) =>
  (await readdir(fixture.dir)).filter((f) => f.startsWith(prefix)).sort();

describe("speak --subtitles", () => {
  it("FILE.vtt: WebVTT captions of the text, timed within the MP3 written beside them", async () => {
    const [audio, captions] = [join(fixture.dir, "talk.mp3"), join(fixture.dir, "talk.vtt")];
    const from = fixture.mock.requests.length;
    const r = await cli(["speak", TEXT, "-o", audio, "--subtitles", captions]);
    expect(r.code, r.err).toBe(EXIT.ok);
    const cues = parseVtt(await readFile(captions, "utf8"));
    const walk = walkMp3Frames(await readFile(audio), { cbr: true });
    expectCaptionsOf(cues, TEXT, walk.durationSeconds);
    expect(r.out).toContain(`Wrote ${audio}: `);
    expect(r.out).toContain(`Wrote ${captions}: ${cues.length} captions (WebVTT)\n`);
    expect(await filesStartingWith("talk.")).toEqual(["talk.mp3", "talk.vtt"]);
    // One synthesis, with timestamps (long-form may also look up the model's limit: GET /v1/models).
    const posts = fixture.mock.requests.slice(from).filter((q) => q.method === "POST");
    expect(posts.map((q) => q.path)).toEqual(["/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb/with-timestamps"]);
  });

  it("FILE.srt: SRT numbered from 1, and --json reports the file, the format and the caption count", async () => {
    const [audio, captions] = [join(fixture.dir, "talk2.mp3"), join(fixture.dir, "Talk2.SRT")];
    const r = await cli(["speak", TEXT, "-o", audio, "--subtitles", captions, "--json"]);
    expect(r.code, r.err).toBe(EXIT.ok);
    const file = await readFile(captions, "utf8");
    const cues = parseSrt(file);
    expect(cues.map((c) => c.number)).toEqual(cues.map((_, i) => i + 1));
    expectCaptionsOf(cues, TEXT, walkMp3Frames(await readFile(audio)).durationSeconds);
    const result = JSON.parse(r.out) as { file: string; subtitles: unknown; requestId: string };
    expect(result.file).toBe(audio);
    expect(result.subtitles).toEqual({ file: captions, format: "srt", captions: cues.length });
    expect(result.requestId).toMatch(/\w/);
  });

  describe("text over the model's limit (eleven_v3: 3,000 characters a request)", () => {
    const sentence = "Each sentence here is plain English, so that every word can be found again in order.";
    const text = Array.from({ length: 80 }, (_, i) => sentence.replace("Each", `Sentence ${i + 1}:`)).join(" ");
    const speakLong = async (name: string) => {
      useShortTones();
      const captions = join(fixture.dir, name);
      const args = ["speak", "-", "-o", join(fixture.dir, `${name}.pcm`), "--format", "pcm_8000"];
      const r = await cli([...args, "--model", "eleven_v3", "--subtitles", captions, "--json"], { stdin: text });
      expect(r.code, r.err).toBe(EXIT.ok);
      const result = JSON.parse(r.out) as { chunks: number; bytes: number; subtitles: { captions: number } };
      return { result, cues: parseVtt(await readFile(captions, "utf8")) };
    };

    it("one timeline across the chunks: increasing, within the joined audio", async () => {
      const { result, cues } = await speakLong("long.vtt");
      expect(result.chunks).toBe(3);
      expect(result.subtitles.captions).toBe(cues.length);
      expectTimesOf(cues, result.bytes / 2 / 8000);
      // Every sentence has its caption(s), in order.
      const numbers = cues.flatMap((c) => [...c.text.matchAll(/Sentence (\d+):/g)].map((m) => Number(m[1])));
      expect(numbers).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    });

    // A chunk's range includes its trailing space while its text is trimmed: the space belongs to the gap between the
    // chunks, so the last word of a chunk and the first of the next stay two words (not "order.Sentence").
    it("the words across a chunk boundary stay apart", async () => {
      const { cues } = await speakLong("long-words.vtt");
      expect(cues.map((c) => c.text).join(" ")).toBe(text);
    });
  });

  it("--subtitles - writes WebVTT on stdout; the summary goes to stderr", async () => {
    const audio = join(fixture.dir, "out.mp3");
    const r = await cli(["speak", TEXT, "-o", audio, "--subtitles", "-"]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expectCaptionsOf(parseVtt(r.out), TEXT, walkMp3Frames(await readFile(audio)).durationSeconds);
    expect(r.err).toContain(`Wrote ${audio}: `);
  });

  it("-o - with --subtitles FILE: the audio on stdout, the captions in the file", async () => {
    const captions = join(fixture.dir, "piped.vtt");
    const r = await cli(["speak", TEXT, "-o", "-", "--subtitles", captions]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expectCaptionsOf(parseVtt(await readFile(captions, "utf8")), TEXT, walkMp3Frames(r.bytes).durationSeconds);
    expect(r.err).toMatch(/^Wrote .*piped\.vtt: \d+ captions \(WebVTT\)\n$/);
  });
});

describe("speak --subtitles refused before anything is sent", () => {
  const refused = async (args: string[], message: string | RegExp, json = false) => {
    const before = fixture.mock.requests.length;
    const sub = join(fixture.dir, `refused-${before}-${Math.random().toString(36).slice(2)}`);
    await mkdir(sub);
    const r = await cli(["speak", TEXT, "-o", join(sub, "a.mp3"), ...args, ...(json ? ["--json"] : [])]);
    expect(r.code).toBe(EXIT.usage);
    if (typeof message === "string") expect(json ? r.out : r.err).toContain(message);
    else expect(json ? r.out : r.err).toMatch(message);
    expect(r.err + r.out).not.toMatch(/\n\s+at /);
    expect(fixture.mock.requests.length).toBe(before);
    // Not even the audio's partial file is left.
    expect(await readdir(sub)).toEqual([]);
    return r;
  };

  it("an extension other than .vtt or .srt names the two choices", async () => {
    await refused(
      ["--subtitles", join(fixture.dir, "captions.txt")],
      '--subtitles needs a .vtt (WebVTT) or .srt (SRT) file name, or - for WebVTT on stdout; got "',
    );
    await refused(["--subtitles", join(fixture.dir, "vtt")], "--subtitles needs a .vtt (WebVTT) or .srt (SRT)");
  });

  it("a missing folder, a directory, an unwritable place, the audio's own file", async () => {
    await refused(
      ["--subtitles", join(fixture.dir, "no-such-dir", "a.vtt")],
      `Cannot write --subtitles ${join(fixture.dir, "no-such-dir", "a.vtt")}: the directory ${join(fixture.dir, "no-such-dir")} does not exist`,
    );
    const folder = join(fixture.dir, "a-folder.vtt");
    await mkdir(folder);
    await refused(["--subtitles", folder], `Cannot write --subtitles ${folder}: ${folder} is a directory`);
    await refused(
      ["--subtitles", "/sys/a.srt"],
      "Cannot write --subtitles /sys/a.srt: cannot write /sys/a.srt.partial",
    );
    const plain = join(fixture.dir, "plain-file");
    await writeFile(plain, "x");
    await refused(["--subtitles", join(plain, "a.vtt")], `${plain} is not a directory`);
  });

  it("the captions and the audio both on stdout, or with an Opus format", async () => {
    const before = fixture.mock.requests.length;
    const both = await cli(["speak", TEXT, "-o", "-", "--subtitles", "-"]);
    expect(both.code).toBe(EXIT.usage);
    expect(both.err).toContain("--subtitles - and -o - cannot share stdout");
    const opus = await cli(["speak", TEXT, "--format", "opus_48000_64", "--subtitles", join(fixture.dir, "o.vtt")]);
    expect(opus.code).toBe(EXIT.usage);
    expect(opus.err).toContain("--subtitles needs an mp3, pcm, ulaw or alaw --format");
    expect(fixture.mock.requests.length).toBe(before);
  });

  it("--json: the error as JSON, on stderr when the captions would have gone to stdout", async () => {
    const r = await cli(["speak", TEXT, "-o", join(fixture.dir, "j.mp3"), "--subtitles", "x.txt", "--json"]);
    expect(r.code).toBe(EXIT.usage);
    expect(JSON.parse(r.out)).toMatchObject({ error: { name: "UsageError" } });
    const onStderr = await cli(["speak", TEXT, "-o", "-", "--subtitles", "-", "--json"]);
    expect(onStderr.out).toBe("");
    expect(JSON.parse(onStderr.err)).toMatchObject({ error: { name: "UsageError" } });
  });
});

describe("speak --subtitles when the synthesis fails", () => {
  it("leaves neither the audio nor the captions, nor their partial files", async () => {
    const sub = join(fixture.dir, "failed");
    await mkdir(sub);
    // The synthesis' three attempts (a text this short needs no model-limit lookup).
    const from = fixture.mock.requests.length;
    fixture.mock.fault("500", "500", "500");
    const r = await cli(["speak", TEXT, "-o", join(sub, "a.mp3"), "--subtitles", join(sub, "a.vtt")]);
    expect(r.code).toBe(EXIT.api);
    expect(r.err).toContain("500");
    expect(fixture.mock.requests.slice(from).map((q) => q.fault)).toEqual(["500", "500", "500"]);
    expect(await readdir(sub)).toEqual([]);
  });
});
