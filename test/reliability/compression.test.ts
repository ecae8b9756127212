// Audio is not worth compressing, and a compressed body hides the byte count and the idle timer's view of progress:
// convert() asks for `accept-encoding: identity`.
// (A non-audio raw call would keep fetch's default; the spec in generated/schema.ts has only the one POST path, so
// that half is not tested here.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ElevenLabsClient } from "../../src/index.ts";
import { audio, startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(audio(new Uint8Array(4096).fill(3)));
});
afterAll(() => server.close());

describe("accept-encoding", () => {
  it("convert() sends accept-encoding: identity", async () => {
    const from = server.requests.length;
    const client = new ElevenLabsClient({ apiKey: "k", baseUrl: server.url, maxRetries: 0 });
    const bytes = await (await client.textToSpeech.convert("voice", { text: "Hi" })).bytes();
    expect(bytes.byteLength).toBe(4096);
    expect(server.requests.slice(from).map((r) => r.headers["accept-encoding"])).toEqual(["identity"]);
  });

  it("convert() through a custom fetch sends accept-encoding: identity too", async () => {
    const from = server.requests.length;
    const client = new ElevenLabsClient({
      apiKey: "k",
      baseUrl: server.url,
      maxRetries: 0,
      fetch: (input, init) => fetch(input, init),
    });
    await (await client.textToSpeech.convert("voice", { text: "Hi" })).bytes();
    expect(server.requests.slice(from).map((r) => r.headers["accept-encoding"])).toEqual(["identity"]);
  });
});
