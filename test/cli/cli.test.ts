import { useShortTones } from "../helpers/short-tone.ts";
import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { EXIT } from "../../src/node/cli.ts";
import { cliFixture } from "./run.ts";
import { walkMp3Frames } from "../helpers/audio-check.ts";

// Retries (after a 500 or an unreachable host) wait no real time here: test/client/retry.test.ts covers the waits.
vi.mock("../../src/core/retry.ts", async (original) =>
  (await import("../helpers/retry-sleep.ts")).recordRetrySleeps(await original()),
);
// Long text, short audio (see the helper): what the long-text tests check is the stitching and the progress.
vi.mock("../../src/mock/audio/tone.ts", async (original) =>
  (await import("../helpers/short-tone.ts")).withShortTones(await original()),
);

const fixture = cliFixture("cli-");

const { cli } = fixture;

describe("elevenlabs-fetch CLI", () => {
  it("speak writes the audio and reports it", async () => {
    const file = join(fixture.dir, "a.mp3");
    const r = await cli(["speak", "Hello from the command line.", "-o", file, "--seed", "7"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(
      new RegExp(`^Wrote ${file}: \\d+ bytes, \\d+\\.\\d\\d s of mp3_44100_128, request id [0-9a-f]{20}\\n$`),
    );
    const walk = walkMp3Frames(await readFile(file));
    expect(walk.frames.every((f) => f.sampleRate === 44100 && f.bitrate === 128)).toBe(true);
    const sent = fixture.mock.requests.at(-1)!;
    expect(sent.body).toEqual({ text: "Hello from the command line.", seed: 7, model_id: "eleven_multilingual_v2" });
    expect(sent.voiceId).toBe("JBFqnCBsd6RMkjVDRZzb");
  });

  it("speak reads stdin with -, takes --voice/--model/--format, and --json prints the result", async () => {
    const file = join(fixture.dir, "b.pcm");
    const r = await cli(
      ["speak", "-", "-o", file, "--voice", "v2", "--model", "eleven_flash_v2_5", "--format", "pcm_16000", "--json"],
      {
        stdin: "Text from stdin.",
      },
    );
    expect(r.code).toBe(EXIT.ok);
    const result = JSON.parse(r.out) as {
      file: string;
      bytes: number;
      format: string;
      durationSeconds: number;
      requestId: string;
    };
    expect(result).toMatchObject({ file, format: "pcm_16000", contentType: "audio/pcm" });
    expect(result.bytes).toBe((await stat(file)).size);
    expect(result.durationSeconds).toBeCloseTo(result.bytes / 2 / 16000, 5);
    const sent = fixture.mock.requests.at(-1)!;
    expect(sent).toMatchObject({ voiceId: "v2", query: { output_format: "pcm_16000" } });
    expect(sent.body).toMatchObject({ text: "Text from stdin.", model_id: "eleven_flash_v2_5" });
  });

  it("speak stitches long text from stdin into one file, with a progress bar", async () => {
    useShortTones();
    const { corpus } = await import("../long-form/corpus.ts");
    const text = corpus(21_000);
    const file = join(fixture.dir, "long.pcm");
    const from = fixture.mock.requests.length;
    const r = await cli(["speak", "-", "-o", file, "--format", "pcm_8000"], { stdin: text, tty: true });
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/\(3 requests stitched: [0-9a-f]{20}, [0-9a-f]{20}, [0-9a-f]{20}\)\n$/);
    expect(r.err).toMatch(/\[#{7}\.{13}\] 33% · chunk 2\/3/);
    // The syntheses (long-form also looks up the model's limit once, GET /v1/models).
    const sent = fixture.mock.requests.slice(from).filter((r) => r.method === "POST");
    expect(sent).toHaveLength(3);
    const bytes = (await stat(file)).size;
    expect(bytes).toBe((r.out.match(/: (\d+) bytes/)![1]! as unknown as number) * 1);
  });

  it("--play plays the file through mpv", async () => {
    const { fakePlayers } = await import("../helpers/fake-players.ts");
    const players = await fakePlayers(["mpv"]);
    const file = join(fixture.dir, "played.mp3");
    const r = await cli(["speak", "Play me.", "-o", file, "--play"], {
      env: { PATH: `${players.bin}:${process.env.PATH}` },
    });
    expect(r.code).toBe(EXIT.ok);
    expect((await readFile(`${players.log}.mpv.audio`)).equals(await readFile(file))).toBe(true);
  });

  it("derives the default file name from the format", async () => {
    const r = await cli(["speak", "Hi", "--format", "opus_48000_64", "--json"], {});
    expect((JSON.parse(r.out) as { file: string }).file).toBe(resolve("speech.ogg"));
    const { rm } = await import("node:fs/promises");
    await rm(resolve("speech.ogg"));
  });

  it("shows progress on stderr when it is a terminal", async () => {
    const r = await cli(["speak", "Progress please.", "-o", join(fixture.dir, "p.mp3")], { tty: true });
    expect(r.code).toBe(EXIT.ok);
    // Each redraw: carriage return, then "erase line" (ESC [2K).
    expect(r.err.replaceAll("\x1b[2K", "<EL>")).toMatch(/\r<EL>\d+\.\d KiB received · \d+\.\d s/);
  });

  it("a missing key says how to set it, and that mock exists (usage exit code)", async () => {
    const r = await cli(["speak", "Hi"], { env: { ELEVENLABS_API_KEY: undefined } });
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain("export ELEVENLABS_API_KEY=");
    expect(r.err).toContain("elevenlabs-fetch mock");
  });

  it("a 422 lists each field and message (API exit code)", async () => {
    // A client-side-valid request the server refuses: fault-free 422 via a body the server validates.
    const r = await cli(["speak", "Hi", "-o", join(fixture.dir, "x.mp3"), "--format", "mp3_44100_64"], {
      env: { ELEVENLABS_BASE_URL: `${fixture.mock.url}` },
    });
    expect(r.code).toBe(EXIT.ok);
    fixture.mock.fault("429:retry-after-ms=1", "429:retry-after-ms=1", "429:retry-after-ms=1");
    const limited = await cli(["speak", "Hi", "-o", join(fixture.dir, "y.mp3")]);
    expect(limited.code).toBe(EXIT.api);
    expect(limited.err).toContain("The API answered with an error: 429 Too Many Requests");
  });

  it("an invalid option is a usage error naming it", async () => {
    const bad = await cli(["speak", "Hi", "--format", "wav"]);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toMatch(/^Invalid --format: must be one of mp3_22050_32/);
    const unknown = await cli(["speak", "Hi", "--volume", "11"]);
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.err).toContain("--volume");
    expect((await cli(["dance"])).code).toBe(EXIT.usage);
  });

  it("a network error has its own exit code", async () => {
    const r = await cli(["speak", "Hi", "-o", join(fixture.dir, "n.mp3"), "--base-url", "http://127.0.0.1:9"]);
    expect(r.code).toBe(EXIT.network);
    expect(r.err).toContain("Could not reach http://127.0.0.1:9");
  });

  it("--help has examples", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain("Examples:");
    expect(r.out).toContain("npx elevenlabs-fetch speak -");
    expect(r.out).toContain("npx elevenlabs-fetch mock --port 8787");
    // Every example runs without a global install.
    expect(r.out).not.toMatch(/^\s*(?:echo .*\| )?elevenlabs-fetch /m);
  });
});
