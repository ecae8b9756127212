import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AudioStream, ElevenLabsClient, ElevenLabsError, ValidationError } from "../../src/index.ts";
import { audio, json, startTestServer, type TestServer } from "../helpers/server.ts";

const MP3 = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) % 256);
let server: TestServer;
let client: ElevenLabsClient;

beforeAll(async () => {
  server = await startTestServer();
  client = new ElevenLabsClient({ apiKey: "test-key", baseUrl: server.url, maxRetries: 0 });
});
afterAll(() => server.close());

const last = () => server.requests.at(-1)!;

describe("textToSpeech.convert: the wire request", () => {
  it("sends the quickstart exactly: method, path, query, key, JSON body", async () => {
    server.handle(audio(MP3));
    const result = await client.textToSpeech.convert("JBFqnCBsd6RMkjVDRZzb", {
      text: "The first move is what sets everything in motion.",
      modelId: "eleven_multilingual_v2",
      outputFormat: "mp3_44100_128",
    });
    await result.bytes();
    const req = last();
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb?output_format=mp3_44100_128");
    expect(req.headers["xi-api-key"]).toBe("test-key");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req.body)).toEqual({
      text: "The first move is what sets everything in motion.",
      model_id: "eleven_multilingual_v2",
    });
  });

  it("sends the defaults explicitly and leaves unset optional fields out", async () => {
    server.handle(audio(MP3));
    await (await client.textToSpeech.convert("v", { text: "Hi", seed: undefined })).bytes();
    expect(last().url).toBe("/v1/text-to-speech/v?output_format=mp3_44100_128");
    expect(last().body).toBe('{"text":"Hi","model_id":"eleven_multilingual_v2"}');
  });

  it("maps every camelCase field to the spec's snake_case, nested ones too, and query fields to the query", async () => {
    server.handle(audio(MP3));
    await (
      await client.textToSpeech.convert("v", {
        text: "Hi",
        modelId: "eleven_flash_v2_5",
        languageCode: "en",
        voiceSettings: { stability: 0.3, similarityBoost: 0.8, style: 0.1, useSpeakerBoost: false, speed: 1.1 },
        pronunciationDictionaryLocators: [{ pronunciationDictionaryId: "d1", versionId: null }],
        seed: 42,
        previousText: "Before.",
        nextText: "After.",
        previousRequestIds: ["r1"],
        nextRequestIds: ["r2", "r3"],
        usePvcAsIvc: true,
        applyTextNormalization: "off",
        applyLanguageTextNormalization: true,
        outputFormat: "pcm_16000",
        enableLogging: false,
        optimizeStreamingLatency: 3,
      })
    ).bytes();
    const url = new URL(last().url, server.url);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      output_format: "pcm_16000",
      enable_logging: "false",
      optimize_streaming_latency: "3",
    });
    expect(JSON.parse(last().body)).toEqual({
      text: "Hi",
      model_id: "eleven_flash_v2_5",
      language_code: "en",
      voice_settings: { stability: 0.3, similarity_boost: 0.8, style: 0.1, use_speaker_boost: false, speed: 1.1 },
      pronunciation_dictionary_locators: [{ pronunciation_dictionary_id: "d1", version_id: null }],
      seed: 42,
      previous_text: "Before.",
      next_text: "After.",
      previous_request_ids: ["r1"],
      next_request_ids: ["r2", "r3"],
      use_pvc_as_ivc: true,
      apply_text_normalization: "off",
      apply_language_text_normalization: true,
    });
  });

  it("percent-encodes the voice id into one path segment", async () => {
    server.handle(audio(MP3));
    await (await client.textToSpeech.convert("a/b?c#d", { text: "Hi" })).bytes();
    expect(last().url).toBe("/v1/text-to-speech/a%2Fb%3Fc%23d?output_format=mp3_44100_128");
    await (await client.textToSpeech.convert("é %..\\", { text: "Hi" })).bytes();
    expect(last().url).toBe("/v1/text-to-speech/%C3%A9%20%25..%5C?output_format=mp3_44100_128");
  });

  it("sends per-request headers and the client's headers", async () => {
    const withHeaders = new ElevenLabsClient({ apiKey: "k", baseUrl: server.url, headers: { "x-app": "demo" } });
    server.handle(audio(MP3));
    await (await withHeaders.textToSpeech.convert("v", { text: "Hi" }, { headers: { "x-trace": "t1" } })).bytes();
    expect(last().headers["x-app"]).toBe("demo");
    expect(last().headers["x-trace"]).toBe("t1");
  });
});

