// `speak - --realtime` as a real process: its stdin is a pipe the test writes a word at a time, and it stops on a real
// Ctrl-C (SIGINT) or a failure while stdin is still open, without waiting for stdin to end.
import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/node/cli.ts";
import type { UpgradeRecord } from "../../src/mock/realtime/index.ts";
import { walkMp3Frames } from "../helpers/audio-check.ts";
import { cliFixture } from "./run.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/tsx/dist/loader.mjs");
const fixture = cliFixture("cli-realtime-process-");
const WORDS = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen".split(" ");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (at most `ms`) for `ready()`; throws `what` when it never is. */
async function until(ready: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (await ready()) return;
  throw new Error(`timed out waiting for ${what}`);
}

/** Starts `speak - --realtime -o FILE …` with stdin left open for the test to write. */
function start(file: string, extra: string[] = [], key = "process-key") {
  const child = spawn(
    process.execPath,
    ["--import", TSX, join(ROOT, "src/node/cli.ts"), "speak", "-", "--realtime", "-o", file, ...extra],
    {
      env: { ...process.env, ELEVENLABS_API_KEY: key, ELEVENLABS_BASE_URL: fixture.mock.url },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  const output = { stdout: "", stderr: "", firstAudioAt: undefined as number | undefined };
  child.stdout.on("data", (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => {
    output.stderr += d.toString();
    if (output.stderr.includes("First audio after")) output.firstAudioAt ??= Date.now();
  });
  child.stdin.on("error", () => undefined); // the command may have ended while the test still writes
  // The exit within 20 s, else the process is killed and the code is null.
  const exited = new Promise<number | null>((done) => {
    const limit = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("exit", (code) => {
      clearTimeout(limit);
      done(code);
    });
  });
  return { child, output, exited };
}

const socketsFrom = (from: number) =>
  fixture.mock.requests.slice(from).filter((r) => r.path.endsWith("/stream-input")) as UpgradeRecord[];
const filesLike = async (prefix: string) => (await readdir(fixture.dir)).filter((f) => f.startsWith(prefix));

describe("speak - --realtime as a process", () => {
  it("piped a word every 30 ms: the first audio is printed before stdin ends, and the file is whole", async () => {
    const file = join(fixture.dir, "piped.mp3");
    const from = fixture.mock.requests.length;
    const { child, output, exited } = start(file);
    child.stdin.write("Words ");
    // Timed from the socket's opening, so that the process's start-up is not part of the text's time.
    await until(() => socketsFrom(from).length > 0, "the socket to open");
    for (let i = 0; i < 4; i++) {
      for (const word of WORDS) {
        child.stdin.write(`${word} `);
        await sleep(30);
      }
    }
    const stdinEnd = Date.now();
    child.stdin.end();
    expect(await exited, output.stderr).toBe(EXIT.ok);
    expect(output.firstAudioAt).toBeLessThan(stdinEnd);
    expect(walkMp3Frames(await readFile(file)).durationSeconds).toBeGreaterThan(1);
    expect(await filesLike("piped.mp3")).toEqual(["piped.mp3"]);
  });

  it("Ctrl-C (SIGINT) mid-stream, stdin still open: exit 130, neither the file nor its .partial left", async () => {
    const file = join(fixture.dir, "interrupted.mp3");
    const { child, output, exited } = start(file);
    let writing = true;
    void (async () => {
      for (let i = 0; writing; i++) {
        child.stdin.write(`${WORDS[i % WORDS.length]} `);
        await sleep(30);
      }
    })();
    await until(() => output.firstAudioAt !== undefined, "the first audio");
    expect(await filesLike("interrupted.mp3")).toEqual(["interrupted.mp3.partial"]);
    child.kill("SIGINT");
    const code = await exited;
    writing = false;
    expect(code, output.stderr).toBe(EXIT.sigint);
    expect(output.stderr).toContain(`Interrupted (SIGINT): the session was stopped and ${file}.partial removed.`);
    expect(await filesLike("interrupted.mp3")).toEqual([]);
  });

  it("a refused key while stdin is still open: exit 3 at once, without waiting for stdin's end", async () => {
    fixture.mock.fault("ws-refuse-key");
    const file = join(fixture.dir, "refused.mp3");
    const { child, output, exited } = start(file, [], "sk_process_secret");
    child.stdin.write("Hello and then nothing more for now ");
    const code = await exited;
    child.stdin.end();
    expect(code).toBe(EXIT.api);
    expect(output.stderr).toBe(
      "The API refused the key (1008 invalid_api_key: Invalid API key). Check ELEVENLABS_API_KEY.\n",
    );
    expect(output.stderr).not.toContain("sk_process_secret");
    expect(await filesLike("refused.mp3")).toEqual([]);
  });
});
