// The seed's quickstart (examples/quickstart.mts), with only its import line changed, runs against a loopback server.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { delimiter, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakePlayers } from "../helpers/fake-players.ts";
import { audio, startTestServer, type TestServer } from "../helpers/server.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
const MP3 = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 13) % 256);
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(audio(MP3));
});
afterAll(() => server.close());

describe("examples/quickstart.mts", () => {
  it("synthesises and plays the quickstart sentence", async () => {
    const players = await fakePlayers(["mpv"]);
    const env = {
      ...process.env,
      PATH: `${players.bin}${delimiter}${process.env.PATH}`,
      ELEVENLABS_API_KEY: "quickstart-key",
      ELEVENLABS_BASE_URL: server.url,
    };
    await run(process.execPath, ["--import", "tsx", join(ROOT, "examples/quickstart.mts")], { cwd: ROOT, env });
    const req = server.requests.at(-1)!;
    expect(req.url).toBe("/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb?output_format=mp3_44100_128");
    expect(req.headers["xi-api-key"]).toBe("quickstart-key");
    expect(JSON.parse(req.body)).toEqual({
      text: "The first move is what sets everything in motion.",
      model_id: "eleven_multilingual_v2",
    });
    expect(Buffer.from(await readFile(`${players.log}.mpv.audio`))).toEqual(Buffer.from(MP3));
  });
});
