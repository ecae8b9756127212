import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ElevenLabsClient, ValidationError, type TextToSpeechRequest } from "../../src/index.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let client: ElevenLabsClient;
beforeAll(async () => {
  server = await startTestServer();
  client = new ElevenLabsClient({ apiKey: "k", baseUrl: server.url });
});
afterAll(() => server.close());

/** Convert with a request the types would reject, as JavaScript callers can. */
async function invalid(voiceId: unknown, request: unknown): Promise<ValidationError> {
  const before = server.requests.length;
  const error = await client.textToSpeech.convert(voiceId as string, request as TextToSpeechRequest).then(
    () => new Error("expected a ValidationError"),
    (e: unknown) => e,
  );
  expect(server.requests.length, "nothing may be sent").toBe(before);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe("client-side validation, before anything is sent", () => {
  it.each([
    ["", { text: "Hi" }, "voiceId", 'voiceId: must be a non-empty string, got ""'],
    ["   ", { text: "Hi" }, "voiceId", "voiceId: must be a non-empty string, got string"],
    [undefined, { text: "Hi" }, "voiceId", "voiceId: must be a non-empty string, got undefined"],
    ["..", { text: "Hi" }, "voiceId", 'voiceId: cannot be ".."'],
    ["\ud800", { text: "Hi" }, "voiceId", "voiceId: contains an unpaired surrogate; it cannot be encoded into a URL"],
    ["v", undefined, "request", 'request: must be an object with text, such as { text: "Hello" }'],
    ["v", {}, "request.text", "request.text: is required"],
    ["v", { text: "" }, "request.text", "request.text: must not be empty"],
    ["v", { text: "  \n" }, "request.text", "request.text: must not be empty"],
    ["v", { text: 42 }, "request.text", "request.text: must be a string, got 42"],
    ["v", { text: null }, "request.text", "request.text: must be a string, got null"],
    ["v", { text: "Hi", seed: 1.5 }, "request.seed", "request.seed: must be an integer or null, got 1.5"],
    ["v", { text: "Hi", seed: -1 }, "request.seed", "request.seed: must be at least 0, got -1"],
    ["v", { text: "Hi", seed: 4294967296 }, "request.seed", "request.seed: must be at most 4294967295, got 4294967296"],
    ["v", { text: "Hi", seed: Number.NaN }, "request.seed", "request.seed: must be an integer or null, got NaN"],
    [
      "v",
      { text: "Hi", optimizeStreamingLatency: 5 },
      "request.optimizeStreamingLatency",
      "request.optimizeStreamingLatency: must be at most 4, got 5",
    ],
    [
      "v",
      { text: "Hi", outputFormat: "mp3_48000_320" },
      "request.outputFormat",
      'request.outputFormat: must be one of mp3_22050_32, mp3_24000_48, mp3_44100_32, mp3_44100_64, mp3_44100_96, mp3_44100_128, mp3_44100_192, pcm_8000, pcm_16000, pcm_22050, pcm_24000, pcm_32000, pcm_44100, pcm_48000, ulaw_8000, alaw_8000, opus_48000_32, opus_48000_64, opus_48000_96, opus_48000_128, opus_48000_192; got "mp3_48000_320"',
    ],
    [
      "v",
      { text: "Hi", previousRequestIds: ["a", "b", "c", "d"] },
      "request.previousRequestIds",
      "request.previousRequestIds: must have at most 3 entries, got 4",
    ],
    [
      "v",
      { text: "Hi", nextRequestIds: ["a", "b", "c", "d"] },
      "request.nextRequestIds",
      "request.nextRequestIds: must have at most 3 entries, got 4",
    ],
    [
      "v",
      {
        text: "Hi",
        pronunciationDictionaryLocators: [1, 2, 3, 4].map((i) => ({ pronunciationDictionaryId: `d${i}` })),
      },
      "request.pronunciationDictionaryLocators",
      "request.pronunciationDictionaryLocators: must have at most 3 entries, got 4",
    ],
    [
      "v",
      { text: "Hi", pronunciationDictionaryLocators: [{ versionId: "x" }] },
      "request.pronunciationDictionaryLocators[0].pronunciationDictionaryId",
      "request.pronunciationDictionaryLocators[0].pronunciationDictionaryId: is required",
    ],
    [
      "v",
      { text: "Hi", voiceSettings: { stability: "high" } },
      "request.voiceSettings.stability",
      'request.voiceSettings.stability: must be a number or null, got "high"',
    ],
    [
      "v",
      { text: "Hi", model_id: "eleven_multilingual_v2" },
      "request.model_id",
      "request.model_id: unknown field (did you mean modelId?)",
    ],
    [
      "v",
      { text: "Hi", output_format: "pcm_16000" },
      "request.output_format",
      "request.output_format: unknown field (did you mean outputFormat?)",
    ],
    [
      "v",
      { text: "Hi", voiceSettings: { similarity_boost: 1 } },
      "request.voiceSettings.similarity_boost",
      "request.voiceSettings.similarity_boost: unknown field (did you mean similarityBoost?)",
    ],
    ["v", { text: "Hi", modelID: "m" }, "request.modelID", "request.modelID: unknown field (did you mean modelId?)"],
    [
      "v",
      { text: "Hi", voice: "x" },
      "request.voice",
      "request.voice: unknown field; known fields: text, modelId, languageCode, voiceSettings, pronunciationDictionaryLocators, seed, previousText, nextText, previousRequestIds, nextRequestIds, usePvcAsIvc, applyTextNormalization, applyLanguageTextNormalization",
    ],
  ])("voiceId %j, request %j → %s", async (voiceId, request, field, message) => {
    const error = await invalid(voiceId, request);
    expect(error.field).toBe(field);
    expect(error.message).toBe(message);
  });

  it("accepts null where the spec allows it, and sends it", async () => {
    server.handle((_req, res) => res.end("x"));
    await (await client.textToSpeech.convert("v", { text: "Hi", seed: null, languageCode: null })).bytes();
    expect(JSON.parse(server.requests.at(-1)!.body)).toEqual({
      text: "Hi",
      seed: null,
      language_code: null,
      model_id: "eleven_multilingual_v2",
    });
  });

  it("rejects invalid request options", async () => {
    await expect(client.textToSpeech.convert("v", { text: "Hi" }, { timeoutInSeconds: -1 })).rejects.toThrow(
      "requestOptions.timeoutInSeconds: must be a positive number of seconds, got -1",
    );
    await expect(client.textToSpeech.convert("v", { text: "Hi" }, { maxRetries: 1.5 })).rejects.toThrow(
      "requestOptions.maxRetries: must be a whole number ≥ 0, got 1.5",
    );
  });
});
