// npm run spec:extract: a self-contained spec file with just the named operations of a larger document, every
// component they reach (transitively) and nothing else, with its provenance; idempotent on the same source; and a
// file that npm run generate takes beside the seed.
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { extract, writeExtract } from "../../scripts/spec-extract.ts";
import type { JsonObject } from "../../scripts/normalize.ts";
import { tempDir } from "../helpers/tmp.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

const ok = (ref: string) => ({
  description: "OK",
  content: { "application/json": { schema: { $ref: ref } } },
});
/** A small public-spec look-alike: refs through properties, arrays, allOf and anyOf; components nobody uses. */
const SOURCE: JsonObject = {
  openapi: "3.1.0",
  info: { title: "ElevenLabs API Documentation", version: "1.0" },
  servers: [{ url: "https://api.elevenlabs.io" }],
  tags: [{ name: "models" }, { name: "voices" }, { name: "unused" }],
  paths: {
    "/v1/models": {
      get: {
        tags: ["models"],
        operationId: "get_models",
        "x-fern-sdk-group-name": "models",
        "x-fern-sdk-method-name": "list",
        parameters: [{ $ref: "#/components/parameters/XiApiKey" }],
        responses: {
          "200": {
            description: "OK",
            content: {
              "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Model" } } },
            },
          },
        },
      },
      post: { operationId: "not_wanted", responses: { "200": ok("#/components/schemas/Unused") } },
    },
    "/v2/voices": {
      parameters: [{ name: "page_size", in: "query", schema: { type: "integer" } }],
      get: { tags: ["voices"], operationId: "search_voices", responses: { "200": ok("#/components/schemas/Voices") } },
    },
    "/v1/other": { get: { responses: { "200": ok("#/components/schemas/Unused") } } },
  },
  components: {
    parameters: { XiApiKey: { name: "xi-api-key", in: "header", schema: { type: "string" } } },
    schemas: {
      Model: {
        type: "object",
        properties: {
          model_id: { type: "string" },
          languages: { type: "array", items: { $ref: "#/components/schemas/Language" } },
        },
      },
      Language: { allOf: [{ $ref: "#/components/schemas/Named" }] },
      Named: { type: "object", properties: { name: { type: "string" } } },
      Voices: {
        type: "object",
        properties: {
          voices: { type: "array", items: { anyOf: [{ $ref: "#/components/schemas/Voice" }, { type: "null" }] } },
        },
      },
      Voice: { type: "object", properties: { labels: { type: "object", additionalProperties: { type: "string" } } } },
      Unused: { type: "object" },
    },
    securitySchemes: { Unused: { type: "apiKey", in: "header", name: "x" } },
  },
};

/** Every local $ref in a document, and whether it resolves inside it. */
function refs(doc: JsonObject): [string, boolean][] {
  const out: [string, boolean][] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === "string") {
      let at: unknown = doc;
      for (const key of ref.slice(2).split("/")) at = (at as Record<string, unknown> | undefined)?.[key];
      out.push([ref, at !== undefined]);
    }
    Object.values(node).forEach(walk);
  };
  walk(doc);
  return out;
}

describe("npm run spec:extract", () => {
  const ops = ["GET /v1/models", "GET /v2/voices"];

  it("keeps the operations, their path parameters and every component they reach, and nothing else", () => {
    const { doc, kept } = extract(SOURCE, ops, "full.json", "abc");
    expect(Object.keys(doc.paths as JsonObject)).toEqual(["/v1/models", "/v2/voices"]);
    expect(Object.keys((doc.paths as JsonObject)["/v1/models"] as JsonObject)).toEqual(["get"]);
    expect(((doc.paths as JsonObject)["/v2/voices"] as JsonObject).parameters).toBeDefined();
    expect(kept).toEqual([
      "#/components/parameters/XiApiKey",
      "#/components/schemas/Language",
      "#/components/schemas/Model",
      "#/components/schemas/Named",
      "#/components/schemas/Voice",
      "#/components/schemas/Voices",
    ]);
    expect(refs(doc).every(([, resolves]) => resolves)).toBe(true);
    expect(JSON.stringify(doc)).not.toContain("Unused");
    expect(doc.tags).toEqual([{ name: "models" }, { name: "voices" }]);
    // The official SDK's names travel with the operation.
    const get = ((doc.paths as JsonObject)["/v1/models"] as JsonObject).get as JsonObject;
    expect(get["x-fern-sdk-method-name"]).toBe("list");
    expect((doc.info as JsonObject)["x-extracted"]).toMatchObject({
      source: "full.json",
      sha256: "abc",
      operations: ops,
    });
  });

  it("names a missing operation, and the paths near it", () => {
    expect(() => extract(SOURCE, ["GET /v1/modelz"], "full.json", "abc")).toThrow(
      /full\.json has no operation GET \/v1\/modelz; paths near it: \/v1\/models/,
    );
    expect(() => extract(SOURCE, ["/v1/models"], "full.json", "abc")).toThrow(/expected "METHOD \/path"/);
  });

  it("re-running on the same source changes nothing; a newer source updates the file", async () => {
    const dir = await tempDir("extract-");
    const out = join(dir, "extract.json");
    expect(await writeExtract(extract(SOURCE, ops, "full.json", "abc").doc, out)).toBe("written");
    const first = await readFile(out, "utf8");
    const previous = JSON.parse(first) as JsonObject;
    ((previous.info as JsonObject)["x-extracted"] as JsonObject).date = "2020-01-01";
    await writeFile(out, `${JSON.stringify(previous, null, 2)}\n`);
    expect(await writeExtract(extract(SOURCE, ops, "full.json", "abc").doc, out)).toBe("unchanged");
    expect(await readFile(out, "utf8")).toContain("2020-01-01");
    const newer = structuredClone(SOURCE);
    ((newer.components as JsonObject).schemas as JsonObject).Named = {
      type: "object",
      properties: { id: { type: "string" } },
    };
    expect(await writeExtract(extract(newer, ops, "full.json", "def").doc, out)).toBe("written");
    expect(await readFile(out, "utf8")).not.toContain("2020-01-01");
  });

  it("the command line writes a file that npm run generate takes beside the seed", { timeout: 60_000 }, async () => {
    const dir = await tempDir("extract-cli-");
    await writeFile(join(dir, "full.json"), JSON.stringify(SOURCE));
    const out = join(dir, "extract.json");
    const cli = await run(
      process.execPath,
      [
        "--import",
        "tsx",
        "scripts/spec-extract.ts",
        "--from",
        join(dir, "full.json"),
        "--op",
        ops[0]!,
        "--op",
        ops[1]!,
        "--out",
        out,
      ],
      { cwd: ROOT },
    );
    expect(cli.stdout).toContain("written; 2 operation(s), 6 component(s) kept from full.json");
    const generated = join(dir, "generated");
    await run(
      process.execPath,
      [
        "--import",
        "tsx",
        "scripts/generate.ts",
        "--spec",
        "spec/elevenlabs-tts.yaml",
        "--spec",
        out,
        "--out",
        generated,
      ],
      { cwd: ROOT },
    );
    const schema = await readFile(join(generated, "schema.ts"), "utf8");
    expect(schema).toContain('"/v1/models"');
    expect(schema).toContain('"/v2/voices"');
    expect(schema).toContain('"/v1/text-to-speech/{voice_id}"');
  });
});
