// The local server answers any operation it has no handler for with a value valid against the spec's response schema:
// a dropped-in spec gives a working server for every path (here: models, a paged voice search, a JSON timestamps
// answer, through refs, nullable anyOf, allOf, enums, formats and arrays), still with the key check and validation.
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import * as formats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { tempDir } from "../helpers/tmp.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const seed = JSON.parse(readFileSync(join(ROOT, "generated/openapi.json"), "utf8")) as {
  paths: Record<string, unknown>;
  components: { schemas: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
  security?: unknown;
};
const json = (ref: string) => ({
  "200": { description: "OK", content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } } },
});
const security = [{ ApiKeyAuth: [] }];
const DOC = {
  ...seed,
  paths: {
    ...seed.paths,
    "/v1/models": { get: { operationId: "list_models", security, responses: json("Models") } },
    "/v2/voices": {
      get: {
        operationId: "search_voices",
        security,
        parameters: [{ name: "page_size", in: "query", schema: { type: "integer", minimum: 1, maximum: 100 } }],
        responses: json("VoicesPage"),
      },
    },
    "/v1/text-to-speech/{voice_id}/with-timestamps": {
      post: {
        operationId: "convert_with_timestamps",
        security,
        parameters: [{ name: "voice_id", in: "path", required: true, schema: { type: "string" } }],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["text"],
                properties: {
                  text: { type: "string" },
                  model_id: { type: "string", default: "eleven_multilingual_v2" },
                },
              },
            },
          },
        },
        responses: json("AudioWithTimestamps"),
      },
    },
  },
  components: {
    ...seed.components,
    schemas: {
      ...seed.components.schemas,
      Models: { type: "array", items: { $ref: "#/components/schemas/Model" } },
      Model: {
        type: "object",
        required: ["model_id", "name"],
        properties: {
          model_id: { type: "string" },
          name: { type: "string", minLength: 3 },
          maximum_text_length_per_request: { type: "integer", minimum: 1 },
          languages: { anyOf: [{ type: "array", items: { $ref: "#/components/schemas/Language" } }, { type: "null" }] },
          token_cost_factor: { type: "number", exclusiveMinimum: 0 },
        },
      },
      Language: {
        allOf: [
          { type: "object", properties: { language_id: { type: "string" } } },
          { type: "object", properties: { name: { type: "string" } } },
        ],
      },
      VoicesPage: {
        type: "object",
        required: ["voices", "has_more"],
        properties: {
          voices: { type: "array", items: { $ref: "#/components/schemas/Voice" } },
          has_more: { type: "boolean" },
          next_page_token: { anyOf: [{ type: "string" }, { type: "null" }] },
        },
      },
      Voice: {
        type: "object",
        properties: {
          voice_id: { type: "string" },
          category: { type: "string", enum: ["premade", "cloned", "generated"] },
          created_at_unix: { type: "integer" },
          labels: { type: "object", additionalProperties: { type: "string" } },
          preview_url: { type: "string", format: "uri" },
        },
      },
      AudioWithTimestamps: {
        type: "object",
        required: ["audio_base64"],
        properties: {
          audio_base64: { type: "string" },
          alignment: { anyOf: [{ $ref: "#/components/schemas/Alignment" }, { type: "null" }] },
        },
      },
      Alignment: {
        type: "object",
        properties: {
          characters: { type: "array", items: { type: "string" } },
          character_start_times_seconds: { type: "array", items: { type: "number" } },
        },
      },
    },
  },
};

let mock: MockServer;
beforeAll(async () => {
  const dir = await tempDir("any-op-");
  const spec = join(dir, "openapi.json");
  await writeFile(spec, JSON.stringify(DOC));
  mock = await startMockServer({ engine: "tone", spec });
});
afterAll(() => mock.close());

const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its function is the default export, or that export's own default.
const addFormats = ((formats as { default?: unknown }).default ?? formats) as (ajv: Ajv2020) => void;
addFormats(ajv);
ajv.addSchema(DOC, "openapi");
const valid = (schema: string, value: unknown) => {
  const check = ajv.compile({ $ref: `openapi#/components/schemas/${schema}` });
  return check(value) ? [] : (check.errors ?? []);
};

describe("an operation with no handler", () => {
  it.each([
    ["GET", "/v1/models", undefined, "Models"],
    ["GET", "/v2/voices?page_size=10", undefined, "VoicesPage"],
    ["POST", "/v1/text-to-speech/voice/with-timestamps", { text: "Hello" }, "AudioWithTimestamps"],
  ])("%s %s answers 200 JSON valid against its schema", async (method, path, body, schema) => {
    const res = await fetch(`${mock.url}${path}`, {
      method,
      headers: { "xi-api-key": "k", ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const value = (await res.json()) as unknown;
    expect(valid(schema, value)).toEqual([]);
    expect(JSON.stringify(value).length).toBeGreaterThan(10);
  });

  it("still checks the key and validates the request against the spec", async () => {
    expect((await fetch(`${mock.url}/v1/models`)).status).toBe(401);
    const bad = await fetch(`${mock.url}/v2/voices?page_size=1000`, { headers: { "xi-api-key": "k" } });
    expect(bad.status).toBe(422);
  });

  it("the seed's audio operation is still synthesised", async () => {
    const res = await fetch(`${mock.url}/v1/text-to-speech/voice`, {
      method: "POST",
      headers: { "xi-api-key": "k", "content-type": "application/json" },
      body: JSON.stringify({ text: "Still audio." }),
    });
    expect(res.headers.get("content-type")).toBe("audio/mpeg");
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });
});