describe("textToSpeech.convert: the result", () => {
  it("is a web ReadableStream that reads with getReader()", async () => {
    server.handle(audio(MP3));
    const result = await client.textToSpeech.convert("v", { text: "Hi" });
    expect(result).toBeInstanceOf(ReadableStream);
    expect(result).toBeInstanceOf(AudioStream);
    const reader = result.getReader();
    const parts: Uint8Array[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
    }
    expect(Buffer.concat(parts)).toEqual(Buffer.from(MP3));
  });

  it("reads with for await, and bytes() gives all the bytes in one call", async () => {
    server.handle(audio(MP3));
    const streamed: Uint8Array[] = [];
    for await (const chunk of await client.textToSpeech.convert("v", { text: "Hi" })) streamed.push(chunk);
    expect(Buffer.concat(streamed)).toEqual(Buffer.from(MP3));
    const bytes = await (await client.textToSpeech.convert("v", { text: "Hi" })).bytes();
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(bytes)).toEqual(Buffer.from(MP3));
  });

  it("hands over audio as it arrives, before the body is complete", async () => {
    let finish: () => void = () => undefined;
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "audio/mpeg" });
      res.write(Buffer.alloc(4096, 1));
      finish = () => res.end(Buffer.alloc(4096, 2));
    });
    const result = await client.textToSpeech.convert("v", { text: "Hi" });
    const reader = result.getReader();
    const first = await reader.read();
    expect(first.value?.byteLength).toBe(4096); // arrived while the server still holds the rest
    finish();
    let rest = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += value.byteLength;
    }
    expect(rest).toBe(4096);
  });

  it("exposes typed metadata from the real API's headers", async () => {
    server.handle(audio(MP3));
    const result = await client.textToSpeech.convert("v", { text: "Hi" });
    expect({
      requestId: result.requestId,
      characterCost: result.characterCost,
      historyItemId: result.historyItemId,
      contentType: result.contentType,
    }).toEqual({ requestId: "req_123", characterCost: 49, historyItemId: "hist_456", contentType: "audio/mpeg" });
    await result.cancel();
  });

  it("offers withRawResponse() on the returned promise", async () => {
    server.handle(audio(MP3, { "x-extra": "1" }));
    const { data, rawResponse } = await client.textToSpeech.convert("v", { text: "Hi" }).withRawResponse();
    expect(rawResponse.status).toBe(200);
    expect(rawResponse.headers.get("x-extra")).toBe("1");
    expect(Buffer.from(await data.bytes())).toEqual(Buffer.from(MP3));
  });

  it.each(["application/octet-stream", "audio/mpeg", "audio/ogg", "audio/pcm", "audio/basic", "", "binary/weird"])(
    "handles binary whatever the Content-Type (%s)",
    async (type) => {
      server.handle((_req, res) => {
        res.writeHead(200, type ? { "content-type": type } : {});
        res.end(Buffer.from(MP3));
      });
      const result = await client.textToSpeech.convert("v", { text: "Hi" });
      expect(Buffer.from(await result.bytes())).toEqual(Buffer.from(MP3));
    },
  );

  it("treats a 200 with a JSON error body as an error, not audio", async () => {
    server.handle(json(200, { detail: { status: "quota_exceeded", message: "You have 0 credits left" } }));
    const error = await client.textToSpeech.convert("v", { text: "Hi" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsError);
    expect(error).not.toBeInstanceOf(ValidationError);
    expect((error as ElevenLabsError).statusCode).toBe(200);
    expect((error as ElevenLabsError).message).toContain("application/json instead of audio");
    expect((error as ElevenLabsError).message).toContain("quota_exceeded: You have 0 credits left");
    expect((error as ElevenLabsError).body).toEqual({
      detail: { status: "quota_exceeded", message: "You have 0 credits left" },
    });
  });
});
