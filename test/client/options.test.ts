import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ElevenLabsClient, ElevenLabsEnvironment, ValidationError, type ResponseEvent } from "../../src/index.ts";
import { audio, startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(audio(new Uint8Array([1, 2, 3])));
});
afterAll(() => server.close());
afterEach(() => vi.unstubAllEnvs());

const construct = (options?: ConstructorParameters<typeof ElevenLabsClient>[0]) => {
  try {
    new ElevenLabsClient(options);
  } catch (error) {
    return error as ValidationError;
  }
  throw new Error("expected the constructor to throw");
};

describe("ElevenLabsClient options", () => {
  it("reads ELEVENLABS_API_KEY and ELEVENLABS_BASE_URL", async () => {
    vi.stubEnv("ELEVENLABS_API_KEY", "env-key");
    vi.stubEnv("ELEVENLABS_BASE_URL", server.url);
    const client = new ElevenLabsClient();
    expect(client.baseUrl).toBe(server.url);
    await (await client.textToSpeech.convert("v", { text: "Hi" })).bytes();
    expect(server.requests.at(-1)!.headers["xi-api-key"]).toBe("env-key");
  });

  it("defaults to the production API", () => {
    vi.stubEnv("ELEVENLABS_BASE_URL", "");
    expect(new ElevenLabsClient({ apiKey: "k" }).baseUrl).toBe("https://api.elevenlabs.io");
  });

  it("takes environment as an alias of baseUrl, as the official SDK does", () => {
    expect(new ElevenLabsClient({ apiKey: "k", environment: ElevenLabsEnvironment.ProductionEu }).baseUrl).toBe(
      "https://api.eu.residency.elevenlabs.io",
    );
    expect(new ElevenLabsClient({ apiKey: "k", environment: "https://api.elevenlabs.io/" }).baseUrl).toBe(
      "https://api.elevenlabs.io",
    );
  });

  it("without a key, raises a clear error that names ELEVENLABS_API_KEY", () => {
    vi.stubEnv("ELEVENLABS_API_KEY", "");
    const error = construct();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).not.toBeInstanceOf(TypeError);
    expect(error.field).toBe("apiKey");
    expect(error.message).toContain("ELEVENLABS_API_KEY");
    expect(error.message).toContain("npx elevenlabs-fetch mock");
  });

  it.each([
    ["line\nbreak", "contains a line break (CR or LF)"],
    ["carriage\rreturn", "contains a line break (CR or LF)"],
    ["ключ", "contains a space, a control character or a non-ASCII character"],
    ["has space", "contains a space, a control character or a non-ASCII character"],
  ])("rejects a bad key without echoing it (%j)", (apiKey, problem) => {
    const error = construct({ apiKey });
    expect(error.message).toBe(`apiKey: ${problem}`);
    expect(JSON.stringify(error)).not.toContain(apiKey);
  });

  it.each([
    ["ftp://example.com", "baseUrl: must be an http(s) URL, got ftp:"],
    ["not a url", 'baseUrl: is not a URL: "not a url"'],
    ["http://api.example.com", "baseUrl: plain http to api.example.com would send the API key in clear text"],
    ["https://user:pw@api.example.com", "baseUrl: must not contain credentials"],
  ])("rejects baseUrl %s", (baseUrl, message) => {
    expect(construct({ apiKey: "k", baseUrl }).message).toContain(message);
  });

  it("allows plain http to loopback, or anywhere with allowInsecureHttp", () => {
    for (const baseUrl of ["http://localhost:8787", "http://127.0.0.1:1", "http://[::1]:2"]) {
      expect(new ElevenLabsClient({ apiKey: "k", baseUrl }).baseUrl).toBe(baseUrl);
    }
    expect(new ElevenLabsClient({ apiKey: "k", baseUrl: "http://10.0.0.5", allowInsecureHttp: true }).baseUrl).toBe(
      "http://10.0.0.5",
    );
  });

  it("uses an injected fetch", async () => {
    const seen: string[] = [];
    const client = new ElevenLabsClient({
      apiKey: "k",
      baseUrl: "https://api.example.test",
      fetch: async (input, init) => {
        seen.push(`${init?.method} ${String(input)} ${new Headers(init?.headers).get("xi-api-key")}`);
        return new Response(new Uint8Array([7, 7]), { headers: { "content-type": "audio/mpeg" } });
      },
    });
    const bytes = await (await client.textToSpeech.convert("v", { text: "Hi" })).bytes();
    expect([...bytes]).toEqual([7, 7]);
    expect(seen).toEqual(["POST https://api.example.test/v1/text-to-speech/v?output_format=mp3_44100_128 k"]);
  });

  it("calls the request/response hooks on every attempt", async () => {
    const events: string[] = [];
    const client = new ElevenLabsClient({
      apiKey: "k",
      baseUrl: server.url,
      onRequest: (e) => events.push(`request ${e.method} ${e.attempt}`),
      onResponse: (e: ResponseEvent) => events.push(`response ${e.status} ${e.attempt} ${e.requestId}`),
    });
    await (await client.textToSpeech.convert("v", { text: "Hi" })).bytes();
    expect(events).toEqual(["request POST 1", "response 200 1 req_123"]);
  });

  it("logs method, URL, status, timing, attempt and request id when debugging, never the key", async () => {
    const lines: string[] = [];
    const client = new ElevenLabsClient({
      apiKey: "secret-debug-key",
      baseUrl: server.url,
      debug: (l) => lines.push(l),
    });
    await (await client.textToSpeech.convert("v", { text: "Hi" })).bytes();
    expect(lines[0]).toBe(
      `[elevenlabs-fetch] → POST ${server.url}/v1/text-to-speech/v?output_format=mp3_44100_128 (attempt 1)`,
    );
    expect(lines[1]).toMatch(/^\[elevenlabs-fetch\] ← 200 POST .+ in \d+ ms \(attempt 1, request-id req_123\)$/);
    expect(lines.join("\n")).not.toContain("secret-debug-key");
  });

  it("turns debug logging on with ELEVENLABS_LOG=debug", async () => {
    vi.stubEnv("ELEVENLABS_LOG", "debug");
    const spy = vi.spyOn(console, "debug").mockImplementation(() => undefined);
    const client = new ElevenLabsClient({ apiKey: "k", baseUrl: server.url });
    await (await client.textToSpeech.convert("v", { text: "Hi" })).bytes();
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });

  it("keeps the key out of util.inspect(client) and JSON", () => {
    const client = new ElevenLabsClient({ apiKey: "inspect-me-not" });
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain("inspect-me-not");
    expect(JSON.stringify(client)).not.toContain("inspect-me-not");
  });
});
