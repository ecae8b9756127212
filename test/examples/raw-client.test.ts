// examples/raw-client.mts calls the typed low-level client (openapi-fetch) with the wire names.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { walkMp3Frames } from "../helpers/audio-check.ts";
import { exampleSetup, runExample } from "./run-example.ts";

const setup = exampleSetup("example-raw-");

describe("examples/raw-client.mts", () => {
  it("sends the snake_case body as written and saves the ArrayBuffer", async () => {
    const out = join(setup.dir, "raw.mp3");
    const { stdout } = await runExample("raw-client.mts", { baseUrl: setup.mock.url, dir: setup.dir, args: [out] });

    const match = /^200 audio\/mpeg: saved (\d+) bytes to (.+) \(request-id (\w+), character-cost (\d+)\)$/m.exec(
      stdout,
    );
    expect(match, stdout).not.toBeNull();
    const [, bytes, file, requestId, cost] = match!;
    expect(file).toBe(out);

    expect(setup.mock.requests).toHaveLength(1);
    const req = setup.mock.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb");
    expect(req.query).toEqual({ output_format: "mp3_22050_32" });
    expect(req.headers["xi-api-key"]).toBe("[redacted]"); // the client sent one; the server never keeps it
    // The raw client sends exactly the body given: no camelCase mapping, no defaults added.
    expect(req.body).toEqual({
      text: "Straight from the spec, with nothing in between.",
      model_id: "eleven_multilingual_v2",
      voice_settings: { stability: 0.5, similarity_boost: 0.75 },
    });
    expect(req.status).toBe(200);
    expect(req.requestId).toBe(requestId);
    expect(Number(cost)).toBe("Straight from the spec, with nothing in between.".length);

    const audio = new Uint8Array(await readFile(out));
    expect(audio.byteLength).toBe(Number(bytes));
    const walk = walkMp3Frames(audio, { cbr: true });
    expect(walk.sampleRates).toEqual([22050]);
    expect(walk.bitrates).toEqual([32]);
  });
});
