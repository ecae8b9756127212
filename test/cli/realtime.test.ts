// `speak --realtime`: stdin read as it arrives and sent over the stream-input WebSocket of the local server, the audio
// written (or played) as it comes, the time to first audio printed; its refusals and failures. In-process (main()
// with fake stdio); test/cli/realtime-process.test.ts runs the command as a process.
import { EventEmitter } from "node:events";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/node/cli.ts";
import type { UpgradeRecord } from "../../src/mock/realtime/index.ts";
import { walkMp3Frames } from "../helpers/audio-check.ts";
import { fakePlayers } from "../helpers/fake-players.ts";
import { cliFixture } from "./run.ts";

const fixture = cliFixture("cli-realtime-");

const WORDS = (
  "Voice agents pipe a language model's tokens into speech, and the words arrive one at a time, a little apart, " +
  "while the model is still thinking about the next ones. The audio should start long before the last word is " +
  "written, so that the listener hears the first sentence while the rest of the answer is on its way."
).split(" ");

/** A stdin that gets `pieces` one at a time, `intervalMs` apart, then ends; `ended` is when it ended (Date.now()). */
function slowly(pieces: (string | Uint8Array)[], intervalMs: number): { stdin: PassThrough; ended: Promise<number> } {
  const stdin = new PassThrough();
  const ended = (async () => {
    for (const piece of pieces) {
      await new Promise((r) => setTimeout(r, intervalMs));
      stdin.write(piece);
    }
    stdin.end();
    return Date.now();
  })();
  return { stdin, ended };
}

/** The stream-input sockets the server saw, from `from` on. */
const sockets = (from = 0): UpgradeRecord[] =>
  fixture.mock.requests.slice(from).filter((r) => r.path.endsWith("/stream-input")) as UpgradeRecord[];

/** The text the server received on a socket, after its first message (the settings' " "). */
const textSent = (socket: UpgradeRecord): string[] =>
  (socket.socket?.received ?? []).slice(1).map((m) => String((m as { text?: unknown }).text ?? ""));

/** The files in the scratch folder whose names start with `prefix` (a .partial too). */
const filesLike = async (prefix: string) => (await readdir(fixture.dir)).filter((f) => f.startsWith(prefix));

