// The CLI as a newcomer meets it: output paths checked before anything is billed, the CLI's own names in messages,
// --json for every outcome, a progress bar that ends at 100 % with the exact size, short error texts.
import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { startMockServer } from "../../src/mock/index.ts";
import { EXIT } from "../../src/node/cli.ts";
import { useShortTones } from "../helpers/short-tone.ts";
import { cliFixture, runCli } from "./run.ts";

// Retries (after a 500 or an unreachable host) wait no real time here: test/client/retry.test.ts covers the waits.
vi.mock("../../src/core/retry.ts", async (original) =>
  (await import("../helpers/retry-sleep.ts")).recordRetrySleeps(await original()),
);
// Long text, short audio (see the helper): what the long-text tests check is the stitching and the progress.
vi.mock("../../src/mock/audio/tone.ts", async (original) =>
  (await import("../helpers/short-tone.ts")).withShortTones(await original()),
);

const fixture = cliFixture("cli-issues-");

const { cli } = fixture;

describe("output paths are checked before the request (item 9)", () => {
  it("a missing directory is a usage error naming it, and nothing is sent", async () => {
    const before = fixture.mock.requests.length;
    const r = await cli(["speak", "Hi", "-o", join(fixture.dir, "missing-dir", "x.mp3")]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain(`the directory ${join(fixture.dir, "missing-dir")} does not exist`);
    expect(r.err).not.toMatch(/ENOENT|\n\s+at /);
    expect(fixture.mock.requests.length).toBe(before);
  });

  it("a directory as the output is a usage error, with no stack and no request", async () => {
    const before = fixture.mock.requests.length;
    const r = await cli(["speak", "Hi", "-o", fixture.dir]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain(`${fixture.dir} is a directory`);
    expect(r.err).not.toMatch(/EISDIR|\n\s+at /);
    expect(fixture.mock.requests.length).toBe(before);
  });

  it("an unwritable directory and a file used as a directory are usage errors, with no request", async () => {
    const before = fixture.mock.requests.length;
    const denied = await cli(["speak", "Hi", "-o", "/sys/x.mp3"]);
    expect(denied.code).toBe(EXIT.usage);
    expect(denied.err).toContain("cannot write /sys/x.mp3.partial: permission denied");
    const file = join(fixture.dir, "plain-file");
    await writeFile(file, "x");
    const notDir = await cli(["speak", "Hi", "-o", join(file, "x.mp3")]);
    expect(notDir.code).toBe(EXIT.usage);
    expect(notDir.err).toContain(`${file} is not a directory`);
    expect(fixture.mock.requests.length).toBe(before);
  });

  it("a failed request leaves no .partial file behind", async () => {
    const sub = join(fixture.dir, "clean");
    await mkdir(sub);
    fixture.mock.fault("500", "500", "500");
    const r = await cli(["speak", "Hi", "-o", join(sub, "a.mp3")]);
    expect(r.code).toBe(EXIT.api);
    expect(await readdir(sub)).toEqual([]);
  });
});

describe("messages use the CLI's names (item 10)", () => {
  it.each([
    [["--format", "wav"], /^Invalid --format: must be one of/],
    [["--seed", "4294967296"], /^Invalid --seed: /],
    [["--voice", ""], /^Invalid --voice: must be a non-empty string/],
  ])("%j", async (extra, expected) => {
    const r = await cli(["speak", "Hi", "-o", join(fixture.dir, "n.mp3"), ...extra]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(expected);
    expect(r.err).not.toMatch(/request\.|voiceId/);
  });

  it("empty TEXT says TEXT", async () => {
    const r = await cli(["speak", "  ", "-o", join(fixture.dir, "e.mp3")]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(/^Invalid TEXT: must not be empty/);
  });

  it("--seed -1 and --seed=-1 give the same error", async () => {
    const spaced = await cli(["speak", "Hi", "--seed", "-1"]);
    const joined = await cli(["speak", "Hi", "--seed=-1"]);
    expect(spaced.code).toBe(EXIT.usage);
    expect(spaced.err).toBe(joined.err);
    expect(spaced.err).toMatch(/^--seed must be a whole number from 0 to 4294967295, got -1/);
  });

  it("plain http to another host names --allow-insecure-http, and the flag allows it", async () => {
    const remote = fixture.mock.url.replace("127.0.0.1", "0.0.0.0");
    const refused = await cli(["speak", "Hi", "-o", join(fixture.dir, "h.mp3"), "--base-url", remote]);
    expect(refused.code).toBe(EXIT.usage);
    expect(refused.err).toMatch(/^Invalid --base-url: plain http to 0\.0\.0\.0 .*pass --allow-insecure-http/);
    expect(refused.err).not.toContain("allowInsecureHttp");
    const allowed = await cli([
      "speak",
      "Hi",
      "-o",
      join(fixture.dir, "h.mp3"),
      "--base-url",
      remote,
      "--allow-insecure-http",
    ]);
    expect(allowed.code).toBe(EXIT.ok);
  });
});

describe("-o - with --json (item 7)", () => {
  it("stdout carries only the audio; the JSON goes to stderr", async () => {
    const r = await cli(["speak", "Hello there.", "-o", "-", "--json", "--format", "pcm_16000"]);
    expect(r.code).toBe(EXIT.ok);
    const result = JSON.parse(r.err) as { bytes: number; file: string };
    expect(result).toMatchObject({ file: "-", bytes: r.bytes.length });
    expect(r.bytes.includes(Buffer.from('"bytes"'))).toBe(false);
  });
});

describe("--json (item 11)", () => {
  it("long text gives every request id and the summed character cost", async () => {
    useShortTones();
    const { corpus } = await import("../long-form/corpus.ts");
    const text = corpus(21_000);
    const from = fixture.mock.requests.length;
    const r = await cli(["speak", "-", "-o", join(fixture.dir, "long.pcm"), "--format", "pcm_8000", "--json"], {
      stdin: text,
    });
    expect(r.code).toBe(EXIT.ok);
    const result = JSON.parse(r.out) as {
      requestIds: string[];
      characterCost: number;
      contentType: string;
      chunks: number;
    };
    // The syntheses (long-form also looks up the model's limit once, GET /v1/models).
    const sent = fixture.mock.requests.slice(from).filter((r) => r.method === "POST");
    expect(result.chunks).toBe(3);
    expect(result.requestIds).toEqual(sent.map((s) => s.requestId));
    expect(result.characterCost).toBe(sent.reduce((n, s) => n + [...(s.body as { text: string }).text].length, 0));
    expect(result.contentType).toBe("audio/pcm");
  });

  it("Opus duration comes from the granule positions (as ffprobe reports it)", async () => {
    const file = join(fixture.dir, "d.ogg");
    const r = await cli(["speak", "How long is this, exactly?", "-o", file, "--format", "opus_48000_64", "--json"]);
    expect(r.code).toBe(EXIT.ok);
    const { durationSeconds } = JSON.parse(r.out) as { durationSeconds: number };
    // music-metadata reads the duration from the last granule position and the pre-skip, as ffprobe does.
    const { parseFile } = await import("music-metadata");
    const probed = (await parseFile(file)).format.duration!;
    expect(durationSeconds).toBeCloseTo(probed, 4);
  });

  it("an error is a JSON object, with the status and request id when there are any", async () => {
    const r = await cli(["speak", "Hi", "-o", join(fixture.dir, "j.mp3"), "--model", "eleven_imaginary_v9", "--json"]);
    expect(r.code).toBe(EXIT.api);
    const { error } = JSON.parse(r.out) as { error: Record<string, unknown> };
    expect(error).toMatchObject({
      name: "BadRequestError",
      statusCode: 400,
      requestId: fixture.mock.requests.at(-1)!.requestId,
      message: expect.stringContaining("model_not_found"),
    });
    const usage = await cli(["speak", "Hi", "--format", "wav", "--json"]);
    expect(usage.code).toBe(EXIT.usage);
    expect(JSON.parse(usage.out)).toEqual({
      error: { name: "ValidationError", message: expect.stringMatching(/^Invalid --format/) },
    });
    const parse = await cli(["speak", "Hi", "--volume", "3", "--json", "-o", "-"]);
    expect(parse.out).toBe("");
    expect(JSON.parse(parse.err)).toMatchObject({ error: { name: "UsageError" } });
  });
});

describe("error text (item 12)", () => {
  it("a refused key says 401 once", async () => {
    const strict = await startMockServer({ engine: "tone", apiKeys: ["good"] });
    try {
      const r = await runCli(strict.url, ["speak", "Hi", "-o", join(fixture.dir, "k.mp3")], {
        env: { ELEVENLABS_API_KEY: "bad" },
      });
      expect(r.code).toBe(EXIT.api);
      expect(r.err).toMatch(/^The API refused the key \(401 Unauthorized\): invalid_api_key: Invalid API key\n/);
      expect(r.err.match(/401/g)).toHaveLength(1);
      expect(r.err).not.toContain("bad");
    } finally {
      await strict.close();
    }
  });

  it("a 502 HTML page is reduced to its title", async () => {
    fixture.mock.fault("502:retry-after-ms=1", "502:retry-after-ms=1", "502:retry-after-ms=1");
    const r = await cli(["speak", "Hi", "-o", join(fixture.dir, "g.mp3")]);
    expect(r.code).toBe(EXIT.api);
    expect(r.err).toBe("The API answered with an error: 502 Bad Gateway\n");
  });
});

describe("the progress bar (item 8)", () => {
  it("knows the chunk count from the start, ends at 100 % with the file's exact size, and clears each line", async () => {
    useShortTones();
    const { corpus } = await import("../long-form/corpus.ts");
    const file = join(fixture.dir, "bar.pcm");
    const r = await cli(["speak", "-", "-o", file, "--format", "pcm_8000"], { stdin: corpus(21_000), tty: true });
    expect(r.code).toBe(EXIT.ok);
    const frames = r.err.split("\r").filter(Boolean);
    expect(frames.every((f) => f.startsWith("\x1b[2K"))).toBe(true);
    expect(frames.every((f) => /chunk \d\/3/.test(f))).toBe(true);
    const last = frames.at(-1)!;
    expect(last.slice(4)).toMatch(/^\[#{20}\] 100% · chunk 3\/3 · /);
    const size = (await stat(file)).size;
    const shown = size < 1024 * 1024 ? `${(size / 1024).toFixed(1)} KiB` : `${(size / 1024 / 1024).toFixed(2)} MiB`;
    expect(last).toContain(`${shown} received`);
    expect(r.err.endsWith("\n")).toBe(true);
  });
});
