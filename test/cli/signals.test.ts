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

async function interrupt(signal: "SIGINT" | "SIGTERM", name: string, subtitles?: string) {
  // With --subtitles, long-form looks up the model's limit first (GET /v1/models, which no fault slows).
  if (subtitles) fixture.mock.fault("slow-drip:bytes=256,interval=20");
  fixture.mock.fault("slow-drip:bytes=256,interval=20");
  const out = join(fixture.dir, name);
  const extra = subtitles ? ["--subtitles", join(fixture.dir, subtitles)] : [];
  const child = spawn(
    process.execPath,
    [
      "--import",
      TSX,
      join(ROOT, "src/node/cli.ts"),
      "speak",
      "A sentence long enough to take a while.",
      "-o",
      out,
      ...extra,
    ],
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
      const files = await readdir(fixture.dir);
      const partials = [name, ...(subtitles ? [subtitles] : [])].map((f) => `${f}.partial`);
      if (fixture.mock.active > 0 && partials.every((p) => files.includes(p))) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`never started streaming: ${stderr}`);
  };
  await streaming();
  await new Promise((r) => setTimeout(r, 100));
  child.kill(signal);
  const code = await exited;
  const prefixes = [name, ...(subtitles ? [subtitles] : [])];
  return { code, stderr, files: (await readdir(fixture.dir)).filter((f) => prefixes.some((p) => f.startsWith(p))) };
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

  it("Ctrl-C with --subtitles, mid-synthesis: neither partial file is left, exit 130", async () => {
    const r = await interrupt("SIGINT", "captioned.mp3", "captioned.vtt");
    expect(r.code).toBe(130);
    expect(r.files).toEqual([]);
    expect(r.stderr).toContain("Interrupted (SIGINT)");
    expect(r.stderr).toContain("captioned.mp3.partial and ");
    expect(r.stderr).toContain("captioned.vtt.partial removed");
    await new Promise((r) => setTimeout(r, 100));
    expect(fixture.mock.active).toBe(0);
  });
});
