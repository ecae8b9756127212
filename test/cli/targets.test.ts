// What an outside tester of the CLI found next: -o onto a device, a pipe or a symlink must not replace it; --play
// without a player must stop before the request; the local server's start-up errors and hints must be the CLI's.
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { lstat, readFile, readlink, symlink, writeFile } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ElevenLabsError, ValidationError } from "../../src/index.ts";
import { startMockServer } from "../../src/mock/index.ts";
import { EXIT } from "../../src/node/cli.ts";
import { fakePlayers } from "../helpers/fake-players.ts";
import { cliFixture, runCli } from "./run.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const fixture = cliFixture("cli-targets-");

describe("speak -o onto what is not a regular file", () => {
  it("a symlink: its target gets the audio, the link stays a link", async () => {
    const target = join(fixture.dir, "target.mp3");
    const link = join(fixture.dir, "link.mp3");
    await writeFile(target, "old");
    await symlink(target, link);
    const r = await runCli(fixture.mock.url, ["speak", "Through a link.", "-o", link]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(target);
    expect((await readFile(target)).byteLength).toBeGreaterThan(1000);
  });

  it("a named pipe: the reader gets the audio, and the pipe stays a pipe", async () => {
    const fifo = join(fixture.dir, "audio.fifo");
    execFileSync("mkfifo", [fifo]);
    const received = new Promise<number>((done) => {
      let bytes = 0;
      createReadStream(fifo)
        .on("data", (d) => (bytes += d.length))
        .on("end", () => done(bytes));
    });
    const r = await runCli(fixture.mock.url, ["speak", "Through a pipe.", "-o", fifo]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(await received).toBeGreaterThan(1000);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });

  it("/dev/null stays a device", async () => {
    const r = await runCli(fixture.mock.url, ["speak", "Into the void.", "-o", "/dev/null"]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect((await lstat("/dev/null")).isCharacterDevice()).toBe(true);
  });
});

describe("--play without a player", () => {
  it("is a usage error before the request, in the CLI's words", async () => {
    const players = await fakePlayers([]);
    const from = fixture.mock.requests.length;
    const r = await runCli(fixture.mock.url, ["speak", "Unplayable.", "-o", join(fixture.dir, "p.mp3"), "--play"], {
      env: { PATH: `${players.bin}:/nonexistent` },
    });
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain("--play needs mpv or ffplay on PATH");
    expect(r.err).not.toContain("writeFile");
    expect(fixture.mock.requests.length).toBe(from);
  });
});

describe("the local server's start", () => {
  it("a port in use is an ElevenLabsError that says so; an unknown engine a ValidationError", async () => {
    const error = await startMockServer({ engine: "tone", port: fixture.mock.port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsError);
    expect((error as Error).message).toBe(
      `cannot listen on 127.0.0.1:${fixture.mock.port}: port ${fixture.mock.port} is in use (another server?); choose another port, or 0 for a free one`,
    );
    await expect(startMockServer({ engine: "nope" as never })).rejects.toBeInstanceOf(ValidationError);
  });

  it("npx elevenlabs-fetch mock: a busy port without a stack; hints with the key it accepts; --fault named", async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; err: string }>((done) => {
        const child = spawn(process.execPath, ["--import", "tsx", "src/node/cli.ts", "mock", ...args], { cwd: ROOT });
        let err = "";
        child.stderr.on("data", (d: Buffer) => {
          err += d.toString();
          if (err.includes("Ctrl-C stops it.")) child.kill("SIGINT");
        });
        child.on("exit", (code) => done({ code, err }));
      });
    const busy = await run(["--port", String(fixture.mock.port), "--engine", "tone"]);
    expect(busy.code).toBe(1);
    expect(busy.err).toContain(`port ${fixture.mock.port} is in use`);
    expect(busy.err).not.toMatch(/\n\s+at /);
    const keyed = await run(["--port", "0", "--engine", "tone", "--api-key", "good-key"]);
    expect(keyed.err).toContain("ELEVENLABS_API_KEY=good-key npx elevenlabs-fetch speak");
    expect(keyed.err).toContain('-H "xi-api-key: good-key"');
    const fault = await run(["--port", "0", "--fault", "nope"]);
    expect(fault.code).toBe(EXIT.usage);
    expect(fault.err).toContain("Invalid --fault: unknown fault");
  });

  it("npx elevenlabs-fetch mock --character-limit N answers a synthesis over it with the quota 401", async () => {
    const bad = spawn(process.execPath, ["--import", "tsx", "src/node/cli.ts", "mock", "--character-limit", "ten"], {
      cwd: ROOT,
    });
    let badErr = "";
    bad.stderr.on("data", (d: Buffer) => (badErr += d.toString()));
    expect(await new Promise((done) => bad.on("exit", done))).toBe(EXIT.usage);
    expect(badErr).toContain("--character-limit must be a whole number ≥ 0, got ten");

    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/node/cli.ts", "mock", "--port", "0", "--engine", "tone", "--character-limit", "8"],
      { cwd: ROOT },
    );
    try {
      const url = await new Promise<string>((done) => {
        let err = "";
        child.stderr.on("data", (d: Buffer) => {
          err += d.toString();
          const found = /http:\/\/127\.0\.0\.1:\d+/.exec(err);
          if (err.includes("Ctrl-C stops it.") && found) {
            expect(err).toContain("  quota: 8 characters (--character-limit)");
            expect(err).toContain(
              `  realtime: ${found[0].replace("http", "ws")}/v1/text-to-speech/{voice_id}/stream-input`,
            );
            done(found[0]);
          }
        });
      });
      const answer = await fetch(`${url}/v1/text-to-speech/v`, {
        method: "POST",
        headers: { "xi-api-key": "k", "content-type": "application/json" },
        body: JSON.stringify({ text: "Ten chars!" }),
      });
      expect(answer.status).toBe(401);
      expect(await answer.json()).toMatchObject({
        detail: {
          status: "quota_exceeded",
          message:
            "This request exceeds your quota of 8. You have 8 credits remaining, while 10 credits are required for this request.",
        },
      });
    } finally {
      child.kill("SIGINT");
    }
  });
});
