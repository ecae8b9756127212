// What the local server answers validates against the spec's responses, and the audio is what the format says.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseBuffer } from "music-metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { loadSpec, type Operation } from "../../src/mock/spec.ts";
import { TONE_MIN_MS, TONE_MS_PER_CHAR } from "../../src/mock/audio/index.ts";
import { bytesPerSample, parseOggPages, walkMp3Frames } from "../helpers/audio-check.ts";
import { answerErrors, operations, type JsonObject } from "./spec-schemas.ts";

const ROOT = resolve(import.meta.dirname, "../..");
let mock: MockServer;
let op: Operation;
let loaded: Operation[];
let formats: string[];
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone" });
  loaded = (await loadSpec()).operations;
  op = loaded.find((o) => o.path === "/v1/text-to-speech/{voice_id}")!;
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

// Every operation of generated/openapi.json, called with a minimal valid request: its 200 answer is declared by the
// spec, and a JSON answer (each line of a streamed one) validates against the spec's schema.
describe("contract: every operation's success answer", () => {
  const all = operations();

  it("the spec has the operations this loop expects (a new one is tested automatically)", () => {
    expect(all.length).toBeGreaterThanOrEqual(7);
    expect(all.map((o) => `${o.method} ${o.path}`)).toContain("GET /v2/voices");
  });

  it.each(all.map((o) => [`${o.method} ${o.path}`, o] as const))("%s", async (_, { method, path, types, op: raw }) => {
    const url = new URL(mock.url + path.replace("{voice_id}", "JBFqnCBsd6RMkjVDRZzb"));
    const hasBody = raw.requestBody !== undefined;
    const res = await fetch(url, {
      method,
      headers: { "xi-api-key": "k", ...(hasBody ? { "content-type": "application/json" } : {}) },
      ...(hasBody ? { body: JSON.stringify({ text: "Contract tests keep both sides honest. Both of them." }) } : {}),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.status, bytes.toString("utf8").slice(0, 300)).toBe(200);
    const type = res.headers.get("content-type") ?? "";
    const loadedOp = loaded.find((o) => o.method === method && o.path === path)!;
    expect(loadedOp.checkResponse(200, type)).toBeUndefined();
    expect(bytes.length).toBeGreaterThan(0);
    if (!types.includes("application/json")) {
      expect(type).toMatch(/^audio\//);
      return;
    }
    expect(type).toBe("application/json");
    if ((raw as JsonObject)["x-fern-streaming"]) {
      const text = bytes.toString("utf8");
      expect(text.endsWith("\n")).toBe(true);
      const lines = text.split("\n").slice(0, -1);
      expect(lines.length).toBeGreaterThan(1);
      for (const [i, line] of lines.entries()) {
        expect({ line: i, errors: answerErrors(method, path, JSON.parse(line)) }).toEqual({ line: i, errors: [] });
      }
    } else {
      expect(answerErrors(method, path, JSON.parse(bytes.toString("utf8")))).toEqual([]);
    }
  });

  it("the schema check can fail: a wrong answer is reported", () => {
    expect(answerErrors("GET", "/v2/voices", { voices: [{}], has_more: "no" }).length).toBeGreaterThan(0);
    expect(answerErrors("GET", "/v1/models", [{ model_id: "x" }]).length).toBeGreaterThan(0);
  });
});
