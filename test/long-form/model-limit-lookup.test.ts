// Long-form asks the API for the model's limit (models.list, maximum_text_length_per_request) once per client when
// maxCharacters is not given, and falls back to the built-in table when that fails.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convertLongForm, ElevenLabsClient, MODEL_MAX_CHARACTERS } from "../../src/index.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { corpus } from "./corpus.ts";

let server: TestServer;
let models: { status: number; limit: number };

beforeAll(async () => {
  server = await startTestServer((req, res) => {
    if (req.method === "GET" && req.url === "/v1/models") {
      res.writeHead(models.status, { "content-type": "application/json" });
      const list = [
        { model_id: "eleven_multilingual_v2", name: "Multilingual v2", maximum_text_length_per_request: models.limit },
      ];
      return res.end(JSON.stringify(models.status === 200 ? list : { detail: { status: "oops", message: "no" } }));
    }
    res.writeHead(200, { "content-type": "audio/pcm" });
    res.end(Buffer.alloc(320));
  });
});
afterAll(() => server.close());

const texts = (from: number) =>
  server.requests
    .slice(from)
    .filter((r) => r.method === "POST")
    .map((r) => (JSON.parse(r.body) as { text: string }).text);

async function run(client: ElevenLabsClient, text: string): Promise<void> {
  await new Response(convertLongForm(client, "v", { text, outputFormat: "pcm_16000" })).arrayBuffer();
}

describe("long-form's character limit", () => {
  it("is the API's maximum_text_length_per_request, looked up once per client", async () => {
    models = { status: 200, limit: 700 };
    const client = new ElevenLabsClient({ apiKey: "k", baseUrl: server.url, maxRetries: 0 });
    const from = server.requests.length;
    await run(client, corpus(3500));
    await run(client, corpus(4000));
    const sent = texts(from);
    expect(sent.every((t) => [...t].length <= 700)).toBe(true);
    expect(sent.length).toBeGreaterThanOrEqual(11); // 3500 and 4000 characters in chunks of at most 700
    expect(server.requests.slice(from).filter((r) => r.url === "/v1/models")).toHaveLength(1);
  });

  it("keeps the built-in limit when the API gives a larger one for a model it knows", async () => {
    const table = MODEL_MAX_CHARACTERS.eleven_multilingual_v2!;
    models = { status: 200, limit: table * 4 };
    const client = new ElevenLabsClient({ apiKey: "k", baseUrl: server.url, maxRetries: 0 });
    const from = server.requests.length;
    await run(client, corpus(table * 2));
    expect(texts(from).every((t) => [...t].length <= table)).toBe(true);
    expect(texts(from).length).toBeGreaterThanOrEqual(2);
  });

  it("falls back to the built-in table when the lookup fails, and does not ask again", async () => {
    models = { status: 500, limit: 0 };
    const client = new ElevenLabsClient({ apiKey: "k", baseUrl: server.url, maxRetries: 0 });
    const from = server.requests.length;
    await run(client, corpus(12_000));
    await run(client, corpus(100));
    const sent = texts(from);
    expect(sent.slice(0, -1).map((t) => [...t].length <= MODEL_MAX_CHARACTERS.eleven_multilingual_v2!)).not.toContain(
      false,
    );
    expect(sent.length).toBe(3); // 12,000 characters in two chunks, then one
    expect(server.requests.slice(from).filter((r) => r.url === "/v1/models")).toHaveLength(1);
  });

  it("is not looked up for a text within the smallest limit of any model (3,000 characters)", async () => {
    models = { status: 200, limit: 700 };
    const client = new ElevenLabsClient({ apiKey: "k", baseUrl: server.url, maxRetries: 0 });
    const from = server.requests.length;
    await run(client, corpus(3000));
    expect(server.requests.slice(from).map((r) => r.method)).toEqual(["POST"]);
  });

  it("gives up after 5 s on a models endpoint that does not answer, and goes on with the built-in table", async () => {
    const stalled = await startTestServer((req, res) => {
      if (req.url === "/v1/models") return; // never answers
      res.writeHead(200, { "content-type": "audio/pcm" });
      res.end(Buffer.alloc(320));
    });
    try {
      const client = new ElevenLabsClient({ apiKey: "k", baseUrl: stalled.url, maxRetries: 0, timeoutInSeconds: 60 });
      const started = Date.now();
      await run(client, corpus(12_000));
      const took = Date.now() - started;
      expect(took).toBeGreaterThan(4900);
      expect(took).toBeLessThan(8000);
      expect(stalled.requests.filter((r) => r.method === "POST")).toHaveLength(2);
    } finally {
      await stalled.close();
    }
  }, 15_000);

  it("is not looked up when maxCharacters is given", async () => {
    models = { status: 200, limit: 700 };
    const client = new ElevenLabsClient({ apiKey: "k", baseUrl: server.url, maxRetries: 0 });
    const from = server.requests.length;
    await new Response(
      convertLongForm(client, "v", { text: corpus(1000), outputFormat: "pcm_16000" }, { maxCharacters: 400 }),
    ).arrayBuffer();
    expect(server.requests.slice(from).some((r) => r.url === "/v1/models")).toBe(false);
    expect(texts(from).every((t) => [...t].length <= 400)).toBe(true);
  });
});
