import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ElevenLabsClient, UnprocessableEntityError } from "../../src/index.ts";
import { audio, json, startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let client: ElevenLabsClient;
beforeAll(async () => {
  server = await startTestServer();
  client = new ElevenLabsClient({ apiKey: "raw-key", baseUrl: server.url });
});
afterAll(() => server.close());

describe("the typed low-level client (client.raw)", () => {
  it("calls any generated path with types, with the key injected once", async () => {
    server.handle(audio(new Uint8Array([1, 2, 3])));
    const { data, response } = await client.raw.POST("/v1/text-to-speech/{voice_id}", {
      params: { path: { voice_id: "JBFqnCBsd6RMkjVDRZzb" }, query: { output_format: "pcm_16000" } },
      body: { text: "Hello", model_id: "eleven_multilingual_v2" },
      parseAs: "arrayBuffer",
    });
    expect(response.status).toBe(200);
    expect([...new Uint8Array(data!)]).toEqual([1, 2, 3]);
    const req = server.requests.at(-1)!;
    expect(req.url).toBe("/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb?output_format=pcm_16000");
    expect(req.headers["xi-api-key"]).toBe("raw-key");
    expect(JSON.parse(req.body)).toEqual({ text: "Hello", model_id: "eleven_multilingual_v2" });
  });

  it("shares the facade's retries and error mapping (a failing status throws)", async () => {
    let n = 0;
    server.handle((req, res, rec) =>
      n++ === 0
        ? json(503, {}, { "retry-after-ms": "5" })(req, res, rec)
        : json(422, { detail: [{ loc: ["body", "text"], msg: "bad" }] })(req, res, rec),
    );
    const from = server.requests.length;
    const error = await client.raw
      .POST("/v1/text-to-speech/{voice_id}", { params: { path: { voice_id: "v" } }, body: { text: "x" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as Error).message).toContain("body.text: bad");
    expect(server.requests.length - from).toBe(2);
  });

  it("is typed from generated/schema.ts", () => {
    // Compile-time checks (npm run typecheck): wrong calls are type errors.
    const typed = () => {
      // @ts-expect-error unknown path
      void client.raw.POST("/v1/nope", {});
      // @ts-expect-error voice_id is required
      void client.raw.POST("/v1/text-to-speech/{voice_id}", { params: { path: {} }, body: { text: "x" } });
      void client.raw.POST("/v1/text-to-speech/{voice_id}", {
        params: { path: { voice_id: "v" }, query: { output_format: "mp3_44100_128" } },
        body: { text: "x" },
      });
      void client.raw.POST("/v1/text-to-speech/{voice_id}", {
        // @ts-expect-error not one of the spec's formats
        params: { path: { voice_id: "v" }, query: { output_format: "wav" } },
        body: { text: "x" },
      });
    };
    expect(typeof typed).toBe("function");
  });
});