describe("speak - --realtime", () => {
  it("sends stdin as it is written and gets audio before it ends; the file is whole MP3, no .partial left", async () => {
    const file = join(fixture.dir, "slow.mp3");
    const { stdin, ended } = slowly(
      WORDS.map((w) => `${w} `),
      30,
    );
    let firstAudioLineAt: number | undefined;
    const from = fixture.mock.requests.length;
    const r = await fixture.cli(["speak", "-", "--realtime", "-o", file], {
      stdin,
      onStderr: (text) => void (text.includes("First audio after") && (firstAudioLineAt ??= Date.now())),
    });
    const stdinEnd = await ended;
    expect(r.code, r.err).toBe(EXIT.ok);
    // The time to first audio was printed while stdin was still being written.
    expect(r.err).toMatch(/^First audio after \d+ ms \(\d+ ms after the first text\)\n$/);
    expect(firstAudioLineAt).toBeLessThan(stdinEnd);
    const summary = /first audio after (\d+) ms, (\d+) ms after the first text; the text ended at (\d+) ms/.exec(r.out);
    expect(summary, r.out).not.toBeNull();
    const [toFirst, afterText, textEnd] = summary!.slice(1).map(Number) as [number, number, number];
    expect(toFirst).toBeLessThan(textEnd);
    expect(afterText).toBeLessThanOrEqual(toFirst);
    // The file: complete MP3 frames from start to end, renamed from its .partial.
    const audio = await readFile(file);
    const walk = walkMp3Frames(audio);
    expect(walk.durationSeconds).toBeGreaterThan(2);
    expect(r.out).toContain(`Wrote ${file}: ${audio.byteLength} bytes`);
    expect(await filesLike("slow.mp3")).toEqual(["slow.mp3"]);
    // The text went out in many messages as it came (whole words each), and all of it arrived.
    const [socket] = sockets(from);
    const sent = textSent(socket!);
    expect(sent.length).toBeGreaterThan(5);
    expect(sent.join("").split(/\s+/).filter(Boolean)).toEqual(WORDS);
  });

  it("--json: the times to first audio and the end of the text in the result", async () => {
    const file = join(fixture.dir, "timed.mp3");
    const { stdin } = slowly(
      WORDS.map((w) => `${w} `),
      15,
    );
    const r = await fixture.cli(["speak", "-", "--realtime", "-o", file, "--json"], { stdin });
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.err).toBe("");
    const result = JSON.parse(r.out) as Record<string, number | string | boolean>;
    expect(result).toMatchObject({
      file,
      realtime: true,
      format: "mp3_44100_128",
      contentType: "audio/mpeg",
      chunks: 1,
    });
    expect(result.bytes).toBe((await stat(file)).size);
    expect(result.characters).toBe(WORDS.map((w) => `${w} `).join("").length);
    expect(result.timeToFirstAudioMs).toBeLessThan(result.textEndedMs as number);
    expect(result.firstAudioAfterTextMs).toBeLessThanOrEqual(result.timeToFirstAudioMs as number);
  });

  it("decodes UTF-8 cut anywhere between reads (one byte at a time)", async () => {
    const text = "Café crème, naïve façade: 日本語のテキスト, emoji 🎉🎶 and Ελληνικά. ";
    const bytes = new TextEncoder().encode(text);
    const { stdin } = slowly(
      [...bytes].map((b) => Uint8Array.of(b)),
      0,
    );
    const from = fixture.mock.requests.length;
    const r = await fixture.cli(["speak", "-", "--realtime", "-o", join(fixture.dir, "utf8.mp3"), "--json"], { stdin });
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(textSent(sockets(from)[0]!).join("").trim()).toBe(text.trim());
    expect(JSON.parse(r.out)).toMatchObject({ characters: [...text].length });
  });

  it("a text argument is sent over the socket too; -o - writes the audio to stdout, --json then on stderr", async () => {
    const from = fixture.mock.requests.length;
    const r = await fixture.cli(["speak", "Hello from an argument.", "--realtime", "-o", "-", "--json"]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(walkMp3Frames(r.bytes).audioFrames.length).toBeGreaterThan(10);
    expect(JSON.parse(r.err)).toMatchObject({ file: "-", bytes: r.bytes.byteLength, realtime: true });
    expect(textSent(sockets(from)[0]!).join("").trim()).toBe("Hello from an argument.");
  });

  it("--model, --format, --seed and --voice apply; --subtitles come from the alignment (Opus too)", async () => {
    const file = join(fixture.dir, "opts.ogg");
    const captions = join(fixture.dir, "opts.srt");
    const from = fixture.mock.requests.length;
    const r = await fixture.cli(
      [
        "speak",
        "-",
        "--realtime",
        "-o",
        file,
        "--subtitles",
        captions,
        "--format",
        "opus_48000_64",
        "--model",
        "eleven_flash_v2_5",
        "--seed",
        "42",
        "--voice",
        "v9",
        "--auto-mode",
        "--inactivity-timeout",
        "60",
      ],
      { stdin: "First sentence here. And a second one.\n" },
    );
    expect(r.code, r.err).toBe(EXIT.ok);
    const [socket] = sockets(from);
    expect(socket).toMatchObject({
      voiceId: "v9",
      query: {
        output_format: "opus_48000_64",
        model_id: "eleven_flash_v2_5",
        seed: "42",
        auto_mode: "true",
        inactivity_timeout: "60",
      },
    });
    expect((await readFile(file)).subarray(0, 4).toString()).toBe("OggS");
    const srt = await readFile(captions, "utf8");
    expect(srt).toMatch(/^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\nFirst sentence here\.\n/);
    expect(srt).toContain("And a second one.");
    expect(r.out).toContain(`Wrote ${captions}: 2 captions (SRT)`);
    expect(await filesLike("opts.")).toEqual(["opts.ogg", "opts.srt"]);
  });

  it("--play plays the audio as it comes (the file is written too)", async () => {
    const players = await fakePlayers(["mpv"]);
    const file = join(fixture.dir, "played.mp3");
    const r = await fixture.cli(["speak", "-", "--realtime", "-o", file, "--play"], {
      stdin: "Played while it arrives.",
      env: { PATH: players.bin },
    });
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(await readFile(`${players.log}.mpv.audio`)).toEqual(await readFile(file));
  });

  it("Ctrl-C mid-stream closes the socket, leaves neither file nor .partial, and exits 130", async () => {
    const signals = new EventEmitter();
    const stdin = new PassThrough();
    const file = join(fixture.dir, "stopped.mp3");
    const from = fixture.mock.requests.length;
    let interval: ReturnType<typeof setInterval> | undefined;
    const running = fixture.cli(["speak", "-", "--realtime", "-o", file, "--subtitles", `${file}.vtt`], {
      stdin,
      signals,
      // Once audio arrives, Ctrl-C (stdin is still open: the text is not over).
      onStderr: (text) => void (text.includes("First audio") && signals.emit("SIGINT")),
    });
    let i = 0;
    interval = setInterval(() => stdin.write(`${WORDS[i++ % WORDS.length]} `), 10);
    const r = await running;
    clearInterval(interval);
    interval = undefined;
    expect(r.code).toBe(EXIT.sigint);
    expect(r.err).toContain(
      `Interrupted (SIGINT): the session was stopped and ${file}.partial and ${file}.vtt.partial removed.`,
    );
    expect(await filesLike("stopped.mp3")).toEqual([]);
    await expect.poll(() => sockets(from)[0]?.finishedAt, { timeout: 5000 }).toBeDefined();
  });
});

