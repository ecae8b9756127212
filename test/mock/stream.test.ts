// POST /v1/text-to-speech/{voice_id}/stream on the local server: the audio goes out chunked as it is encoded (the
// first bytes before the rest is encoded), with convert's headers and bytes.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { walkMp3Frames } from "../helpers/audio-check.ts";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone", chunkMs: 50 });
});
afterAll(() => mock.close());

const VOICE = "JBFqnCBsd6RMkjVDRZzb";
// 320 characters: about 19 s of the tone engine's audio, a few hundred 50 ms chunks.
const TEXT = "Streaming sends the first audio before the rest is encoded. ".repeat(5) + "The end is here now.";

interface Arrival {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  chunks: Buffer[];
  /** Whether the server was still streaming this response when each chunk arrived. */
  serverBusy: boolean[];
}

/** POST with node:http, to see the raw framing (transfer-encoding) and each chunk as it arrives. */
function post(path: string, body: unknown): Promise<Arrival> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${mock.url}${path}`,
      { method: "POST", headers: { "xi-api-key": "k", "content-type": "application/json" } },
      (res) => {
        const arrival: Arrival = { status: res.statusCode ?? 0, headers: res.headers, chunks: [], serverBusy: [] };
        res.on("data", (chunk: Buffer) => {
          arrival.chunks.push(chunk);
          arrival.serverBusy.push(mock.active > 0);
        });
        res.on("end", () => resolve(arrival));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

describe("stream", () => {
  it("sends chunked audio as it is encoded: the first bytes arrive while the server is still encoding", async () => {
    const got = await post(`/v1/text-to-speech/${VOICE}/stream?output_format=mp3_22050_32`, { text: TEXT });
    expect(got.status).toBe(200);
    expect(got.headers["transfer-encoding"]).toBe("chunked");
    expect(got.headers["content-length"]).toBeUndefined();
    expect(got.chunks.length).toBeGreaterThan(10);
    // The first chunks came while the response was still being produced, not after it was all encoded.
    expect(got.serverBusy.slice(0, 3)).toEqual([true, true, true]);
    const first = got.chunks[0]!.length;
    const total = got.chunks.reduce((n, c) => n + c.length, 0);
    expect(first).toBeLessThan(total / 10);
    const walk = walkMp3Frames(Buffer.concat(got.chunks));
    expect(walk.sampleRates).toEqual([22050]);
    expect(walk.bitrates).toEqual([32]);
    // One 60 ms note a character (the spaces between sentence segments aside).
    expect(walk.durationSeconds).toBeGreaterThan(((TEXT.length - 5) * 60) / 1000);
  });

  it("has convert's headers and the same bytes for the same request", async () => {
    const body = { text: "Same bytes either way.", seed: 7 };
    const streamed = await post(`/v1/text-to-speech/${VOICE}/stream?output_format=mp3_44100_64`, body);
    const converted = await post(`/v1/text-to-speech/${VOICE}?output_format=mp3_44100_64`, body);
    for (const got of [streamed, converted]) {
      expect(got.status).toBe(200);
      expect(got.headers["content-type"]).toBe("audio/mpeg");
      expect(got.headers["request-id"]).toMatch(/^[0-9a-f]{20}$/);
      expect(got.headers["character-cost"]).toBe(String(body.text.length));
      expect(got.headers["history-item-id"]).toBe(`hist_${String(got.headers["request-id"])}`);
    }
    expect(streamed.headers["request-id"]).not.toBe(converted.headers["request-id"]);
    expect(Buffer.concat(streamed.chunks).equals(Buffer.concat(converted.chunks))).toBe(true);
  });

  it("streams every codec, with the format's content type", async () => {
    const types: Record<string, string> = {
      pcm_16000: "audio/pcm",
      ulaw_8000: "audio/basic",
      opus_48000_64: "audio/ogg",
    };
    for (const [format, type] of Object.entries(types)) {
      const got = await post(`/v1/text-to-speech/${VOICE}/stream?output_format=${format}`, { text: "Codec check." });
      expect({ format, status: got.status }).toEqual({ format, status: 200 });
      expect(String(got.headers["content-type"])).toContain(type);
      expect(got.headers["transfer-encoding"]).toBe("chunked");
    }
  });
});
