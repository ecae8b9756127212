// What the local server answers validates against the spec's responses, and the audio is what the format says.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseBuffer } from "music-metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { loadSpec, type Operation } from "../../src/mock/spec.ts";
import { TONE_MIN_MS, TONE_MS_PER_CHAR } from "../../src/mock/audio/index.ts";
import { bytesPerSample, parseOggPages, walkMp3Frames } from "../helpers/audio-check.ts";

const ROOT = resolve(import.meta.dirname, "../..");
let mock: MockServer;
let op: Operation;
let formats: string[];
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone" });
  op = (await loadSpec()).operations.find((o) => o.path === "/v1/text-to-speech/{voice_id}")!;
  const doc = JSON.parse(await readFile(resolve(ROOT, "generated/openapi.json"), "utf8")) as {
    components: { schemas: { V1TextToSpeechVoiceIdPostParametersOutputFormat: { enum: string[] } } };
  };
  formats = doc.components.schemas.V1TextToSpeechVoiceIdPostParametersOutputFormat.enum;
});
afterAll(() => mock.close());

const TEXT = "Contract tests keep both sides honest.";
const post = (query: string, body: unknown) =>
  fetch(`${mock.url}/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb?${query}`, {
    method: "POST",
    headers: { "xi-api-key": "k", "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("contract: responses", () => {
  it("covers the spec's 21 formats", () => expect(formats).toHaveLength(21));

  it("every output format: a declared 200, the right content type, and audio at the exact rate and bitrate", async () => {
    const seconds = Math.max(TONE_MIN_MS, [...TEXT].length * TONE_MS_PER_CHAR) / 1000;
    for (const format of formats) {
      const res = await post(`output_format=${format}`, { text: TEXT });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const type = res.headers.get("content-type");
      const [codec, rateText, kbps] = format.split("_") as [string, string, string | undefined];
      const rate = Number(rateText);
      expect({ format, status: res.status, problem: op.checkResponse(res.status, type ?? undefined) }).toEqual({
        format,
        status: 200,
        problem: undefined,
      });
      if (codec === "mp3") {
        expect(type).toBe("audio/mpeg");
        const walk = walkMp3Frames(bytes);
        expect({ format, rates: walk.sampleRates, bitrates: walk.bitrates }).toEqual({
          format,
          rates: [rate],
          bitrates: [Number(kbps)],
        });
        expect(walk.durationSeconds).toBeGreaterThanOrEqual(seconds);
        const meta = await parseBuffer(bytes, { mimeType: "audio/mpeg" });
        expect(meta.format.sampleRate).toBe(rate);
        expect(meta.format.bitrate).toBe(Number(kbps) * 1000);
      } else if (codec === "opus") {
        expect(type).toBe("audio/ogg");
        const ogg = parseOggPages(bytes);
        expect(ogg.opusHead.sampleRate).toBe(48000);
        expect(ogg.opusHead.channels).toBe(1);
        expect(ogg.pages.at(-1)!.eos).toBe(true);
      } else {
        // The tone engine: one note of round(rate × 60 ms) samples per character, at least 300 ms.
        const samples = Math.max(
          Math.round((rate * TONE_MIN_MS) / 1000),
          [...TEXT].length * Math.round((rate * TONE_MS_PER_CHAR) / 1000),
        );
        expect(bytes.byteLength, format).toBe(samples * bytesPerSample(codec as "pcm" | "ulaw" | "alaw"));
        expect(bytes.byteLength / bytesPerSample(codec as "pcm") / rate).toBeCloseTo(seconds, 2);
      }
    }
  });

  it("a 422 is declared by the spec and has the API's detail shape", async () => {
    const res = await post("", { seed: -1 });
    expect(res.status).toBe(422);
    expect(op.checkResponse(422, res.headers.get("content-type") ?? undefined)).toBeUndefined();
    const body = (await res.json()) as { detail: { loc: unknown[]; msg: unknown; type: unknown }[] };
    for (const item of body.detail) {
      expect(Array.isArray(item.loc)).toBe(true);
      expect(typeof item.msg).toBe("string");
      expect(typeof item.type).toBe("string");
    }
  });

  it("flags a response the spec does not declare (the check can fail)", () => {
    expect(op.checkResponse(200, "application/json")).toMatch(/not declared/);
    expect(op.checkResponse(418, "audio/mpeg")).toMatch(/not declared/);
  });
});
