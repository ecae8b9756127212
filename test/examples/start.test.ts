// `npm start` (scripts/start.ts) without a key: the embedded local server, one line saying so, ./speech.mp3 written.
import { tempDir } from "../helpers/tmp.ts";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { walkMp3Frames } from "../helpers/audio-check.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

describe("npm start", () => {
  it("synthesises the quickstart sentence to ./speech.mp3 with the embedded server when no key is set", async () => {
    const cwd = await tempDir("start-");
    const env = { ...process.env };
    delete env.ELEVENLABS_API_KEY;
    delete env.ELEVENLABS_BASE_URL;
    const { stdout } = await run(process.execPath, ["--import", "tsx", join(ROOT, "scripts/start.ts")], { cwd, env });
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(
      /^No ELEVENLABS_API_KEY set: using the embedded local ElevenLabs-compatible server at http:\/\/127\.0\.0\.1:\d+\.$/,
    );
    const file = join(cwd, "speech.mp3");
    const bytes = await readFile(file);
    expect(lines.slice(1)).toEqual([
      `file:       ${file}`,
      `bytes:      ${bytes.length}`,
      expect.stringMatching(/^duration: {3}\d+\.\d\d s$/),
      "format:     mp3_44100_128 (audio/mpeg)",
      expect.stringMatching(/^request id: [0-9a-f]{20}$/),
    ]);
    const walk = walkMp3Frames(bytes);
    expect([walk.sampleRates, walk.bitrates]).toEqual([[44100], [128]]);
    expect(walk.durationSeconds).toBeGreaterThan(1.5); // the sentence, spoken
  }, 60_000);
});
