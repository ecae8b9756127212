import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ElevenLabsClient, ElevenLabsError } from "../../src/index.ts";
import { audio, startTestServer, type TestServer } from "../helpers/server.ts";

let api: TestServer;
let other: TestServer; // another origin, on a second loopback address
beforeAll(async () => {
  api = await startTestServer();
  other = await startTestServer(audio(new Uint8Array([9])), "127.0.0.2");
});
afterAll(async () => {
  await api.close();
  await other.close();
});

const client = () => new ElevenLabsClient({ apiKey: "secret-key", baseUrl: api.url, maxRetries: 0 });

describe("redirects", () => {
  it.each([301, 302, 307, 308])("never carries xi-api-key to another origin (%i)", async (status) => {
    const before = other.requests.length;
    api.handle((_req, res) => {
      res.writeHead(status, { location: `${other.url}/v1/text-to-speech/v` });
      res.end();
    });
    const error = await client()
      .textToSpeech.convert("v", { text: "Hi" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsError);
    expect((error as Error).message).toContain("another origin");
    expect((error as Error).message).not.toContain("secret-key");
    expect(other.requests.slice(before).filter((r) => r.headers["xi-api-key"])).toEqual([]);
  });

  it("follows a same-origin 307/308 with method, body and key", async () => {
    let hops = 0;
    api.handle((req, res, rec) => {
      if (hops++ === 0) {
        res.writeHead(307, { location: "/v1/text-to-speech/moved" });
        return res.end();
      }
      return audio(new Uint8Array([1, 2]))(req, res, rec);
    });
    const bytes = await (await client().textToSpeech.convert("v", { text: "Hi" })).bytes();
    expect([...bytes]).toEqual([1, 2]);
    const [first, second] = api.requests.slice(-2);
    expect(second!.url).toBe("/v1/text-to-speech/moved");
    expect(second!.method).toBe("POST");
    expect(second!.body).toBe(first!.body);
    expect(second!.headers["xi-api-key"]).toBe("secret-key");
  });

  it("stops after a bounded number of hops", async () => {
    api.handle((_req, res) => {
      res.writeHead(302, { location: "/again" });
      res.end();
    });
    const from = api.requests.length;
    const error = await client()
      .textToSpeech.convert("v", { text: "Hi" })
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/more than 5 redirects/);
    expect(api.requests.length - from).toBe(6);
  });
});
