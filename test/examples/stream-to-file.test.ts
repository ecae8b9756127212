// examples/stream-to-file.mts streams a longer text to a file, with a progress line, against the local server.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { walkMp3Frames } from "../helpers/audio-check.ts";
import { exampleSetup, runExample } from "./run-example.ts";

const setup = exampleSetup("example-stream-");

describe("examples/stream-to-file.mts", () => {
  it("writes the whole stream to the file and reports bytes, time and request id", async () => {
    const out = join(setup.dir, "long.mp3");
    const { stdout, stderr } = await runExample("stream-to-file.mts", {
      baseUrl: setup.mock.url,
      dir: setup.dir,
      args: [out],
    });

    const match = /^saved (\d+) bytes to (.+) in (\d+\.\d\d) s \(request-id (\w+)\)$/m.exec(stdout);
    expect(match, stdout).not.toBeNull();
    const [, printedBytes, printedFile, , requestId] = match!;
    expect(printedFile).toBe(out);
    // The progress line: "<kB> kB in <s> s", one per update when stderr is not a terminal; the last one is final.
    const progress = stderr.trim().split("\n");
    for (const line of progress) expect(line).toMatch(/^\d+\.\d kB in \d+\.\d\d s$/);
    expect(progress.at(-1)).toBe(
      `${(Number(printedBytes) / 1024).toFixed(1)} kB in ${progress.at(-1)!.split(" in ")[1]}`,
    );

    // One request, the longer text, answered in full.
    expect(setup.mock.requests).toHaveLength(1);
    const req = setup.mock.requests[0]!;
    expect(req.path).toBe("/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb");
    expect(req.query).toEqual({ output_format: "mp3_44100_128" });
    expect(req.status).toBe(200);
    expect(req.requestId).toBe(requestId);
    const body = req.body as { text: string; model_id: string };
    expect(body.model_id).toBe("eleven_multilingual_v2");
    expect(body.text.length).toBeGreaterThan(300);

    // The file is exactly what the server sends for this request (the tone engine is deterministic).
    const file = new Uint8Array(await readFile(out));
    expect(file.byteLength).toBe(Number(printedBytes));
    const direct = await fetch(`${setup.mock.url}${req.path}?output_format=mp3_44100_128`, {
      method: "POST",
      headers: { "xi-api-key": "k", "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const expected = new Uint8Array(await direct.arrayBuffer());
    expect(file.byteLength).toBe(expected.byteLength);
    expect(Buffer.compare(file, expected)).toBe(0);

    // And it is a clean MP3 from the first frame to the last: 60 ms of tone per character.
    const walk = walkMp3Frames(file, { cbr: true });
    expect(walk.sampleRates).toEqual([44100]);
    expect(walk.bitrates).toEqual([128]);
    expect(walk.durationSeconds).toBeGreaterThan(body.text.length * 0.06 - 0.1);
    expect(walk.durationSeconds).toBeLessThan(body.text.length * 0.06 + 0.5);
  });
});
