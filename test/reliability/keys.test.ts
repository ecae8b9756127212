// A per-request API key (requestOptions.apiKey, or an xi-api-key header in any case) is the one sent; and whichever
// key was sent, a server that echoes it back (in a JSON or HTML body, or a header) does not get it into the error.
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ElevenLabsClient,
  ElevenLabsError,
  ServerError,
  ValidationError,
  type RequestOptions,
} from "../../src/index.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const KEY_A = "sk_client_key_aaaaaaaaaaaaaaaaaaaa0001";
const KEY_B = "sk_request_key_bbbbbbbbbbbbbbbbbbb0002";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const received = (from: number): (string | undefined)[] =>
  server.requests.slice(from).map((r) => {
    const key = r.headers["xi-api-key"];
    return Array.isArray(key) ? key.join(", ") : key;
  });

const audioHandler = () =>
  server.handle((_req, res) => {
    res.writeHead(200, { "content-type": "audio/mpeg", "content-length": "1024" });
    res.end(Buffer.alloc(1024, 1));
  });

const client = () => new ElevenLabsClient({ apiKey: KEY_A, baseUrl: server.url, maxRetries: 0 });

describe("which key is sent", () => {
  beforeAll(audioHandler);

  it("without a per-request key: the client's", async () => {
    const from = server.requests.length;
    await (await client().textToSpeech.convert("v", { text: "Hi" })).bytes();
    expect(received(from)).toEqual([KEY_A]);
  });

  it("an xi-api-key header in requestOptions.headers wins over the client's key", async () => {
    const from = server.requests.length;
    await (await client().textToSpeech.convert("v", { text: "Hi" }, { headers: { "xi-api-key": KEY_B } })).bytes();
    expect(received(from)).toEqual([KEY_B]);
  });

  it("the header name in any case (XI-API-KEY) wins too, and is sent once", async () => {
    const from = server.requests.length;
    await (await client().textToSpeech.convert("v", { text: "Hi" }, { headers: { "XI-API-KEY": KEY_B } })).bytes();
    expect(received(from)).toEqual([KEY_B]);
  });

  it("requestOptions.apiKey wins over the client's key", async () => {
    const from = server.requests.length;
    // `apiKey` is new in RequestOptions: the cast keeps this file compiling against the old type.
    const options = { apiKey: KEY_B } as RequestOptions;
    await (await client().textToSpeech.convert("v", { text: "Hi" }, options)).bytes();
    expect(received(from)).toEqual([KEY_B]);
  });

  it("client.raw with an xi-api-key header sends that key", async () => {
    const from = server.requests.length;
    const { data } = await client().raw.POST("/v1/text-to-speech/{voice_id}", {
      params: { path: { voice_id: "v" } },
      body: { text: "Hi" },
      parseAs: "stream",
      headers: { "xi-api-key": KEY_B },
    });
    await new Response(data).arrayBuffer();
    expect(received(from)).toEqual([KEY_B]);
  });

  it.each([
    ["a line feed", `${KEY_B}\n`],
    ["a CR LF and another header", `${KEY_B}\r\nx-injected: 1`],
    ["a non-ASCII character", `${KEY_B}é`],
  ])("a per-request apiKey with %s: ValidationError (requestOptions.apiKey), nothing sent", async (_what, bad) => {
    const from = server.requests.length;
    let calls = 0;
    const c = new ElevenLabsClient({
      apiKey: KEY_A,
      baseUrl: server.url,
      maxRetries: 0,
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    const error = await c.textToSpeech.convert("v", { text: "Hi" }, { apiKey: bad } as RequestOptions).then(
      () => new Error("expected a rejection"),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe("requestOptions.apiKey");
    for (const text of [(error as Error).message, String((error as Error).stack), inspect(error)]) {
      expect(text).not.toContain(KEY_B);
    }
    expect(calls).toBe(0);
    expect(server.requests.length).toBe(from);
  });
});

/** Where a key could hide in an error. */
function exposures(error: ElevenLabsError): [string, string][] {
  return [
    ["message", error.message],
    ["stack", String(error.stack)],
    ["JSON.stringify(error)", JSON.stringify(error)],
    ["inspect(error)", inspect(error, { depth: 10, showHidden: true })],
    ["JSON.stringify(error.body)", JSON.stringify(error.body) ?? ""],
    ["error.headers", JSON.stringify(error.headers ? [...error.headers] : [])],
  ];
}

/** Servers that echo the key they received back. */
const echoes: [string, (key: string) => [number, Record<string, string>, string], typeof ElevenLabsError][] = [
  [
    "a 401 JSON body and an x-echo header",
    (key) => [
      401,
      { "content-type": "application/json", "x-echo": key },
      JSON.stringify({ detail: { status: "invalid_api_key", message: `Invalid key ${key}` } }),
    ],
    AuthenticationError,
  ],
  [
    "a 500 HTML page",
    (key) => [
      500,
      { "content-type": "text/html; charset=utf-8", "x-echo": key },
      `<html><body><h1>Internal error</h1><p>request with key ${key} failed</p></body></html>`,
    ],
    ServerError,
  ],
  [
    "a 200 JSON body instead of audio",
    (key) => [
      200,
      { "content-type": "application/json", "x-echo": key },
      JSON.stringify({ detail: { status: "internal_error", message: `Key ${key} is over quota` } }),
    ],
    ElevenLabsError,
  ],
];

/** How the key is given: the client's, or a per-request one (two ways). */
const ways: [string, string, RequestOptions][] = [
  ["the client's key", KEY_A, {}],
  ["requestOptions.apiKey", KEY_B, { apiKey: KEY_B } as RequestOptions],
  ["an xi-api-key header", KEY_B, { headers: { "xi-api-key": KEY_B } }],
];

describe("a server that echoes the key", () => {
  for (const [what, answer, Class] of echoes) {
    it.each(ways)(`${what}: %s is redacted everywhere in the error`, async (_way, key, options) => {
      server.handle((req, res) => {
        const sent = req.headers["xi-api-key"];
        const [status, headers, body] = answer(typeof sent === "string" ? sent : "");
        res.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(body)) });
        res.end(body);
      });
      const from = server.requests.length;
      const error = await client()
        .textToSpeech.convert("v", { text: "Hi" }, options)
        .then(
          () => new Error("expected a rejection"),
          (e: unknown) => e,
        );
      // The server did receive (and echo) the key this way stands for.
      expect(received(from)).toEqual([key]);
      expect(error).toBeInstanceOf(Class);
      const e = error as ElevenLabsError;
      for (const [where, text] of exposures(e)) {
        expect(text, where).not.toContain(KEY_A);
        expect(text, where).not.toContain(KEY_B);
      }
      expect(`${e.message}\n${JSON.stringify(e.body)}`).toContain("[redacted]");
    });
  }
});
