// Every request the client can emit validates against the spec; every other input is refused before sending.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { textToSpeechConvert as OP } from "../../generated/runtime.ts";
import { ElevenLabsClient, ValidationError, type TextToSpeechRequest } from "../../src/index.ts";
import { toCamel } from "../../src/casing.ts";
import { loadSpec, type Operation } from "../../src/mock/spec.ts";
import type { FieldSchema } from "../../generated/runtime.ts";

let convert: Operation;
beforeAll(async () => {
  const spec = await loadSpec();
  convert = spec.operations.find((o) => o.method === "POST" && o.path === "/v1/text-to-speech/{voice_id}")!;
});

interface Wire {
  url: URL;
  headers: Headers;
  body: unknown;
}

/** A client whose fetch captures the wire request instead of sending it. */
function capturing(): { client: ElevenLabsClient; sent: Wire[] } {
  const sent: Wire[] = [];
  const client = new ElevenLabsClient({
    apiKey: "contract-key",
    baseUrl: "https://api.example.test",
    maxRetries: 0,
    fetch: async (input, init) => {
      sent.push({
        url: new URL(String(input)),
        headers: new Headers(init?.headers),
        body: JSON.parse(await new Response(init?.body).text()) as unknown,
      });
      return new Response(new Uint8Array([1]), { headers: { "content-type": "audio/mpeg" } });
    },
  });
  return { client, sent };
}

function validateWire(w: Wire) {
  const prefix = "/v1/text-to-speech/";
  expect(w.url.pathname.startsWith(prefix)).toBe(true);
  const segment = w.url.pathname.slice(prefix.length);
  expect(segment).not.toContain("/");
  expect(w.headers.get("xi-api-key")).toBe("contract-key");
  expect(w.headers.get("content-type")).toBe("application/json");
  return convert.validate({
    path: { voice_id: decodeURIComponent(segment) },
    query: Object.fromEntries(w.url.searchParams),
    body: w.body,
  });
}

/** Sample valid values for a field, from its compact schema. */
function samples(schema: FieldSchema, depth = 0): unknown[] {
  const types = schema.type ?? [];
  const out: unknown[] = [];
  if (schema.enum) out.push(...schema.enum);
  if (types.includes("null")) out.push(null);
  if (types.includes("boolean")) out.push(true, false);
  if (types.includes("integer")) out.push(schema.minimum ?? 0, schema.maximum ?? 7);
  else if (types.includes("number")) out.push(schema.minimum ?? 0, 0.5, schema.maximum ?? 1);
  if (types.includes("string") && !schema.enum) out.push("text ✓ 世界");
  if (types.includes("array") && schema.items) {
    const item = samples(schema.items, depth + 1)[0];
    out.push(
      [],
      Array.from({ length: schema.maxItems ?? 2 }, () => item),
    );
  }
  if (types.includes("object") && schema.properties && depth < 3) {
    const entries = Object.entries(schema.properties);
    out.push(
      Object.fromEntries(entries.map(([k, s]) => [toCamel(k), samples(s, depth + 1)[0]])),
      Object.fromEntries(
        entries.filter(([k]) => schema.required?.includes(k)).map(([k, s]) => [toCamel(k), samples(s, depth + 1)[0]]),
      ),
    );
  }
  return out;
}

const FIELDS: [string, FieldSchema][] = [
  ...Object.entries(OP.query),
  ...Object.entries(OP.body?.properties ?? {}).filter(([k]) => k !== "text"),
];

