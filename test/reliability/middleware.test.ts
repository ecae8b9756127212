// openapi-fetch middleware registered on client.raw works for the facade too: a middleware that returns a new
// Request (the documented way to change headers) reaches the server; one that throws is an ElevenLabsError.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Middleware } from "openapi-fetch";
import { AuthenticationError, ElevenLabsClient, ElevenLabsError } from "../../src/index.ts";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { settle } from "../helpers/settle.ts";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone", chunkMs: 20 });
});
afterAll(() => mock.close());

const client = () => new ElevenLabsClient({ apiKey: "k", baseUrl: mock.url, maxRetries: 0 });

const addHeader: Middleware = {
  onRequest({ request }) {
    const headers = new Headers(request.headers);
    headers.set("x-mw", "1");
    return new Request(request, { headers });
  },
};

/** convert() and read the audio; returns the bytes and the record of the request. */
async function convert(c: ElevenLabsClient) {
  const from = mock.requests.length;
  const result = await settle(
    c.textToSpeech.convert("voice", { text: "Middleware, please." }).then((a) => a.bytes()),
    10_000,
    "convert",
  );
  return { ...result, records: mock.requests.slice(from) };
}

describe("middleware on client.raw", () => {
  it("a middleware that adds a header: convert() succeeds and the server sees it", async () => {
    const c = client();
    c.raw.use(addHeader);
    const r = await convert(c);
    expect(r.error).toBeUndefined();
    expect(r.value!.byteLength).toBeGreaterThan(1000);
    expect(r.records).toHaveLength(1);
    expect(r.records[0]!.status).toBe(200);
    expect(r.records[0]!.headers["x-mw"]).toBe("1");
    // The request is otherwise the same: the key, the JSON body, the query.
    expect(r.records[0]!.headers["xi-api-key"]).toBe("[redacted]");
    expect(r.records[0]!.body).toMatchObject({ text: "Middleware, please." });
    expect(r.records[0]!.query.output_format).toBeDefined();
  });

  it("after eject(), the header is gone", async () => {
    const c = client();
    c.raw.use(addHeader);
    const before = await convert(c);
    expect(before.error).toBeUndefined();
    expect(before.records[0]!.headers["x-mw"]).toBe("1");
    c.raw.eject(addHeader);
    const after = await convert(c);
    expect(after.error).toBeUndefined();
    expect(after.value!.byteLength).toBeGreaterThan(1000);
    expect(after.records[0]!.headers["x-mw"]).toBeUndefined();
  });

  it("a middleware that throws: an ElevenLabsError with it as the cause", async () => {
    const c = client();
    const bug = new Error("mw bug");
    c.raw.use({
      onRequest() {
        throw bug;
      },
    });
    const r = await convert(c);
    expect(r.error).toBeInstanceOf(ElevenLabsError);
    expect((r.error as Error).cause).toBe(bug);
    expect(r.records).toEqual([]);
  });

  it("raw calls with the middleware work too", async () => {
    const c = client();
    c.raw.use(addHeader);
    const from = mock.requests.length;
    const { data, response } = await c.raw.POST("/v1/text-to-speech/{voice_id}", {
      params: { path: { voice_id: "voice" } },
      body: { text: "Raw, with middleware." },
      parseAs: "stream",
    });
    expect(response.status).toBe(200);
    expect((await new Response(data).arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect(mock.requests[from]?.headers["x-mw"]).toBe("1");
  });

  it("a middleware that answers itself: the facade's audio is its body, and its error status is the error", async () => {
    const c = client();
    const bytes = new Uint8Array([0xff, 0xfb, 0x90, 0x64, 1, 2, 3]);
    let answer: Response = new Response(bytes, { headers: { "content-type": "audio/mpeg", "request-id": "mw_1" } });
    c.raw.use({ onRequest: () => answer });
    const from = mock.requests.length;
    const audio = await c.textToSpeech.convert("voice", { text: "Answered by middleware." });
    expect(audio.requestId).toBe("mw_1");
    expect(Array.from(await audio.bytes())).toEqual(Array.from(bytes));
    answer = new Response(JSON.stringify({ detail: { status: "nope", message: "refused here" } }), {
      status: 401,
      headers: { "content-type": "application/json" },
    });
    const error = await c.textToSpeech.convert("voice", { text: "Refused." }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).message).toContain("nope: refused here");
    expect(mock.requests.length).toBe(from);
  });

  it("a middleware added twice and ejected once still applies, to the facade too", async () => {
    const c = client();
    c.raw.use(addHeader, addHeader);
    c.raw.eject(addHeader);
    const r = await convert(c);
    expect(r.error).toBeUndefined();
    expect(r.records[0]!.headers["x-mw"]).toBe("1");
  });
});
