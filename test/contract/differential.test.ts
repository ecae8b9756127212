// Differential test: for a matrix of valid and invalid requests, the local server's status codes agree with Prism,
// an independent implementation of the same spec. Every known disagreement is listed with its resolution.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { startPrism, type Prism } from "../helpers/prism.ts";

let mock: MockServer;
let prism: Prism;
beforeAll(async () => {
  // Request-id stitching is a server-state check Prism cannot know about, so it is off here.
  [mock, prism] = await Promise.all([startMockServer({ engine: "tone", checkRequestIds: false }), startPrism()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([mock?.close(), prism?.close()]);
});

interface Case {
  name: string;
  method?: string;
  path?: string;
  query?: string;
  body?: unknown;
  raw?: string;
  key?: string | null;
  /** The status both must give. */
  expect: number;
  /** A known, explained disagreement: what Prism gives instead. */
  prism?: number;
}

const V = "/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb";
const FORMATS = ["mp3_22050_32", "mp3_44100_192", "pcm_8000", "pcm_48000", "ulaw_8000", "alaw_8000", "opus_48000_32"];
const full = {
  text: "Hi",
  model_id: "eleven_multilingual_v2",
  language_code: "en",
  voice_settings: { stability: 0.5, similarity_boost: 0.75, style: 0, use_speaker_boost: true, speed: 1 },
  pronunciation_dictionary_locators: [{ pronunciation_dictionary_id: "d", version_id: null }],
  seed: 4294967295,
  previous_text: "a",
  next_text: "b",
  previous_request_ids: ["r1", "r2", "r3"],
  next_request_ids: [],
  use_pvc_as_ivc: false,
  apply_text_normalization: "off",
  apply_language_text_normalization: true,
};

const CASES: Case[] = [
  { name: "text only", body: { text: "Hi" }, expect: 200 },
  { name: "every body field", body: full, expect: 200 },
  ...FORMATS.map((f) => ({ name: `format ${f}`, query: `output_format=${f}`, body: { text: "Hi" }, expect: 200 })),
  { name: "latency 0", query: "optimize_streaming_latency=0", body: { text: "Hi" }, expect: 200 },
  { name: "latency 4", query: "optimize_streaming_latency=4", body: { text: "Hi" }, expect: 200 },
  { name: "enable_logging false", query: "enable_logging=false", body: { text: "Hi" }, expect: 200 },
  { name: "voice_settings null", body: { text: "Hi", voice_settings: null }, expect: 200 },
  { name: "seed 0", body: { text: "Hi", seed: 0 }, expect: 200 },
  { name: "seed null", body: { text: "Hi", seed: null }, expect: 200 },
  { name: "extra body field (allowed by the schema)", body: { text: "Hi", extra: 1 }, expect: 200 },
  { name: "missing text", body: {}, expect: 422 },
  { name: "text is a number", body: { text: 5 }, expect: 422 },
  { name: "text is null", body: { text: null }, expect: 422 },
  { name: "seed -1", body: { text: "Hi", seed: -1 }, expect: 422 },
  { name: "seed 2^32", body: { text: "Hi", seed: 4294967296 }, expect: 422 },
  { name: "seed 1.5", body: { text: "Hi", seed: 1.5 }, expect: 422 },
  { name: "latency 5", query: "optimize_streaming_latency=5", body: { text: "Hi" }, expect: 422 },
  { name: "latency -1", query: "optimize_streaming_latency=-1", body: { text: "Hi" }, expect: 422 },
  { name: "latency abc", query: "optimize_streaming_latency=abc", body: { text: "Hi" }, expect: 422 },
  { name: "unknown format", query: "output_format=wav_44100", body: { text: "Hi" }, expect: 422 },
  { name: "enable_logging maybe", query: "enable_logging=maybe", body: { text: "Hi" }, expect: 422 },
  { name: "4 previous ids", body: { text: "Hi", previous_request_ids: ["a", "b", "c", "d"] }, expect: 422 },
  { name: "4 next ids", body: { text: "Hi", next_request_ids: ["a", "b", "c", "d"] }, expect: 422 },
  {
    name: "4 locators",
    body: {
      text: "Hi",
      pronunciation_dictionary_locators: [1, 2, 3, 4].map((i) => ({ pronunciation_dictionary_id: `${i}` })),
    },
    expect: 422,
  },
  {
    name: "locator without id",
    body: { text: "Hi", pronunciation_dictionary_locators: [{ version_id: "v" }] },
    expect: 422,
  },
  { name: "stability is a string", body: { text: "Hi", voice_settings: { stability: "high" } }, expect: 422 },
  { name: "normalization maybe", body: { text: "Hi", apply_text_normalization: "maybe" }, expect: 422 },
  { name: "model_id is a number", body: { text: "Hi", model_id: 5 }, expect: 422 },
  { name: "body is a list", body: [], expect: 422 },
  { name: "no body", expect: 422 },
  { name: "no API key", key: null, body: { text: "Hi" }, expect: 401 },
  { name: "no API key and a bad body", key: null, body: {}, expect: 401 },
  { name: "wrong method", method: "GET", body: undefined, expect: 405 },
  { name: "unknown route", path: "/v1/text-to-speech", body: { text: "Hi" }, expect: 404 },
  { name: "unknown nested route", path: `${V}/nope`, body: { text: "Hi" }, expect: 404 },
  // The real API (FastAPI) answers 422 `json_invalid`; Prism answers 400 `invalid_json`. The issue allows either;
  // the local server follows the real API.
  { name: "body is not JSON", raw: "{nope", expect: 422, prism: 400 },
];

async function status(base: string, c: Case): Promise<number> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (c.key !== null) headers["xi-api-key"] = c.key ?? "diff-key";
  const method = c.method ?? "POST";
  const body = method === "GET" ? undefined : (c.raw ?? (c.body === undefined ? undefined : JSON.stringify(c.body)));
  const res = await fetch(`${base}${c.path ?? V}${c.query ? `?${c.query}` : ""}`, { method, headers, body });
  await res.arrayBuffer();
  return res.status;
}

describe("differential: local server vs Prism", () => {
  it("has at least 30 cases", () => expect(CASES.length).toBeGreaterThanOrEqual(30));

  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const [ours, theirs] = await Promise.all([status(mock.url, c), status(prism.url, c)]);
    expect({ ours, theirs }).toEqual({ ours: c.expect, theirs: c.prism ?? c.expect });
  });
});
