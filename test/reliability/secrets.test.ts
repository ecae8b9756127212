// The API key never leaks: not in errors (message, cause, JSON, inspect), the client, the server's records, or logs.
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ElevenLabsClient, ElevenLabsError, ValidationError } from "../../src/index.ts";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";

// Retries wait no real time here (what is counted is the attempts); test/client/retry.test.ts covers the waits.
vi.mock("../../src/core/retry.ts", async (original) =>
  (await import("../helpers/retry-sleep.ts")).recordRetrySleeps(await original()),
);

const KEY = "sk_super_secret_0123456789abcdef";
let mock: MockServer;
const logs: string[] = [];
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone", apiKeys: [KEY, "other-key"] });
});
afterAll(() => mock.close());

const client = (options: Partial<ConstructorParameters<typeof ElevenLabsClient>[0]> = {}) =>
  new ElevenLabsClient({ apiKey: KEY, baseUrl: mock.url, maxRetries: 1, debug: (l) => logs.push(l), ...options });

function exposures(error: unknown): string[] {
  const e = error as Error;
  return [
    e.message,
    String(e.stack),
    String(e.cause),
    inspect(e.cause, { depth: 10 }),
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true }),
  ];
}

const failures: [string, () => Promise<unknown>][] = [
  [
    "a 200 carrying a JSON error",
    () => client().textToSpeech.convert("v", { text: "Hi" }, { headers: { "x-mock-fault": "json-200" } }),
  ],
  [
    "a 422 (through the raw client)",
    () =>
      client().raw.POST("/v1/text-to-speech/{voice_id}", {
        params: { path: { voice_id: "v" } },
        body: { text: 5 as unknown as string },
      }),
  ],
  [
    "a 401 for a refused key",
    () => new ElevenLabsClient({ apiKey: `${KEY}-wrong`, baseUrl: mock.url }).textToSpeech.convert("v", { text: "x" }),
  ],
  [
    "a 429",
    () =>
      client({ maxRetries: 0 }).textToSpeech.convert(
        "v",
        { text: "Hi" },
        { headers: { "x-mock-fault": "429:retry-after-ms=1" } },
      ),
  ],
  [
    "a 502",
    () => client({ maxRetries: 0 }).textToSpeech.convert("v", { text: "Hi" }, { headers: { "x-mock-fault": "502" } }),
  ],
  [
    "a connection reset",
    () =>
      client({ maxRetries: 0 }).textToSpeech.convert(
        "v",
        { text: "Hi" },
        { headers: { "x-mock-fault": "reset-before-headers" } },
      ),
  ],
  [
    "a reset mid-body",
    async () =>
      (
        await client().textToSpeech.convert("v", { text: "Hi" }, { headers: { "x-mock-fault": "reset-mid-body" } })
      ).bytes(),
  ],
  [
    "a stall",
    async () =>
      (
        await client().textToSpeech.convert(
          "v",
          { text: "Hi" },
          { idleTimeoutInSeconds: 0.2, headers: { "x-mock-fault": "stall-after-headers" } },
        )
      ).bytes(),
  ],
  [
    "a cross-origin redirect",
    () => client().textToSpeech.convert("v", { text: "Hi" }, { headers: { "x-mock-fault": "redirect-cross-origin" } }),
  ],
  ["an abort", () => client().textToSpeech.convert("v", { text: "Hi" }, { abortSignal: AbortSignal.abort() })],
  ["a refused connection", () => client({ baseUrl: "http://127.0.0.1:9" }).textToSpeech.convert("v", { text: "Hi" })],
  ["a validation error", () => client().textToSpeech.convert("v", { text: "" })],
];

describe("secrets", () => {
  it.each(failures)("%s: the key is in no part of the error", async (_name, fail) => {
    const error = await fail().then(
      () => new Error("expected a failure"),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ElevenLabsError);
    for (const text of exposures(error)) expect(text).not.toContain(KEY);
  });

  it("a bad key's error does not echo it", () => {
    for (const apiKey of [`${KEY}\n`, `${KEY}\r\nx-injected: 1`, `${KEY}é`]) {
      let error: unknown;
      try {
        new ElevenLabsClient({ apiKey });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      for (const text of exposures(error)) expect(text).not.toContain(KEY);
    }
  });

  it("util.inspect(client) and JSON.stringify(client) do not show it", () => {
    const c = client();
    expect(inspect(c, { depth: 20, showHidden: true })).not.toContain(KEY);
    expect(JSON.stringify(c)).not.toContain(KEY);
  });

  it("the server's request records and the debug logs do not show it", async () => {
    await (await client().textToSpeech.convert("v", { text: "Hi" })).bytes();
    expect(mock.requests.length).toBeGreaterThan(5);
    expect(JSON.stringify(mock.requests)).not.toContain(KEY);
    expect(inspect(mock.requests, { depth: 10 })).not.toContain(KEY);
    expect(logs.length).toBeGreaterThan(10);
    expect(logs.join("\n")).not.toContain(KEY);
  });
});
