import { tempDir } from "../helpers/tmp.ts";
import { readdir, readFile, writeFile, cp, mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { generateCli } from "../helpers/generate-cli.ts";
import { typecheck } from "../helpers/tsc.ts";
import { describe, expect, it } from "vitest";
import { bundlingChangesNothing, generate, GENERATOR, layoutTypes, toTypeScript } from "../../scripts/generate.ts";
import { normalize, PASSES, type JsonObject } from "../../scripts/normalize.ts";
import { facadeTypes, runtimeData } from "../../scripts/runtime-data.ts";

const ROOT = resolve(import.meta.dirname, "../..");

describe("npm run generate", () => {
  it("is deterministic and matches the committed generated/ files", async () => {
    const first = await generate();
    const second = await generate();
    expect([...first.keys()]).toEqual(["openapi.json", "schema.ts", "runtime.ts", "facade.ts", "realtime.ts"]);
    for (const [name, contents] of first) {
      expect(second.get(name)).toBe(contents);
      expect(await readFile(join(ROOT, "generated", name), "utf8")).toBe(contents);
    }
    // The stamp that lets `npm run generate -- --check` skip its work names these files' hashes.
    const stamp = JSON.parse(await readFile(join(ROOT, "generated/stamp.json"), "utf8")) as { files: object };
    const { createHash } = await import("node:crypto");
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");
    expect(stamp.files).toEqual(Object.fromEntries([...first].map(([name, text]) => [name, sha(text)])));
  });

  it("writes a do-not-edit header naming the source file and its sha256", async () => {
    const files = await generate();
    const { createHash } = await import("node:crypto");
    const sha = createHash("sha256")
      .update(await readFile(join(ROOT, "spec/elevenlabs-tts.yaml")))
      .digest("hex");
    expect(files.get("schema.ts")).toContain(`spec/elevenlabs-tts.yaml (sha256 ${sha})`);
    expect(files.get("schema.ts")).toMatch(/Do not edit/);
    const json = JSON.parse(files.get("openapi.json")!) as JsonObject;
    expect(json["x-generated"]).toContain(sha);
  });

  it("normalises the seed's quirks", async () => {
    const doc = JSON.parse((await generate()).get("openapi.json")!);
    const op = doc.paths["/v1/text-to-speech/{voice_id}"].post;
    expect(doc.components.schemas.V1TextToSpeechVoiceIdPostParametersOutputFormat.enum).toHaveLength(21);
    expect(doc.components.schemas.V1TextToSpeechVoiceIdPostParametersOutputFormat.enum[0]).toBe("mp3_22050_32");
    expect(doc.components.schemas.BodyTextToSpeechFullApplyTextNormalization.enum).toEqual(["auto", "on", "off"]);
    expect(op.tags).toEqual(["subpackage_textToSpeech"]);
    expect(op.responses["422"]).toEqual({ description: "Validation Error" });
    expect(op.parameters.map((p: { name: string }) => p.name)).not.toContain("xi-api-key");
    expect(op.security).toEqual([{ ApiKeyAuth: [] }]);
    expect(doc.components.securitySchemes.ApiKeyAuth).toEqual({ type: "apiKey", in: "header", name: "xi-api-key" });
    expect(op.requestBody.required).toBe(true);
    const body = doc.components.schemas.Body_text_to_speech_full.properties;
    expect([body.seed.minimum, body.seed.maximum]).toEqual([0, 4294967295]);
    expect(body.previous_request_ids.maxItems).toBe(3);
    expect(body.next_request_ids.maxItems).toBe(3);
    expect(body.pronunciation_dictionary_locators.maxItems).toBe(3);
    const latency = op.parameters.find((p: { name: string }) => p.name === "optimize_streaming_latency");
    expect([latency.schema.minimum, latency.schema.maximum]).toEqual([0, 4]);
  });

  it("reports each change with pass name and JSON pointer, and says nothing for passes with nothing to do", () => {
    const doc: JsonObject = {
      openapi: "3.1.0",
      info: { title: "t", version: "1" },
      paths: {},
      components: { schemas: { Fmt: { type: "string", enum: [{ value: "a" }, { value: "b" }] } } },
    };
    const changes = normalize(doc);
    expect(changes).toEqual([
      {
        pass: "fern-enums",
        pointer: "/components/schemas/Fmt/enum",
        before: '[{"value":"a"},{"value":"b"}]',
        after: '["a","b"]',
      },
    ]);
    expect(normalize(doc)).toEqual([]); // idempotent: a second run finds nothing
    expect(PASSES.map((p) => p.name)).toContain("api-key-security");
  });

  it("prints the passes' findings on the command line", async () => {
    const out = await tempDir("gen-");
    const { code, stdout } = await generateCli(["--out", out]);
    expect(code).toBe(0);
    expect(stdout).toContain("[fern-enums] 2 changes");
    // 3 on the seed's operation, 2 on each of the 6 extracted ones (the header parameter, then the security).
    expect(stdout).toContain("[api-key-security] 15 changes");
    // The extracted family spells two of the seed's components differently: the seed's definitions are kept, reported.
    expect(stdout).toContain(
      "[merge] 2 changes\n  /components/schemas/PronunciationDictionaryVersionLocatorRequestModel: spec/elevenlabs-tts-family.json's → spec/elevenlabs-tts.yaml's (same fields)",
    );
    expect(stdout).toContain("/paths/~1v1~1text-to-speech~1{voice_id}/post/requestBody/required: undefined → true");
  });

  it("--check passes on a fresh output and catches a hand edit, naming the file", async () => {
    const out = await tempDir("gen-");
    expect((await generateCli(["--out", out])).code).toBe(0);
    expect((await generateCli(["--check", "--out", out])).code).toBe(0);
    const schema = join(out, "schema.ts");
    await writeFile(schema, (await readFile(schema, "utf8")).replace("voice_id: string;", "voice_id: number;"));
    const result = await generateCli(["--check", "--out", out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/stale/);
    expect(result.stderr).toContain("schema.ts (differs)");
    expect(result.stderr).not.toContain("openapi.json");
  });

  it("skips the work while the spec, the generator and the files match the stamp, and not otherwise", async () => {
    const dir = await tempDir("gen-");
    const spec = join(dir, "spec.yaml");
    await writeFile(spec, await readFile(join(ROOT, "spec/elevenlabs-tts.yaml"), "utf8"));
    const out = join(dir, "out");
    const args = ["--spec", spec, "--out", out];
    const first = await generateCli(args);
    expect(first.stdout).toContain("stamp.json in");
    const skipped = /is up to date: the spec, the generator and its dependencies match stamp\.json/;
    const check = await generateCli(["--check", ...args]);
    expect([check.code, check.stdout]).toEqual([0, expect.stringMatching(skipped)]);
    expect(check.stdout).toContain("(nothing regenerated)");
    expect(check.stdout).not.toContain("[fern-enums]"); // the passes did not run
    const again = await generateCli(args);
    expect(again.stdout).toMatch(skipped);
    expect(again.stdout).toContain("nothing written; --force regenerates");
    const forced = await generateCli(["--force", ...args]);
    expect(forced.stdout).toContain("[fern-enums] 2 changes");
    expect(forced.stdout).toContain("stamp.json in");

    // A changed spec: the work is done, and the check fails.
    await writeFile(
      spec,
      (await readFile(spec, "utf8")).replace("summary: Create speech", "summary: Create speech, changed"),
    );
    const changed = await generateCli(["--check", ...args]);
    expect(changed.stdout).not.toMatch(skipped);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain("schema.ts (differs)");
    expect(changed.stderr).toContain("stamp.json (differs)");
    expect((await generateCli(args)).stdout).toContain("stamp.json in");
    expect((await generateCli(["--check", ...args])).stdout).toMatch(skipped);

    // A hand-edited stamp, a deleted file: the work is done, and the check names them.
    const stamp = join(out, "stamp.json");
    await writeFile(stamp, (await readFile(stamp, "utf8")).replace(/"inputs": "\w+"/, '"inputs": "edited"'));
    const edited = await generateCli(["--check", ...args]);
    expect(edited.stdout).not.toMatch(skipped);
    expect(edited.stderr).toContain("stamp.json (differs)");
    await generateCli(args);
    await rm(join(out, "runtime.ts"));
    const missing = await generateCli(["--check", ...args]);
    expect(missing.stdout).not.toMatch(skipped);
    expect(missing.stderr).toContain("runtime.ts (missing)");
  }, 120_000); // ten runs of the command: seconds each on a loaded 2-core machine

  it("loads TypeScript through a V8 code cache, and prints the same with it as without", async () => {
    const dir = await tempDir("gen-");
    const cache = join(ROOT, "node_modules/.cache/elevenlabs-fetch");
    const ts = (await import("typescript")).version;
    const file = join(cache, `typescript-${ts}-node${process.version}.v8-cache`);
    await rm(file, { force: true });
    const without = await generateCli(["--out", join(dir, "a")]);
    expect(without.code).toBe(0);
    expect((await readdir(cache)).some((f) => f.startsWith(`typescript-${ts}-`))).toBe(true);
    expect((await generateCli(["--out", join(dir, "b")])).code).toBe(0);
    for (const name of ["openapi.json", "schema.ts", "runtime.ts", "facade.ts", "realtime.ts", "stamp.json"]) {
      expect(await readFile(join(dir, "b", name), "utf8")).toBe(await readFile(join(dir, "a", name), "utf8"));
    }
  });

  it("stamps every file of the generator", async () => {
    // Each local module that scripts/generate.ts loads, and each of theirs, is in GENERATOR (so its change is seen).
    const seen = new Set<string>();
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = await readFile(join(ROOT, file), "utf8");
      for (const m of text.matchAll(/(?:from |import\(|new URL\()"(\.\/[^"]+)"/g)) {
        await visit(join(file, "..", m[1]!));
      }
    };
    await visit("scripts/generate.ts");
    await visit("scripts/generate-cli.mjs");
    for (const file of seen) expect(GENERATOR).toContain(file);
    expect(GENERATOR).toContain(".prettierrc.json");
  });

  it("fails on an invalid spec with file, JSON pointer and what is wrong (no stack trace)", async () => {
    const dir = await tempDir("gen-");
    const bad = join(dir, "bad.yaml");
    const spec = await readFile(join(ROOT, "spec/elevenlabs-tts.yaml"), "utf8");
    await writeFile(bad, spec.replace("          description: The generated audio file\n", ""));
    const result = await generateCli(["--spec", bad, "--out", dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("bad.yaml: /paths/~1v1~1text-to-speech~1{voice_id}/post/responses/200");
    expect(result.stderr).toMatch(/description/);
    expect(result.stderr).not.toMatch(/\n\s+at /);

    const broken = join(dir, "broken.yaml");
    await writeFile(broken, "openapi: 3.1.1\npaths: [\n");
    const yaml = await generateCli(["--spec", broken, "--out", dir]);
    expect(yaml.code).toBe(1);
    expect(yaml.stderr).toMatch(/broken\.yaml:\d+:\d+: not valid YAML/);

    const notOpenapi = join(dir, "x.json");
    await writeFile(notOpenapi, '{"swagger": "2.0"}');
    const wrong = await generateCli(["--spec", notOpenapi, "--out", dir]);
    expect(wrong.stderr).toContain("x.json: /openapi: expected an OpenAPI 3.x version string");
  });

  it("merges an extracted file whose component has other fields than the seed's only with an error naming both", async () => {
    const dir = await tempDir("gen-");
    const family = JSON.parse(await readFile(join(ROOT, "spec/elevenlabs-tts-family.json"), "utf8")) as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    delete family.components.schemas.VoiceSettingsResponseModel!.properties.speed;
    const extracted = join(dir, "family.json");
    await writeFile(extracted, JSON.stringify(family));
    const result = await generateCli([
      "--spec",
      join(ROOT, "spec/elevenlabs-tts.yaml"),
      "--spec",
      extracted,
      "--out",
      dir,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "family.json: /components/schemas/VoiceSettingsResponseModel: conflicts with the same key in spec/elevenlabs-tts.yaml",
    );
  });
});

/** A spec with what the direct path must get right beyond the seed: discriminators, allOf, nullable refs, binary. */
const TRICKY: JsonObject = {
  openapi: "3.1.0",
  info: { title: "t", version: "1" },
  paths: {
    "/pets/{id}": {
      get: {
        operationId: "getPet",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": {
            description: "ok",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Pet" } } },
          },
          "201": { description: "audio", content: { "audio/mpeg": { schema: { type: "string", format: "binary" } } } },
        },
      },
    },
  },
  components: {
    schemas: {
      Pet: {
        oneOf: [{ $ref: "#/components/schemas/Cat" }, { $ref: "#/components/schemas/Dog" }],
        discriminator: {
          propertyName: "kind",
          mapping: { cat: "#/components/schemas/Cat", dog: "#/components/schemas/Dog" },
        },
      },
      Base: {
        type: "object",
        required: ["kind"],
        properties: { kind: { type: "string" }, name: { type: ["string", "null"] } },
      },
      Cat: {
        allOf: [
          { $ref: "#/components/schemas/Base" },
          { type: "object", properties: { lives: { type: "integer", default: 9 } } },
        ],
      },
      Dog: {
        allOf: [{ $ref: "#/components/schemas/Base" }],
        properties: {
          bark: { enum: ["woof", "yip"] },
          owner: { anyOf: [{ $ref: "#/components/schemas/Base" }, { type: "null" }] },
        },
      },
    },
  },
};

describe("openapi-typescript's transform, called directly", () => {
  // scripts/generate.ts skips openapiTS()'s Redocly lint and bundle when bundling would change nothing (about 0.4 s
  // on the full public spec), and builds the transform's context itself. Both paths must print the same types.
  it.each([
    ["spec/ (normalised)", async () => JSON.parse((await generate()).get("openapi.json")!) as JsonObject],
    ["a spec with discriminators, allOf, nullable refs and binary", async () => structuredClone(TRICKY)],
  ])("prints what openapiTS() whole prints: %s", async (_name, load) => {
    const doc = await load();
    delete doc["x-generated"];
    expect(bundlingChangesNothing(doc)).toBe(true);
    const direct = await toTypeScript(doc, true, () => undefined);
    const whole = await toTypeScript(doc, true, () => undefined, true);
    expect(direct.length).toBeGreaterThan(500);
    expect(direct).toBe(whole);
  });

  it("leaves a document that bundling would change to openapiTS() whole", () => {
    const external = structuredClone(TRICKY);
    (external.components as JsonObject).schemas = { Pet: { $ref: "other.yaml#/Pet" } };
    expect(bundlingChangesNothing(external)).toBe(false);
    const noComponents = structuredClone(TRICKY);
    delete noComponents.components;
    expect(bundlingChangesNothing(noComponents)).toBe(false);
  });
});

/** What prettier could print otherwise than TypeScript's printer: long unions, nesting, escapes, odd numbers, comments. */
const AWKWARD: JsonObject = {
  openapi: "3.1.0",
  info: { title: "t", version: "1" },
  paths: {
    "/a-very-long-path/{first_identifier_of_the_thing}/and/then/{second_identifier_of_the_thing}/with/a/long/tail": {
      get: {
        operationId:
          "a_very_long_operation_id_that_alone_is_more_than_a_hundred_and_twenty_characters_wide_when_indented",
        description: "Trailing spaces   \nand a */ inside, a tab\there, and ünïcödé",
        responses: {
          "200": {
            description: "ok",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Wide" } } },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      Wide: {
        type: "object",
        properties: {
          colour: { enum: Array.from({ length: 14 }, (_, i) => `colour_number_${i}`) },
          short: { enum: ["a", "b"] },
          maybe: { anyOf: [{ enum: Array.from({ length: 9 }, (_, i) => `option_${i}_is_long`) }, { type: "null" }] },
          list: {
            type: "array",
            items: {
              anyOf: [
                { $ref: "#/components/schemas/AlsoAVeryLongSchemaNameThatTakesRoom" },
                { $ref: "#/components/schemas/Quoted" },
              ],
            },
          },
          nullableObject: { anyOf: [{ type: "object", properties: { x: { type: "string" } } }, { type: "null" }] },
          both: { allOf: [{ $ref: "#/components/schemas/Quoted" }, { type: "object", additionalProperties: true }] },
          "quoted-key": { type: "string" },
        },
      },
      AlsoAVeryLongSchemaNameThatTakesRoom: {
        type: "object",
        properties: { n: { type: "number", enum: [1e21, 0.5, -3] } },
      },
      Quoted: {
        type: "object",
        properties: {
          say: { enum: ['he said "hi"', "it's", "back\\slash", "naïve", "tab\t"] },
          [`x_${"y".repeat(130)}`]: { type: "string" },
        },
      },
    },
  },
};

describe("schema.ts without prettier over the whole file", () => {
  const prettierFormat = async (code: string) => {
    const prettier = await import("prettier");
    const file = join(ROOT, "generated/schema.ts");
    return prettier.format(code, { ...(await prettier.resolveConfig(file)), filepath: file });
  };

  it.each([
    ["spec/ (normalised)", async () => JSON.parse((await generate()).get("openapi.json")!) as JsonObject],
    ["a spec with long unions, nesting, escapes, odd numbers and comments", async () => structuredClone(AWKWARD)],
  ])("prints what prettier prints: %s", async (_name, load) => {
    const doc = await load();
    delete doc["x-generated"];
    const raw = `/**\n * Header   \n */\n\n${await toTypeScript(doc, true, () => undefined)}`;
    const parts: string[] = [];
    const laid = await layoutTypes(raw, (code) => {
      parts.push(code);
      return prettierFormat(code);
    });
    expect(laid).toBe(await prettierFormat(raw));
    // Only the members prettier could print otherwise went through it, not the whole file.
    if (parts.length > 0) expect(parts.join("").length).toBeLessThan(raw.length / 2);
  });
});

/** Operations whose run-time data and signatures prettier has to break: long paths, lists, defaults, parameters. */
function wideSpec(extra: JsonObject = {}): JsonObject {
  const long =
    "/v1/a-rather-long-resource-name/{first_resource_identifier}/children/{second_resource_identifier}/items";
  const query = (name: string, schema: JsonObject) => ({ name, in: "query", required: false, schema });
  return {
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    paths: {
      [long]: {
        post: {
          operationId: "create_item",
          "x-fern-sdk-group-name": ["resources", "children"],
          "x-fern-sdk-method-name": "createTheItemWithAVeryLongMethodName",
          parameters: [
            { name: "first_resource_identifier", in: "path", required: true, schema: { type: "string" } },
            { name: "second_resource_identifier", in: "path", required: true, schema: { type: "string" } },
            query("sort_order_of_everything", { enum: Array.from({ length: 12 }, (_, i) => `ordering_${i}`) }),
            query("flag", { type: "boolean", default: false }),
            query("a_parameter_name_long_enough_to_push_its_list_past_the_line", { enum: ["ascending", "descending"] }),
            ...Object.entries(extra).map(([name, schema]) => query(name, schema as JsonObject)),
          ],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["items"],
                  properties: {
                    items: {
                      type: "array",
                      items: { type: "object", properties: { a: { type: "string" }, b: { type: "integer" } } },
                      default: [
                        { a: "x", b: 1 },
                        { a: "y", b: 2 },
                      ],
                    },
                    pairs: {
                      type: "array",
                      default: [
                        ["a", "b"],
                        ["c", "d"],
                      ],
                    },
                    nested: {
                      type: "object",
                      properties: Object.fromEntries(
                        Array.from({ length: 6 }, (_, i) => [`property_${i}`, { type: "string", maxLength: 100 + i }]),
                      ),
                    },
                  },
                },
              },
            },
          },
          responses: { "200": { description: "ok", content: { "application/json": { schema: { type: "object" } } } } },
        },
      },
      [`${long}/and/an/even/longer/tail/{third_resource_identifier}/with/more/segments/than/fit/on/a/line`]: {
        get: {
          operationId: "get_deep",
          "x-fern-sdk-group-name": "resources",
          "x-fern-sdk-method-name": "getDeep",
          parameters: ["first", "second", "third"].map((n) => ({
            name: `${n}_resource_identifier`,
            in: "path",
            required: true,
            schema: { type: "string" },
          })),
          responses: { "200": { description: "ok", content: { "application/json": { schema: { type: "object" } } } } },
        },
      },
    },
  };
}

describe("runtime.ts and facade.ts without prettier over the whole file", () => {
  const prettierFormat = async (code: string, name: string) => {
    const prettier = await import("prettier");
    const file = join(ROOT, "generated", name);
    return prettier.format(code, { ...(await prettier.resolveConfig(file)), filepath: file });
  };

  it.each([
    ["spec/ (normalised)", async () => JSON.parse((await generate()).get("openapi.json")!) as JsonObject],
    ["operations with long paths, lists, defaults and parameters", async () => wideSpec()],
  ])("print what prettier prints: %s", async (_name, load) => {
    const doc = await load();
    delete doc["x-generated"];
    const { code, exact } = runtimeData(doc);
    expect(exact).toBe(true);
    expect(code).toBe(await prettierFormat(code, "runtime.ts"));
    const facade = facadeTypes(doc);
    const parts: string[] = [];
    const laid = await layoutTypes(
      facade,
      (c) => {
        parts.push(c);
        return prettierFormat(c, "facade.ts");
      },
      2,
    );
    expect(laid).toBe(await prettierFormat(facade, "facade.ts"));
    expect(parts.length).toBeLessThanOrEqual(1); // the signatures too long even broken, in one call
  });

  it.each([
    ["a string with a double quote", { q: { enum: ['say "hi"', "b"] } }],
    ["a non-ASCII string", { q: { enum: ["naïve", "b"] } }],
    ["a number prettier spells otherwise", { q: { type: "number", maximum: 1e21 } }],
    ["a list of numbers too long for its line", { q: { enum: Array.from({ length: 40 }, (_, i) => i * 1000) } }],
  ])("leaves runtime.ts to prettier when it holds %s", async (_name, extra) => {
    const { code, exact } = runtimeData(wideSpec(extra as JsonObject));
    expect(exact).toBe(false);
    expect(await prettierFormat(code, "runtime.ts")).toBeTruthy(); // valid code for prettier to format
  });
});

describe("type-level tests", () => {
  const typeFiles = async () =>
    (await readdir(join(ROOT, "test/types"))).filter((f) => f.endsWith(".ts") && f !== "helpers.ts").sort();

  function diagnostics(root: string, files: string[]): Map<string, string[]> {
    const byPath = typecheck(files.map((f) => join(root, "test/types", f)));
    return new Map(files.map((f) => [f, byPath.get(join(root, "test/types", f)) ?? []]));
  }

  it("hold against generated/schema.ts and generated/realtime.ts", async () => {
    const files = await typeFiles();
    expect(files).toEqual([
      "body.ts",
      "output-format.ts",
      "realtime.ts",
      "response.ts",
      "unknown-format.ts",
      "voice-id.ts",
    ]);
    for (const [file, errors] of diagnostics(ROOT, files)) expect({ file, errors }).toEqual({ file, errors: [] });
  });

  it("every one of them fails when the normaliser is switched off", async () => {
    const dir = await tempDir("gen-");
    await mkdir(join(dir, "generated"));
    await cp(join(ROOT, "test/types"), join(dir, "test/types"), { recursive: true });
    const raw = await generate({ normalize: false });
    for (const [name, text] of raw) await writeFile(join(dir, "generated", name), text);
    const files = await typeFiles();
    for (const [file, errors] of diagnostics(dir, files)) {
      expect(errors.length, `${file} should not typecheck against the raw schema`).toBeGreaterThan(0);
    }
  });
});
