// The AsyncAPI document of the realtime WebSockets (scripts/asyncapi.ts): its quirks fixed by reported passes (Fern's
// x-fern-type, OpenAPI 3.0's nullable, a default outside its enum, limits stated in prose), its channels and messages
// seen as OpenAPI components, and generated/realtime.ts's run-time data, usable by src/validate.ts's toWire().
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { ASYNCAPI_PASSES, fernType, mergeAsyncApi, realtimeModel } from "../../scripts/asyncapi.ts";
import { SpecError } from "../../scripts/errors.ts";
import { normalize, PASSES, type JsonObject } from "../../scripts/normalize.ts";
import { realtimeData } from "../../scripts/runtime-data.ts";
import { REALTIME_CHANNELS, REALTIME_MESSAGES } from "../../generated/realtime.ts";
import { toWire } from "../../src/validate.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const SPEC = join(ROOT, "spec/elevenlabs-tts-realtime.asyncapi.yml");
const passes = [...ASYNCAPI_PASSES, ...PASSES];

/** A small AsyncAPI document: one channel, a message of each direction, the quirks of the real one. */
function tiny(): JsonObject {
  return {
    asyncapi: "2.6.0",
    info: { title: "t", version: "1" },
    channels: {
      "/v1/things/{thing_id}/talk": {
        parameters: { thing_id: { schema: { type: "string" } } },
        bindings: {
          ws: {
            query: {
              type: "object",
              properties: {
                wait: { type: "integer", description: "Seconds to wait, can be up to 60 seconds.", default: 5 },
                format: { $ref: "#/components/schemas/Format" },
              },
            },
          },
        },
        publish: { message: { $ref: "#/components/messages/Say" } },
        subscribe: { message: { oneOf: [{ $ref: "#/components/messages/Heard" }, { name: "done", payload: {} }] } },
      },
    },
    components: {
      messages: {
        Say: { payload: { $ref: "#/components/schemas/Say" } },
        Heard: { payload: { $ref: "#/components/schemas/Heard" } },
      },
      schemas: {
        Say: {
          type: "object",
          required: ["text"],
          properties: {
            text: { "x-fern-type": 'literal<" ">' },
            speed: { type: "number", description: "Values range from 0.7 to 1.2." },
            schedule: {
              type: "array",
              items: { type: "number" },
              description: "Each item should be in the range 50-500.",
            },
          },
        },
        Heard: {
          type: "object",
          properties: {
            is_final: { "x-fern-type": "literal<true>" },
            times: { "x-fern-type": "list<integer>", nullable: true },
            alignment: { $ref: "#/components/schemas/Say", nullable: true, description: "kept" },
          },
        },
        Format: { type: "string", enum: ["a_1", "b_2"], default: "a" },
      },
    },
  };
}

describe("Fern types", () => {
  it.each([
    ['literal<" ">', { type: "string", enum: [" "] }],
    ['literal<"">', { type: "string", enum: [""] }],
    ["literal<true>", { type: "boolean", enum: [true] }],
    ["list<integer>", { type: "array", items: { type: "integer" } }],
    ["list<list<string>>", { type: "array", items: { type: "array", items: { type: "string" } } }],
    ["set<double>", { type: "array", items: { type: "number" }, uniqueItems: true }],
    ["optional<boolean>", { type: "boolean" }],
    ["nullable<long>", { anyOf: [{ type: "integer" }, { type: "null" }] }],
    [
      "map<string, list<double>>",
      { type: "object", additionalProperties: { type: "array", items: { type: "number" } } },
    ],
    ["datetime", { type: "string", format: "date-time" }],
  ])("%s", (text, schema) => {
    expect(fernType(text)).toEqual(schema);
  });

  it.each(["MyType", "list<", "list<integer", "literal<x>", "map<string>", "list<integer> extra"])(
    "has no JSON Schema form for %s",
    (text) => expect(fernType(text)).toBeUndefined(),
  );

  it("an unknown one is an error naming where it is", () => {
    const doc = tiny();
    ((doc.components as JsonObject).schemas as JsonObject).Say = { properties: { a: { "x-fern-type": "Voice" } } };
    expect(() => normalize(doc, passes)).toThrow(SpecError);
    expect(() => normalize(doc, passes)).toThrow(
      '/components/schemas/Say/properties/a/x-fern-type: the Fern type "Voice" has no JSON Schema form here',
    );
  });
});

