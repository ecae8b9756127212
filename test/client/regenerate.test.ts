// A field added to the spec is accepted camelCased after `npm run generate`, with no facade edit; an operation added to
// the spec becomes client.<group>.<method>: typed, validated, and served by the local server, with no source edit.
import { tempDir } from "../helpers/tmp.ts";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { typecheck } from "../helpers/tsc.ts";
import { load } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../scripts/generate.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const ROOT = resolve(import.meta.dirname, "../..");

/** A new operation, as a second spec file: `GET /v1/history/{history_item_id}`, named history.get by Fern. */
const HISTORY = {
  openapi: "3.1.0",
  info: { title: "history", version: "1" },
  paths: {
    "/v1/history/{history_item_id}": {
      get: {
        operationId: "get_history_item",
        summary: "Get history item",
        "x-fern-sdk-group-name": "history",
        "x-fern-sdk-method-name": "get",
        parameters: [
          { name: "history_item_id", in: "path", required: true, schema: { type: "string" } },
          { name: "include_settings", in: "query", required: false, schema: { type: "boolean" } },
          // camelCases to sort2, which no rule turns back into sort_2: the spec's own name is looked up.
          { name: "sort_2", in: "query", required: false, schema: { type: "string" } },
        ],
        responses: {
          "200": {
            description: "The item",
            content: { "application/json": { schema: { $ref: "#/components/schemas/HistoryItem" } } },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      HistoryItem: {
        type: "object",
        required: ["history_item_id", "character_count_change_from", "feedback_labels"],
        properties: {
          history_item_id: { type: "string" },
          character_count_change_from: { type: "integer", minimum: 0 },
          feedback_labels: { type: "object", additionalProperties: { type: "string" } },
        },
      },
    },
  },
};
let dir: string;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer((_req, res) => res.end("audio"));
  dir = await tempDir("regen-");
  const spec = load(await readFile(join(ROOT, "spec/elevenlabs-tts.yaml"), "utf8")) as {
    components: { schemas: { Body_text_to_speech_full: { properties: Record<string, unknown> } } };
  };
  spec.components.schemas.Body_text_to_speech_full.properties.speaking_style_hint = {
    type: "string",
    enum: ["calm", "excited"],
  };
  await writeFile(join(dir, "spec.json"), JSON.stringify(spec));
  await writeFile(join(dir, "history.json"), JSON.stringify(HISTORY));
  // The realtime AsyncAPI document as it is: src/ imports generated/realtime.ts too.
  const realtime = join(ROOT, "spec/elevenlabs-tts-realtime.asyncapi.yml");
  const files = await generate({ specs: [join(dir, "spec.json"), join(dir, "history.json"), realtime] });
  await mkdir(join(dir, "generated"));
  for (const [name, contents] of files) await writeFile(join(dir, "generated", name), contents);
  await cp(join(ROOT, "src"), join(dir, "src"), { recursive: true });
});
afterAll(() => server.close());

describe("regenerating with a new field", () => {
  it("sends the camelCased field snake_cased, validated against the new spec", async () => {
    const mod = (await import(join(dir, "src/index.ts"))) as typeof import("../../src/index.ts");
    const client = new mod.ElevenLabsClient({ apiKey: "k", baseUrl: server.url });
    const request = { text: "Hi", speakingStyleHint: "calm" } as never;
    await (await client.textToSpeech.convert("v", request)).bytes();
    expect(JSON.parse(server.requests.at(-1)!.body)).toEqual({
      text: "Hi",
      speaking_style_hint: "calm",
      model_id: "eleven_multilingual_v2",
    });
    await expect(client.textToSpeech.convert("v", { text: "Hi", speakingStyleHint: "angry" } as never)).rejects.toThrow(
      'request.speakingStyleHint: must be one of calm, excited; got "angry"',
    );
  });

  it("makes a new operation client.history.get(): validated, camelCased, and served by the local server", async () => {
    const mod = (await import(join(dir, "src/index.ts"))) as typeof import("../../src/index.ts");
    const mock = (await import(join(dir, "src/mock/index.ts"))) as typeof import("../../src/mock/index.ts");
    const local = await mock.startMockServer({ engine: "tone", spec: join(dir, "generated/openapi.json") });
    try {
      const client = new mod.ElevenLabsClient({ apiKey: "k", baseUrl: local.url }) as unknown as {
        history: { get(id: unknown, request?: unknown): Promise<Record<string, unknown>> };
      };
      const item = await client.history.get("abc", { includeSettings: true, sort2: "x" });
      expect(local.requests.at(-1)).toMatchObject({
        method: "GET",
        path: "/v1/history/abc",
        query: { include_settings: "true", sort_2: "x" },
      });
      // The declared keys camelCased; the map's keys (whatever the server chose) kept as they are.
      expect(Object.keys(item).sort()).toEqual(["characterCountChangeFrom", "feedbackLabels", "historyItemId"]);
      expect(typeof item.historyItemId).toBe("string");
      await expect(client.history.get("")).rejects.toThrow("historyItemId: must be a non-empty string");
      await expect(client.history.get("abc", { includeSettings: "yes" })).rejects.toThrow(
        'request.includeSettings: must be a boolean, got "yes"',
      );
      await expect(client.history.get("abc", { include_settings: true })).rejects.toThrow(
        "request.include_settings: unknown field (did you mean includeSettings?)",
      );
    } finally {
      await local.close();
    }
  });

  it("types the new operation: its argument and its camelCased answer", () => {
    const use = `import { ElevenLabsClient } from "./src/index.js";
const client = new ElevenLabsClient({ apiKey: "k" });
export async function f(): Promise<number> {
  const item = await client.history.get("id", { includeSettings: true });
  const label: string | undefined = item.feedbackLabels["any_key"];
  return item.characterCountChangeFrom + (label ?? "").length;
}
// @ts-expect-error: the id is a string
export const bad = client.history.get(1);
`;
    const path = join(dir, "use-history.ts");
    expect(typecheck([path], { [path]: use }).get(path) ?? []).toEqual([]);
  });

  it("types the field: accepted with the new spec, an error with the old one", () => {
    const use = `import { ElevenLabsClient } from "./src/index.js";
const client = new ElevenLabsClient({ apiKey: "k" });
export const p = client.textToSpeech.convert("v", { text: "Hi", speakingStyleHint: "calm" });
`;
    const check = (root: string, file: string) => {
      const path = join(root, file);
      return typecheck([path], { [path]: use }).get(path) ?? [];
    };
    expect(check(dir, "use.ts")).toEqual([]);
    const old = check(ROOT, "use-regenerate-check.ts");
    expect(old.join("\n")).toMatch(/speakingStyleHint/);
  });
});
