// Header names and values are checked before anything is sent: a line break, a character outside Latin-1 or a bad
// name is a ValidationError naming the header (never echoing the value), from the constructor, convert() and raw.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ElevenLabsClient, ElevenLabsError, ValidationError } from "../../src/index.ts";
import { PlayerNotFoundError } from "../../src/node/play.ts";
import { audio, startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(audio(new Uint8Array(2048).fill(7)));
});
afterAll(() => server.close());

/** A client against the test server whose fetch counts its calls. */
function counting(options: { headers?: Record<string, string> } = {}) {
  let calls = 0;
  const client = new ElevenLabsClient({
    apiKey: "k",
    baseUrl: server.url,
    maxRetries: 0,
    ...options,
    fetch: (input, init) => {
      calls++;
      return fetch(input, init);
    },
  });
  return { client, calls: () => calls };
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return new Error("expected a throw");
}

function expectNamesHeader(error: unknown, name: string, value: string): void {
  expect(error).toBeInstanceOf(ValidationError);
  const e = error as ValidationError;
  expect(e.field).toContain(name);
  expect(e.message).toContain(name);
  expect(e.message).not.toContain(value);
  expect(e.message).not.toContain(JSON.stringify(value).slice(1, -1));
}

describe("client option headers", () => {
  it.each([
    ["a CR LF", "a\r\nb"],
    ["a LF", "a\nb"],
    ["a NUL", "a\0b"],
    ["a character outside Latin-1", "caf\u20ac"],
  ])("a value with %s: the constructor throws a ValidationError naming the header", (_what, value) => {
    const error = thrownBy(
      () => new ElevenLabsClient({ apiKey: "k", baseUrl: server.url, headers: { "x-bad": value } }),
    );
    expectNamesHeader(error, "x-bad", value);
  });

  it("an invalid header name: ValidationError", () => {
    const error = thrownBy(
      () => new ElevenLabsClient({ apiKey: "k", baseUrl: server.url, headers: { "bad name": "v" } }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toContain("bad name");
  });

  it("a Latin-1 value (café) is accepted and sent as is", async () => {
    const from = server.requests.length;
    const { client } = counting({ headers: { "x-ok": "café" } });
    const bytes = await (await client.textToSpeech.convert("v", { text: "Hi" })).bytes();
    expect(bytes.byteLength).toBe(2048);
    expect(server.requests[from]?.headers["x-ok"]).toBe("café");
  });
});

describe("per-request headers", () => {
  it.each([
    ["a character outside Latin-1", "caf\u20ac"],
    ["a CR LF", "a\r\nb"],
  ])("convert() with %s in a value: ValidationError naming the header, nothing sent", async (_what, value) => {
    const from = server.requests.length;
    const { client, calls } = counting();
    const error = await client.textToSpeech.convert("v", { text: "Hi" }, { headers: { "x-bad": value } }).then(
      () => new Error("expected a rejection"),
      (e: unknown) => e,
    );
    expectNamesHeader(error, "x-bad", value);
    expect(calls()).toBe(0);
    expect(server.requests.length).toBe(from);
  });

  it("convert() with an invalid header name: ValidationError, nothing sent", async () => {
    const { client, calls } = counting();
    const error = await client.textToSpeech.convert("v", { text: "Hi" }, { headers: { "bad name": "v" } }).then(
      () => new Error("expected a rejection"),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toContain("bad name");
    expect(calls()).toBe(0);
  });

  it("raw.POST with a line break in a value: an ElevenLabsError (not a raw TypeError), nothing sent", async () => {
    const { client, calls } = counting();
    const error = await client.raw
      .POST("/v1/text-to-speech/{voice_id}", {
        params: { path: { voice_id: "v" } },
        body: { text: "Hi" },
        parseAs: "stream",
        headers: { "x-bad": "a\nb" },
      })
      .then(
        () => new Error("expected a rejection"),
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ElevenLabsError);
    expect((error as Error).message).not.toContain("a\nb");
    expect(calls()).toBe(0);
  });

  it("convert() with a Latin-1 value (café) is accepted and sent as is", async () => {
    const from = server.requests.length;
    const { client } = counting();
    const bytes = await (
      await client.textToSpeech.convert("v", { text: "Hi" }, { headers: { "x-ok": "café" } })
    ).bytes();
    expect(bytes.byteLength).toBe(2048);
    expect(server.requests[from]?.headers["x-ok"]).toBe("café");
  });
});

describe("every error is an ElevenLabsError", () => {
  it("PlayerNotFoundError is an ElevenLabsError", () => {
    const error = new PlayerNotFoundError();
    expect(error).toBeInstanceOf(ElevenLabsError);
    expect(error.name).toBe("PlayerNotFoundError");
  });
});
