// The local server's models and account: GET /v1/models lists the models it refuses by, with their limits;
// GET /v1/user/subscription counts every synthesis's billed characters; over the limit, the API's 401 quota error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ElevenLabsClient, QuotaExceededError } from "../../src/index.ts";
import { MODEL_MAX_CHARACTERS } from "../../src/models.ts";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { answerErrors } from "../contract/spec-schemas.ts";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone", characterLimit: 40 });
});
afterAll(() => mock.close());

const get = async (path: string) => {
  const res = await fetch(mock.url + path, { headers: { "xi-api-key": "k" } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const speak = async (text: string, path = "", query = "output_format=pcm_16000") => {
  const res = await fetch(`${mock.url}/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb${path}?${query}`, {
    method: "POST",
    headers: { "xi-api-key": "k", "content-type": "application/json" },
    body: JSON.stringify({ text }),
  });
  const bytes = await res.arrayBuffer();
  return { status: res.status, cost: res.headers.get("character-cost"), bytes };
};

describe("GET /v1/models", () => {
  it("lists every model of the limits table with its limit, valid against ModelResponseModel", async () => {
    const { status, body } = await get("/v1/models");
    expect(status).toBe(200);
    expect(answerErrors("GET", "/v1/models", body)).toEqual([]);
    const models = body as unknown as {
      model_id: string;
      can_do_text_to_speech: boolean;
      maximum_text_length_per_request: number;
      max_characters_request_subscribed_user: number;
      max_characters_request_free_user: number;
      languages: { language_id: string }[];
      model_rates: { character_cost_multiplier: number };
    }[];
    const limits = Object.fromEntries(models.map((m) => [m.model_id, m.maximum_text_length_per_request]));
    expect(limits).toEqual(MODEL_MAX_CHARACTERS);
    for (const m of models) {
      expect(m.can_do_text_to_speech).toBe(true);
      expect(m.max_characters_request_subscribed_user).toBe(MODEL_MAX_CHARACTERS[m.model_id]);
      expect(m.max_characters_request_free_user).toBe(MODEL_MAX_CHARACTERS[m.model_id]);
      expect(m.languages.map((l) => l.language_id)).toContain("en");
    }
    const byId = (id: string) => models.find((m) => m.model_id === id)!;
    expect(byId("eleven_multilingual_v2").languages).toHaveLength(29);
    expect(byId("eleven_flash_v2_5").languages).toHaveLength(32);
    expect(byId("eleven_flash_v2").languages).toEqual([{ language_id: "en", name: "English" }]);
    expect(byId("eleven_flash_v2_5").model_rates.character_cost_multiplier).toBe(0.5);
  });
});

describe("the account: GET /v1/user/subscription and the quota", () => {
  it("counts each synthesis's character cost, over every text-to-speech operation", async () => {
    const before = (await get("/v1/user/subscription")).body;
    expect(answerErrors("GET", "/v1/user/subscription", before)).toEqual([]);
    expect(before).toMatchObject({ character_count: 0, character_limit: 40 });

    const a = await speak("Hello.");
    expect([a.status, a.cost]).toEqual([200, "6"]);
    const b = await speak("Hi héllo", "/stream");
    expect([b.status, b.cost]).toEqual([200, "8"]);
    const c = await speak("Tick", "/with-timestamps");
    expect([c.status, c.cost]).toEqual([200, "4"]);
    const d = await speak("Tock", "/stream/with-timestamps");
    expect([d.status, d.cost]).toEqual([200, "4"]);
    expect(mock.characterCount).toBe(22);
    const after = (await get("/v1/user/subscription")).body;
    expect(after).toMatchObject({ character_count: 22, character_limit: 40 });
    expect(answerErrors("GET", "/v1/user/subscription", after)).toEqual([]);
  });

  it("refuses a synthesis over the limit with the API's 401 quota_exceeded, and counts nothing for it", async () => {
    const used = mock.characterCount;
    const remaining = 40 - used;
    const text = "x".repeat(remaining + 1);
    const res = await fetch(`${mock.url}/v1/text-to-speech/v1`, {
      method: "POST",
      headers: { "xi-api-key": "k", "content-type": "application/json" },
      body: JSON.stringify({ text }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      detail: {
        status: "quota_exceeded",
        message: `This request exceeds your quota of 40. You have ${remaining} credits remaining, while ${remaining + 1} credits are required for this request.`,
      },
    });
    expect(mock.characterCount).toBe(used);
    expect((await get("/v1/user/subscription")).body.character_count).toBe(used);

    // Refused for other reasons (an unknown model, bad JSON): not counted either.
    const unknown = await fetch(`${mock.url}/v1/text-to-speech/v1`, {
      method: "POST",
      headers: { "xi-api-key": "k", "content-type": "application/json" },
      body: JSON.stringify({ text: "ok", model_id: "nope" }),
    });
    expect(unknown.status).toBe(400);
    expect(mock.characterCount).toBe(used);

    // Exactly what is left still goes through, and then nothing more does.
    expect((await speak("y".repeat(remaining))).status).toBe(200);
    expect(mock.characterCount).toBe(40);
    expect((await speak("z")).status).toBe(401);
    expect(mock.characterCount).toBe(40);
  });

  it("the client reads the counts from the quota error", async () => {
    const small = await startMockServer({ engine: "tone", characterLimit: 10 });
    try {
      const client = new ElevenLabsClient({ apiKey: "k", baseUrl: small.url, maxRetries: 0 });
      await (await client.textToSpeech.convert("v", { text: "Hello", outputFormat: "pcm_8000" })).bytes();
      const error = await client.textToSpeech.convert("v", { text: "Hello there", outputFormat: "pcm_8000" }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(QuotaExceededError);
      expect((error as QuotaExceededError).requested).toBe(11);
      expect((error as QuotaExceededError).remaining).toBe(5);
      expect(small.characterCount).toBe(5);
    } finally {
      await small.close();
    }
  });

  it("refuses a characterLimit that is not a whole number", async () => {
    await expect(startMockServer({ engine: "tone", characterLimit: -1 })).rejects.toThrow(/characterLimit/);
    await expect(startMockServer({ engine: "tone", characterLimit: 1.5 })).rejects.toThrow(/characterLimit/);
  });
});
