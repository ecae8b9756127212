// The official SDK's own snippets (README "Streaming", reference.md convertWithTimestamps), with only their import
// line changed, run against the local server: elevenlabs-fetch as a drop-in. streamWithTimestamps: its own file.
import { readFile } from "node:fs/promises";
import { delimiter } from "node:path";
import { describe, expect, it } from "vitest";
import { walkMp3Frames } from "../helpers/audio-check.ts";
import { fakePlayers } from "../helpers/fake-players.ts";
import { exampleSetup, runExample } from "./run-example.ts";

const setup = exampleSetup("example-official-");

describe("the official README's streaming snippet (examples/official-stream.mts)", () => {
  it("streams the sentence into the player as MP3 frames", async () => {
    const players = await fakePlayers(["mpv"]);
    const from = setup.mock.requests.length;
    await runExample("official-stream.mts", {
      baseUrl: setup.mock.url,
      dir: setup.dir,
      env: { PATH: `${players.bin}${delimiter}${process.env.PATH}` },
    });
    const [req] = setup.mock.requests.slice(from);
    expect(req?.path).toBe("/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb/stream");
    expect(req?.status).toBe(200);
    expect(req?.body).toEqual({ text: "This is a... streaming voice", model_id: "eleven_multilingual_v2" });
    // The key given to the constructor, not the environment's ("example-key"), went with the request.
    expect(req?.headers["xi-api-key"]).not.toContain("example");
    const played = new Uint8Array(await readFile(`${players.log}.mpv.audio`));
    const walk = walkMp3Frames(played, { cbr: true });
    expect(walk.sampleRates).toEqual([44100]);
    expect(walk.durationSeconds).toBeGreaterThan(1);
  });
});

describe("the official reference's convertWithTimestamps snippet (examples/official-timestamps.mts)", () => {
  it("sends the snippet's query and body to /with-timestamps and gets a 200", async () => {
    const from = setup.mock.requests.length;
    const { stdout, stderr } = await runExample("official-timestamps.mts", { baseUrl: setup.mock.url, dir: setup.dir });
    expect(stdout + stderr).toBe("");
    const [req] = setup.mock.requests.slice(from);
    expect(req?.path).toBe("/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM/with-timestamps");
    expect(req?.query).toEqual({ enable_logging: "true", optimize_streaming_latency: "1", output_format: "alaw_8000" });
    // The facade sends the spec's default model when none is given (the official SDK leaves it to the API's default,
    // the same model).
    expect(req?.body).toEqual({
      text: "This is a test for the API of ElevenLabs.",
      model_id: "eleven_multilingual_v2",
    });
    expect(req?.status).toBe(200);
  });
});
