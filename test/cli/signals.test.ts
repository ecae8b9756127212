// Ctrl-C or SIGTERM while `speak` streams: the request is aborted, the .partial file removed, the exit code 130/143.
// A real child process, against a local server that drips the audio slowly.
import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { cliFixture } from "./run.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/tsx/dist/loader.mjs");
const fixture = cliFixture("cli-signal-");

async function interrupt(signal: "SIGINT" | "SIGTERM", name: string) {
  fixture.mock.fault("slow-drip:bytes=256,interval=20");
  const out = join(fixture.dir, name);
  const child = spawn(
    process.execPath,
    ["--import", TSX, join(ROOT, "src/node/cli.ts"), "speak", "A sentence long enough to take a while.", "-o", out],
    {
      env: { ...process.env, ELEVENLABS_API_KEY: "signal-key", ELEVENLABS_BASE_URL: fixture.mock.url },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  // Wait until the audio is streaming into the partial file.
  const streaming = async () => {
    for (let i = 0; i < 400; i++) {
      if (fixture.mock.active > 0 && (await readdir(fixture.dir)).includes(`${name}.partial`)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`never started streaming: ${stderr}`);
  };
  await streaming();
  await new Promise((r) => setTimeout(r, 100));
  child.kill(signal);
  const code = await exited;
  return { code, stderr, files: (await readdir(fixture.dir)).filter((f) => f.startsWith(name)) };
}

describe("speak stopped by a signal", () => {
  it("Ctrl-C (SIGINT) aborts the request, removes the .partial file and exits 130", async () => {
    const r = await interrupt("SIGINT", "int.mp3");
    expect(r.code).toBe(130);
    expect(r.files).toEqual([]);
    expect(r.stderr).toContain("Interrupted (SIGINT)");
    // The server saw the client go away: the response did not finish.
    await new Promise((r) => setTimeout(r, 100));
    expect(fixture.mock.active).toBe(0);
  });

  it("SIGTERM does the same and exits 143", async () => {
    const r = await interrupt("SIGTERM", "term.mp3");
    expect(r.code).toBe(143);
    expect(r.files).toEqual([]);
    expect(r.stderr).toContain("Interrupted (SIGTERM)");
  });
});