describe("speak --realtime refusals: exit 2 before anything is sent", () => {
  const refused = async (args: string[], expected: string | RegExp, stdin = "Some text.") => {
    const before = fixture.mock.requests.length;
    const r = await fixture.cli(["speak", ...args], { stdin });
    expect(r.code, r.err).toBe(EXIT.usage);
    expect(r.err).toMatch(expected);
    expect(fixture.mock.requests.length).toBe(before);
    return r;
  };

  it("a missing folder, a directory, an unwritable place", async () => {
    await refused(
      ["-", "--realtime", "-o", join(fixture.dir, "nowhere", "a.mp3")],
      `Cannot write --out ${join(fixture.dir, "nowhere", "a.mp3")}: the directory ${join(fixture.dir, "nowhere")} does not exist`,
    );
    await refused(["-", "--realtime", "-o", fixture.dir], `${fixture.dir} is a directory`);
    await refused(["-", "--realtime", "-o", "/sys/a.mp3"], "cannot write /sys/a.mp3.partial: permission denied");
    await refused(["-", "--realtime", "--subtitles", "/sys/a.vtt", "-o", join(fixture.dir, "sub.mp3")], "/sys/a.vtt");
    expect(await filesLike("sub.mp3")).toEqual([]);
  });

  it("realtime options without --realtime, bad values, a format the socket does not serve, a raw format to play", async () => {
    const out = ["-o", join(fixture.dir, "r.mp3")];
    await refused(["Hi", "--auto-mode", ...out], "--auto-mode is an option of the realtime WebSocket: add --realtime");
    await refused(["Hi", "--inactivity-timeout", "30", ...out], "--inactivity-timeout is an option of the realtime");
    for (const bad of ["0", "181", "1.5", "x"]) {
      await refused(["Hi", "--realtime", "--inactivity-timeout", bad, ...out], "from 1 to 180");
    }
    await refused(["Hi", "--realtime", "--format", "pcm_48000", ...out], /^Invalid --format: /);
    await refused(["Hi", "--realtime", "--seed", "4294967296", ...out], /^Invalid --seed: /);
    await refused(
      ["Hi", "--realtime", "--play", "--format", "pcm_16000", ...out],
      "a player cannot tell raw pcm_16000",
    );
    await refused(["  ", "--realtime", ...out], "TEXT is empty");
    expect(await filesLike("r.mp3")).toEqual([]);
  });

  it("stdin with no text: nothing to say, nothing left behind", async () => {
    const r = await fixture.cli(["speak", "-", "--realtime", "-o", join(fixture.dir, "empty.mp3")], { stdin: " \n\n" });
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toBe("Nothing to say: stdin ended without any text.\n");
    expect(await filesLike("empty.mp3")).toEqual([]);
  });
});

