// The test: a simulated LLM (a word every 30 ms for about 20 s) drives streamInput() through the local server.
// The first audio byte arrives long before the text ends; the audio is one clean MP3 (every frame walked); the
// alignment covers every character sent, in order, with times that never go back. (In the "slow" project: 20 s.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { llmText, runSimulatedLlm } from "../../scripts/measure/realtime.ts";
import { walkMp3Frames } from "../helpers/audio-check.ts";
import { alignmentProblems, sockets, within } from "./helpers.ts";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone" });
});
afterAll(() => mock.close());

const LLM_TEXT = llmText();

describe("a simulated LLM, a word every 30 ms for about 20 s", () => {
  it(
    "first audio before the text ends; one clean MP3; every character aligned, in order",
    { timeout: 90_000 },
    async () => {
      expect(LLM_TEXT.split(/(?=\s)/).length).toBeGreaterThan(600);
      const run = await within(runSimulatedLlm(mock.url, LLM_TEXT, 30), 80_000, "the simulated LLM's audio");
      console.log(
        `first audio after ${Math.round(run.firstAudioMs)} ms; the text ended after ${Math.round(run.textEndMs)} ms, ` +
          `the audio after ${Math.round(run.audioEndMs)} ms`,
      );
      expect(run.textEndMs).toBeGreaterThan(15_000);
      expect(run.firstAudioMs).toBeGreaterThan(0);
      expect(run.firstAudioMs).toBeLessThan(run.textEndMs / 2);

      const walk = walkMp3Frames(run.audio, { cbr: true });
      expect(walk.sampleRates).toEqual([44100]);
      expect(walk.bitrates).toEqual([128]);
      const { alignment } = run;
      expect(alignment.characters.join("")).toBe(`${LLM_TEXT} `);
      expect(alignmentProblems(alignment, walk.durationSeconds)).toEqual([]);
      expect(alignment.characterStartTimesSeconds.at(-2)).toBeGreaterThan(walk.durationSeconds - 2);

      // What went over the wire: whole words, each message ending with a space, then flush and the end.
      const received = sockets(mock.requests).at(-1)!.socket!.received as { text?: string }[];
      const texts = received.slice(1, -1).map((m) => m.text ?? "");
      expect(texts.join("")).toBe(`${LLM_TEXT} `);
      for (const text of texts) expect(text).toMatch(/\S $/);
      expect(received.at(-1)).toEqual({ text: "" });
    },
  );
});
