// The official SDK reference's streamWithTimestamps snippet (examples/official-stream-timestamps.mts), with only its
// import line changed, run against the local server: what it prints is the API's chunks, camelCased.
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { walkMp3Frames } from "../helpers/audio-check.ts";
import { exampleSetup, runExample } from "./run-example.ts";

const setup = exampleSetup("example-official-ts-");

interface Chunk {
  audioBase64: string;
  alignment: { characters: string[]; characterStartTimesSeconds: number[]; characterEndTimesSeconds: number[] } | null;
}

/** The objects the snippet printed with console.log (util.inspect output of plain objects is JavaScript). */
function printedObjects(stdout: string): Chunk[] {
  return runInNewContext(`[${stdout.trim().replace(/}\n(?={)/g, "},\n")}]`) as Chunk[];
}

describe("the official reference's streamWithTimestamps snippet (examples/official-stream-timestamps.mts)", () => {
  it("prints chunks whose characters spell the text, in time order, within the MP3 audio they carry", async () => {
    const text = "The first move is what sets everything in motion.";
    const from = setup.mock.requests.length;
    const { stdout } = await runExample("official-stream-timestamps.mts", { baseUrl: setup.mock.url, dir: setup.dir });
    const [req] = setup.mock.requests.slice(from);
    expect(req?.path).toBe("/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb/stream/with-timestamps");
    expect(req?.query).toEqual({ output_format: "mp3_44100_128" });
    expect(req?.body).toEqual({ text, model_id: "eleven_multilingual_v2" });

    const chunks = printedObjects(stdout);
    expect(chunks.length).toBeGreaterThan(0);
    const characters = chunks.flatMap((c) => c.alignment?.characters ?? []);
    expect(characters.join("")).toBe(text);
    const starts = chunks.flatMap((c) => c.alignment?.characterStartTimesSeconds ?? []);
    const ends = chunks.flatMap((c) => c.alignment?.characterEndTimesSeconds ?? []);
    expect(starts).toHaveLength(characters.length);
    for (let i = 1; i < starts.length; i++) expect(starts[i]).toBeGreaterThanOrEqual(starts[i - 1]!);
    for (let i = 0; i < ends.length; i++) expect(ends[i]).toBeGreaterThanOrEqual(starts[i]!);

    // The audio of all chunks together is one clean MP3 stream, and the last character ends within it.
    const audio = Buffer.concat(chunks.map((c) => Buffer.from(c.audioBase64, "base64")));
    const walk = walkMp3Frames(audio, { cbr: true });
    expect(walk.sampleRates).toEqual([44100]);
    expect(ends.at(-1)).toBeGreaterThan(0);
    expect(ends.at(-1)).toBeLessThanOrEqual(walk.durationSeconds + 0.05);
  });
});