describe("speak --realtime failures: one clear line, a non-zero exit, nothing left behind", () => {
  const failing = async (
    fault: string | undefined,
    args: string[] = [],
    stdin: string | PassThrough = WORDS.join(" "),
  ) => {
    if (fault) fixture.mock.fault(fault);
    const name = `failed-${fault ?? "x"}.mp3`;
    const r = await fixture.cli(["speak", "-", "--realtime", "-o", join(fixture.dir, name), ...args], {
      stdin,
      env: { ELEVENLABS_API_KEY: "sk_realtime_secret_key" },
    });
    expect(await filesLike(name)).toEqual([]);
    expect(r.err + r.out).not.toContain("sk_realtime_secret_key");
    expect(r.err).not.toMatch(/\n\s+at /);
    return r;
  };

  it("a refused key: exit 3, and the key is never printed", async () => {
    const r = await failing("ws-refuse-key");
    expect(r.code).toBe(EXIT.api);
    expect(r.err).toBe("The API refused the key (1008 invalid_api_key: Invalid API key). Check ELEVENLABS_API_KEY.\n");
  });

  it("a refused handshake (a model the WebSockets do not serve) and an unreachable server", async () => {
    const model = await failing(undefined, ["--model", "eleven_v3"]);
    expect(model.code).toBe(EXIT.api);
    expect(model.err).toBe(
      "The API refused the WebSocket (403 Forbidden): check ELEVENLABS_API_KEY, and --model (not every model is " +
        "served over WebSockets).\n",
    );
    const away = await failing(undefined, ["--base-url", "http://127.0.0.1:1"]);
    expect(away.code).toBe(EXIT.network);
    expect(away.err).toMatch(/^Could not reach http:\/\/127\.0\.0\.1:1: could not connect: .*ECONNREFUSED/);
  });

  it("a connection dropped mid-stream: exit 4", async () => {
    const r = await failing("ws-drop");
    expect(r.code).toBe(EXIT.network);
    expect(r.err).toMatch(
      /^First audio after .*\nThe connection to http:\/\/127\.0\.0\.1:\d+ dropped mid-stream: .*1006/,
    );
    expect(r.err.trim().split("\n")).toHaveLength(2);
  });

  it("a server error mid-stream (1011): exit 3; with --json, the error as JSON", async () => {
    const r = await failing("ws-1011", ["--json"]);
    expect(r.code).toBe(EXIT.api);
    const { error } = JSON.parse(r.out) as { error: { name: string; message: string } };
    expect(error.name).toBe("RealtimeError");
    expect(error.message).toMatch(/^The API closed the socket before the end of the audio \(1011 internal_error: /);
  });

  it("no text for longer than --inactivity-timeout: the API's input_timeout_exceeded, exit 3", async () => {
    const stdin = new PassThrough();
    stdin.write("A few words, then nothing for a while ");
    const r = await failing(undefined, ["--inactivity-timeout", "1"], stdin);
    stdin.end();
    expect(r.code).toBe(EXIT.api);
    expect(r.err).toContain("The API closed the socket: no text came for too long (1008 input_timeout_exceeded)");
  });

  it("stdin that is not UTF-8: exit 1, nothing left", async () => {
    const r = await failing(undefined, [], new PassThrough().end(Buffer.from([0x48, 0x69, 0x20, 0xff, 0xfe, 0x00])));
    expect(r.code).toBe(EXIT.unexpected);
    expect(r.err).toMatch(/^Cannot read the text: stdin is not UTF-8 text/);
  });
});
