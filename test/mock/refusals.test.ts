// What the real API refuses beyond the schema, the local server refuses too: empty text, an unknown model, text over
// the model's limit (400, `detail.status` as ElevenLabs documents it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { MODELS } from "../../src/mock/models.ts";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone" });
});
afterAll(() => mock.close());

const post = async (body: unknown) => {
  const res = await fetch(`${mock.url}/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb?output_format=pcm_8000`, {
    method: "POST",
    headers: { "xi-api-key": "k", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const type = res.headers.get("content-type") ?? "";
  // An acceptance is the 200 and its headers: the audio (up to 40 minutes of it at a model's limit) is not read.
  if (!type.includes("json")) await res.body?.cancel();
  return {
    status: res.status,
    requestId: res.headers.get("request-id") ?? undefined,
    body: type.includes("json") ? ((await res.json()) as unknown) : undefined,
  };
};

describe("local server: the API's refusals", () => {
  it.each([[""], ["   \n\t"]])("empty or blank text %j is a 400 empty_text", async (text) => {
    const r = await post({ text });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      detail: {
        type: "validation_error",
        code: "empty_text",
        status: "empty_text",
        param: "text",
        message: expect.any(String),
        request_id: r.requestId,
      },
    });
    expect(r.requestId).toMatch(/^[0-9a-f]{20}$/);
  });

  it("12,000 characters on eleven_multilingual_v2 (limit 10,000) is a 400 max_character_limit_exceeded", async () => {
    const r = await post({ text: "a".repeat(12_000), model_id: "eleven_multilingual_v2" });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      detail: {
        status: "max_character_limit_exceeded",
        param: "text",
        message:
          "This request's text has 12000 characters and exceeds the character limit of 10000 characters for model eleven_multilingual_v2.",
      },
    });
  });

  it("the limit applies to the default model when model_id is absent, and counts code points", async () => {
    expect((await post({ text: "a".repeat(10_001) })).status).toBe(400);
    // 10,000 emoji are 20,000 UTF-16 units but 10,000 characters: accepted.
    expect((await post({ text: "🙂".repeat(10_000) })).status).toBe(200);
  });

  it("each model's limit: at the limit accepted, one over refused", async () => {
    const flash = MODELS.find((m) => m.modelId === "eleven_flash_v2_5")!;
    expect((await post({ text: "a".repeat(flash.maxCharacters), model_id: flash.modelId })).status).toBe(200);
    expect((await post({ text: "a".repeat(flash.maxCharacters + 1), model_id: flash.modelId })).status).toBe(400);
  });

  it("an unknown model id is a 400 model_not_found naming the known ones", async () => {
    const r = await post({ text: "Hi", model_id: "eleven_imaginary_v9" });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      detail: {
        status: "model_not_found",
        param: "model_id",
        message: expect.stringContaining("eleven_multilingual_v2"),
      },
    });
  });

  it("schema errors still come first as 422, and the key before everything", async () => {
    expect((await post({ text: "", model_id: 5 })).status).toBe(422);
    const res = await fetch(`${mock.url}/v1/text-to-speech/v`, { method: "POST", body: '{"text":""}' });
    expect(res.status).toBe(401);
  });
});