describe("the AsyncAPI passes", () => {
  it("report each change, and find nothing the second time", () => {
    const doc = tiny();
    const changes = normalize(doc, passes).map((c) => `[${c.pass}] ${c.pointer}: ${c.before} → ${c.after}`);
    const query = "/channels/~1v1~1things~1{thing_id}~1talk/bindings/ws/query/properties";
    expect(changes).toEqual([
      '[fern-types] /components/schemas/Say/properties/text/x-fern-type: "literal<\\" \\">" → {"type":"string","enum":[" "]}',
      '[fern-types] /components/schemas/Heard/properties/is_final/x-fern-type: "literal<true>" → {"type":"boolean","enum":[true]}',
      '[fern-types] /components/schemas/Heard/properties/times/x-fern-type: "list<integer>" → {"type":"array","items":{"type":"integer"}}',
      '[nullable] /components/schemas/Heard/properties/times/nullable: true → {"type":["array","null"]}',
      '[nullable] /components/schemas/Heard/properties/alignment/nullable: true → {"anyOf":[{"$ref":"#/components/schemas/Say"},{"type":"null"}]}',
      '[default-not-in-enum] /components/schemas/Format/default: "a" → undefined',
      `[described-limits] ${query}/wait/maximum: undefined → 60`,
      "[described-limits] /components/schemas/Say/properties/speed/minimum: undefined → 0.7",
      "[described-limits] /components/schemas/Say/properties/speed/maximum: undefined → 1.2",
      "[described-limits] /components/schemas/Say/properties/schedule/items/minimum: undefined → 50",
      "[described-limits] /components/schemas/Say/properties/schedule/items/maximum: undefined → 500",
    ]);
    const heard = ((doc.components as JsonObject).schemas as JsonObject).Heard as JsonObject;
    expect((heard.properties as JsonObject).alignment).toEqual({
      anyOf: [{ $ref: "#/components/schemas/Say" }, { type: "null" }],
      description: "kept",
    });
    expect(normalize(doc, passes)).toEqual([]);
  });

  it("leave the HTTP API's specs as they were (the prose limits they add are not stated there)", async () => {
    for (const file of ["spec/elevenlabs-tts.yaml", "spec/elevenlabs-tts-family.json"]) {
      const doc = load(await readFile(join(ROOT, file), "utf8")) as JsonObject;
      const before = normalize(
        structuredClone(doc),
        PASSES.filter((p) => p.name !== "described-limits"),
      );
      const after = normalize(doc).filter((c) => c.pass !== "described-limits");
      expect(after).toEqual(before);
      const limits = normalize(load(await readFile(join(ROOT, file), "utf8")) as JsonObject).filter(
        (c) => c.pass === "described-limits",
      );
      expect(limits.every((c) => /(minimum|maximum|maxItems)$/.test(c.pointer))).toBe(true);
      expect(limits.some((c) => c.pointer.includes("/items/"))).toBe(false);
    }
  });
});

