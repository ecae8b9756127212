// The built CLI (dist/src/node/cli.js, as `npx elevenlabs-fetch` runs it): `mock` serves audio that curl can fetch.
// The rest of the CLI is tested from source, in-process, by cli.test.ts and speak-issues.test.ts.
import { execFile, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { walkMp3Frames } from "../helpers/audio-check.ts";
import { ROOT, tempDir } from "../helpers/tmp.ts";

let dir: string;
beforeAll(async () => {
  dir = await tempDir("cli-binary-");
});

describe("the built CLI binary", () => {
  it("runs `mock` and serves a request from curl that decodes as audio", async () => {
    const child = spawn(
      process.execPath,
      [join(ROOT, "dist/src/node/cli.js"), "mock", "--port", "0", "--engine", "tone"],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let banner = "";
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let err = "";
        child.stderr.on("data", (d: Buffer) => {
          err += d.toString();
          const m = /server on (http:\/\/\S+)[^]*Ctrl-C/.exec(err);
          banner = err;
          if (m) resolve(m[1]!);
        });
        child.on("exit", () => reject(new Error(err)));
      });
      const file = join(dir, "curl.mp3");
      await new Promise<void>((resolve, reject) =>
        execFile(
          "curl",
          [
            "-sf",
            "-X",
            "POST",
            `${url}/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb`,
            "-H",
            "xi-api-key: any",
            "-H",
            "content-type: application/json",
            "-d",
            '{"text":"Hello from curl"}',
            "-o",
            file,
          ],
          (e) => (e ? reject(e) : resolve()),
        ),
      );
      const walk = walkMp3Frames(await readFile(file));
      expect(walk.frames.length).toBeGreaterThan(10);
      // The hint works without a global install.
      expect(banner).toContain(`ELEVENLABS_API_KEY=any npx elevenlabs-fetch speak "Hello" --base-url ${url}`);
      expect(banner).not.toMatch(/[^x] elevenlabs-fetch speak/);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
