// The client and the local server agree on what the API refuses: text over the model's limit is a ValidationError
// before anything is sent (the server's answer to the same text through client.raw is the API's 400
// max_character_limit_exceeded), text at the limit is sent and served, and a model the table does not know is left
// to the API (the server refuses it with model_not_found).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BadRequestError, ElevenLabsClient, MODEL_MAX_CHARACTERS, ValidationError } from "../../src/index.ts";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone", chunkMs: 1000 });
});
afterAll(() => mock.close());

const client = () => new ElevenLabsClient({ apiKey: "k", baseUrl: mock.url, maxRetries: 0 });
/** n characters of plain text. */
const text = (n: number) => "ab ".repeat(Math.ceil(n / 3)).slice(0, n);

describe("per-model character limits", () => {
  it.each(Object.entries(MODEL_MAX_CHARACTERS))(
    "%s: %i characters pass, one more is refused",
    async (modelId, limit) => {
      const from = mock.requests.length;
      const over = await client()
        .textToSpeech.convert("voice", { text: `${text(limit)}x`, modelId, outputFormat: "ulaw_8000" })
        .catch((e: unknown) => e);
      expect(over).toBeInstanceOf(ValidationError);
      expect((over as ValidationError).field).toBe("request.text");
      expect((over as Error).message).toContain(`${limit + 1} characters, over the limit of ${limit} for ${modelId}`);
      expect(mock.requests.length).toBe(from);

      // The server refuses the same text the same way, as the API does.
      const raw = await client()
        .raw.POST("/v1/text-to-speech/{voice_id}", {
          params: { path: { voice_id: "voice" }, query: { output_format: "ulaw_8000" } },
          body: { text: `${text(limit)}x`, model_id: modelId },
          parseAs: "arrayBuffer",
        })
        .catch((e: unknown) => e);
      expect(raw).toBeInstanceOf(BadRequestError);
      expect(JSON.stringify((raw as BadRequestError).body)).toContain("max_character_limit_exceeded");
    },
  );

  it("the limit counts code points: 10,000 emoji (20,000 UTF-16 units) pass on eleven_multilingual_v2", async () => {
    const audio = await client().textToSpeech.convert("voice", {
      text: "🙂".repeat(10_000),
      modelId: "eleven_multilingual_v2",
      outputFormat: "ulaw_8000",
    });
    expect((await audio.bytes()).byteLength).toBeGreaterThan(0);
  });

  it("the default model's limit applies when modelId is left out", async () => {
    const error = await client()
      .textToSpeech.convert("voice", { text: text(10_001) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
  });

  it("a model the table does not know is sent, and the server answers as the API does", async () => {
    const error = await client()
      .textToSpeech.convert("voice", { text: "Hello", modelId: "eleven_future_v9" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain("model_not_found");
  });
});