describe("the OpenAPI view of an AsyncAPI document", () => {
  it("has a component per schema, per inline payload, and per channel's path and query parameters", () => {
    const doc = tiny();
    normalize(doc, passes);
    const model = realtimeModel(doc, "tiny.yml");
    expect(model.channels).toEqual([
      {
        key: "talk",
        name: "Talk",
        path: "/v1/things/{thing_id}/talk",
        params: "TalkParams",
        query: "TalkQuery",
        publish: ["Say"],
        subscribe: ["Heard", "Done"],
      },
    ]);
    expect(model.messages).toEqual([
      { name: "Say", schema: "Say" },
      { name: "Heard", schema: "Heard" },
      { name: "Done", schema: "Done" },
    ]);
    expect(model.schemas).toEqual(["Say", "Heard", "Format", "Done"]);
    const schemas = (model.doc.components as JsonObject).schemas as JsonObject;
    expect(Object.keys(schemas)).toEqual(["Say", "Heard", "Format", "TalkParams", "TalkQuery", "Done"]);
    expect(schemas.TalkParams).toEqual({
      type: "object",
      properties: { thing_id: { type: "string" } },
      required: ["thing_id"],
    });
  });

  it.each<[string, (doc: JsonObject) => void, string]>([
    [
      "a message that is not in components.messages",
      (doc) => {
        const channel = (doc.channels as JsonObject)["/v1/things/{thing_id}/talk"] as JsonObject;
        channel.publish = { message: { $ref: "#/components/messages/Nope" } };
      },
      "x.yml: /components/messages/Nope: no such message",
    ],
    [
      "a payload naming no schema",
      (doc) => {
        const messages = (doc.components as JsonObject).messages as JsonObject;
        messages.Say = { payload: { $ref: "#/components/schemas/Nope" } };
      },
      "x.yml: /components/messages/Say/payload: no schema Nope",
    ],
    [
      "a schema already named like a channel's query",
      (doc) => {
        ((doc.components as JsonObject).schemas as JsonObject).TalkQuery = { type: "object" };
      },
      "x.yml: /channels/~1v1~1things~1{thing_id}~1talk/bindings/ws/query: its schema would be named TalkQuery",
    ],
    [
      "two channels with one name",
      (doc) => {
        const channels = doc.channels as JsonObject;
        channels["/v2/talk"] = channels["/v1/things/{thing_id}/talk"]!;
      },
      "x.yml: /channels/~1v2~1talk: its name talk is also /v1/things/{thing_id}/talk's",
    ],
    [
      "a parameter that is not in the path",
      (doc) => {
        const channel = (doc.channels as JsonObject)["/v1/things/{thing_id}/talk"] as JsonObject;
        channel.parameters = { other: { schema: { type: "string" } } };
      },
      "x.yml: /channels/~1v1~1things~1{thing_id}~1talk/parameters/other: not in the path",
    ],
  ])("refuses %s, naming the file and where", (_name, change, message) => {
    const doc = tiny();
    change(doc);
    expect(() => realtimeModel(doc, "x.yml")).toThrow(SpecError);
    expect(() => realtimeModel(doc, "x.yml")).toThrow(message);
  });

  it("merges several documents, and refuses a conflicting duplicate", () => {
    const a = { path: "a.yml", doc: tiny() };
    const b = { path: "b.yml", doc: tiny() };
    ((b.doc.components as JsonObject).schemas as JsonObject).Extra = { type: "string" };
    const merged = mergeAsyncApi([a, b]);
    expect(Object.keys((merged.components as JsonObject).schemas as JsonObject)).toContain("Extra");
    const c = { path: "c.yml", doc: tiny() };
    ((c.doc.components as JsonObject).schemas as JsonObject).Format = { type: "string" };
    expect(() => mergeAsyncApi([{ path: "a.yml", doc: tiny() }, c])).toThrow(
      "c.yml: /components/schemas/Format: conflicts with the same key in a.yml",
    );
  });

  it("gives realtime.ts's data from the document alone", () => {
    const doc = tiny();
    normalize(doc, passes);
    const { code, exact } = realtimeData(realtimeModel(doc, "tiny.yml"));
    expect(exact).toBe(true);
    expect(code).toContain('wait: { maximum: 60, default: 5, type: ["integer"] }');
    expect(code).toContain('format: { enum: ["a_1", "b_2"], type: ["string"] }');
    expect(code).toContain('publish: ["Say"],');
    expect(code).toContain('subscribe: ["Heard", "Done"],');
    // A server message with snake_case keys says which keys the client camelCases.
    expect(code).toMatch(/Heard: \{\n {4}payload: [^]*\n {4}result: \{ is_final: 0 \},/);
  });
});

describe("generated/realtime.ts's run-time data", () => {
  it("holds the channels' query parameters with their defaults, limits and enums", async () => {
    const spec = load(await readFile(SPEC, "utf8")) as {
      components: { schemas: { TextToSpeechOutputFormatEnum: { enum: string[] } } };
    };
    for (const name of ["stream-input", "multi-stream-input"] as const) {
      const channel = REALTIME_CHANNELS[name];
      expect(channel.path).toBe(`/v1/text-to-speech/{voice_id}/${name}`);
      expect(channel.params).toEqual({ voice_id: { type: ["string"] } });
      expect(channel.query.inactivity_timeout).toEqual({ maximum: 180, default: 20, type: ["integer"] });
      expect(channel.query.seed).toMatchObject({ minimum: 0, maximum: 4294967295 });
      expect(channel.query.output_format!.enum).toEqual(spec.components.schemas.TextToSpeechOutputFormatEnum.enum);
      expect(channel.query.output_format).not.toHaveProperty("default"); // the spec's mp3_44100 is not a format
      expect(channel.query.apply_text_normalization).toEqual({
        enum: ["auto", "on", "off"],
        default: "auto",
        type: ["string"],
      });
    }
    expect(REALTIME_CHANNELS["stream-input"].publish).toEqual(["InitializeConnection", "SendText", "CloseConnection"]);
    expect(REALTIME_CHANNELS["stream-input"].subscribe).toEqual(["AudioOutput", "FinalOutput"]);
    expect(REALTIME_CHANNELS["multi-stream-input"].subscribe).toEqual(["AudioOutputMulti", "FinalOutputMulti"]);
  });

  it("holds each message's payload", () => {
    const first = REALTIME_MESSAGES.InitializeConnection.payload;
    expect(first.required).toEqual(["text"]);
    expect(first.properties!.text).toEqual({ enum: [" "], type: ["string"] });
    expect(first.properties!["xi-api-key"]).toEqual({ type: ["string"] });
    const settings = first.properties!.voice_settings!.properties!;
    expect(settings.speed).toEqual({ minimum: 0.7, maximum: 1.2, default: 1, type: ["number"] });
    const schedule = first.properties!.generation_config!.properties!.chunk_length_schedule!;
    expect(schedule.items).toEqual({ minimum: 50, maximum: 500, type: ["number"] });
    expect(REALTIME_MESSAGES.FinalOutputMulti.payload.required).toEqual(["isFinal"]);
    expect(REALTIME_MESSAGES.FlushContextClient.payload.required).toEqual(["context_id", "flush"]);
    expect(REALTIME_MESSAGES.AudioOutput.payload.properties!.alignment!.properties!.chars).toEqual({
      items: { type: ["string"] },
      type: ["array"],
    });
  });

  it("validates with toWire(): camelCase in, the wire's names out", () => {
    const query = { type: ["object"], properties: REALTIME_CHANNELS["stream-input"].query };
    expect(toWire({ inactivityTimeout: 60, outputFormat: "pcm_16000", syncAlignment: true }, query, "options")).toEqual(
      {
        inactivity_timeout: 60,
        output_format: "pcm_16000",
        sync_alignment: true,
      },
    );
    expect(() => toWire({ inactivityTimeout: 200 }, query, "options")).toThrow("at most 180");
    expect(() => toWire({ outputFormat: "mp3_44100" }, query, "options")).toThrow("must be one of");
    expect(() => toWire({ seed: 2 ** 32 }, query, "options")).toThrow("at most 4294967295");
    const first = REALTIME_MESSAGES.InitializeConnection.payload;
    expect(toWire({ text: " ", voiceSettings: { speed: 1.1 } }, first, "message")).toEqual({
      text: " ",
      voice_settings: { speed: 1.1 },
    });
    expect(() => toWire({ text: "Hello " }, first, "message")).toThrow("must be one of");
    expect(() => toWire({ text: " ", voiceSettings: { speed: 2 } }, first, "message")).toThrow("at most 1.2");
  });
});