describe("contract: requests", () => {
  it("every optional field, with every sample value, alone and all together, validates on the wire", async () => {
    const { client, sent } = capturing();
    const requests: Record<string, unknown>[] = [];
    for (const [name, schema] of FIELDS) {
      for (const value of samples(schema)) requests.push({ text: "Hi", [toCamel(name)]: value });
    }
    requests.push({ text: "Hi", ...Object.fromEntries(FIELDS.map(([name, s]) => [toCamel(name), samples(s)[0]])) });
    expect(requests.length).toBeGreaterThan(50);
    for (const request of requests) {
      await (await client.textToSpeech.convert("JBFqnCBsd6RMkjVDRZzb", request as TextToSpeechRequest)).bytes();
    }
    expect(sent).toHaveLength(requests.length);
    for (const [i, wire] of sent.entries())
      expect({ request: requests[i], detail: validateWire(wire) }).toEqual({ request: requests[i], detail: [] });
  });

  it("fuzzed shapes: either a request valid on the wire, or a ValidationError with the field path before sending", async () => {
    const { client, sent } = capturing();
    const anyValue = fc.oneof(
      fc.constant(null),
      fc.constant(undefined),
      fc.boolean(),
      fc.integer({ min: -10, max: 5_000_000_000 }),
      fc.double(),
      fc.constant(Number.NaN),
      fc.string({ unit: "grapheme", maxLength: 30 }),
      fc.constant("x".repeat(100_000)),
      fc.array(fc.string(), { maxLength: 5 }),
      fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.double(), fc.string(), fc.constant(null)), { maxKeys: 3 }),
    );
    const fieldValue = (schema: FieldSchema) =>
      fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...samples(schema)) }, { weight: 1, arbitrary: anyValue });
    const known = FIELDS.map(([name, schema]) => [toCamel(name), fieldValue(schema)] as const);
    const rare = <T>(a: fc.Arbitrary<T>) =>
      fc.oneof({ weight: 20, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });
    const request = fc.record(
      {
        text: fc.oneof(
          { weight: 10, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 200 }) },
          { weight: 1, arbitrary: anyValue },
        ),
        ...Object.fromEntries(known.map(([k, a]) => [k, rare(a).chain((v) => (v === undefined ? a : fc.constant(v)))])),
        [FIELDS[0]![0]]: rare(anyValue), // a snake_case key
        surprise: rare(anyValue),
      },
      { requiredKeys: [] },
    );
    const voiceId = fc.oneof(
      { weight: 10, arbitrary: fc.constant("JBFqnCBsd6RMkjVDRZzb") },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
      { weight: 1, arbitrary: anyValue },
    );
    let valid = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(voiceId, request, async (id, req) => {
        const before = sent.length;
        try {
          await (await client.textToSpeech.convert(id as string, req as TextToSpeechRequest)).bytes();
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          const field = (error as ValidationError).field;
          expect(field).toMatch(/^(voiceId|request(\.[A-Za-z_]+|\[\d+\])*(\.[\w$ ]*)?)/);
          expect((error as Error).message.startsWith(`${field}: `)).toBe(true);
          expect(sent.length, "nothing may be sent when refused").toBe(before);
          refused++;
          return;
        }
        expect(sent.length).toBe(before + 1);
        expect(validateWire(sent.at(-1)!)).toEqual([]);
        valid++;
      }),
      { numRuns: 2500, seed: 20261124 },
    );
    expect(valid).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });

  it("voice ids with / ? # % .. \\ and unicode stay one percent-encoded segment under /v1/text-to-speech/", async () => {
    const { client, sent } = capturing();
    const ids = [
      "a/b",
      "a?b",
      "a#b",
      "100%",
      "../../v1/user",
      "..\\..",
      "a/../b",
      "日本語",
      "emoji😀",
      "sp ace",
      "%2e%2e",
      ".a.",
    ];
    for (const id of ids) await (await client.textToSpeech.convert(id, { text: "Hi" })).bytes();
    for (const [i, wire] of sent.entries()) {
      const segment = wire.url.pathname.slice("/v1/text-to-speech/".length);
      expect(wire.url.pathname.startsWith("/v1/text-to-speech/")).toBe(true);
      expect(segment).not.toContain("/");
      expect(decodeURIComponent(segment)).toBe(ids[i]);
    }
  });
});
