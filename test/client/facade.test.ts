// The spec-driven facade's runtimes, one per kind of answer, against a scripted server: JSON (camelCased by the
// schema's keys, maps kept), streamed JSON (lines split across network chunks, a cut last line, the idle timeout),
// pages (every item across pages), audio (stream), and the decoded audio of a with-timestamps answer.
import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AudioStream,
  ElevenLabsClient,
  ElevenLabsError,
  ElevenLabsTimeoutError,
  JsonStream,
  ValidationError,
} from "../../src/index.ts";
import { startTestServer, type Handler, type TestServer } from "../helpers/server.ts";
import type { Equal, Expect } from "../types/helpers.ts";

let server: TestServer;
let client: ElevenLabsClient;

beforeAll(async () => {
  server = await startTestServer();
  client = new ElevenLabsClient({ apiKey: "k", baseUrl: server.url, maxRetries: 0 });
});
afterAll(() => server.close());

const json =
  (value: unknown, type = "application/json"): Handler =>
  (_req, res) => {
    res.writeHead(200, { "content-type": type });
    res.end(typeof value === "string" ? value : JSON.stringify(value));
  };
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Write the parts with a pause between them, so that each arrives as its own network chunk. */
const drip =
  (parts: string[], type = "application/json"): Handler =>
  async (_req, res: ServerResponse) => {
    res.writeHead(200, { "content-type": type, "request-id": "req-1" });
    for (const part of parts) {
      res.write(part);
      await wait(15);
    }
    res.end();
  };
const failure = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => "resolved",
    (e: unknown) => e,
  );
const lastQuery = () => new URL(server.requests.at(-1)!.url, "http://x").searchParams;

const VOICE = {
  voice_id: "JBFqnCBsd6RMkjVDRZzb",
  name: "George",
  category: "premade",
  labels: { use_case: "narration", accent: "british" },
  fine_tuning: { is_allowed_to_fine_tune: true, state: { eleven_multilingual_v2: "fine_tuned" } },
  a_field_the_spec_does_not_declare: 1,
};

describe("json answers", () => {
  it("camelCases the keys the schema declares, keeps a map's keys and undeclared keys as they are, drops nulls", async () => {
    server.handle(json({ voices: [VOICE], has_more: false, total_count: 1, next_page_token: null }));
    const page = await client.voices.search();
    expect({ ...page }).toEqual({
      voices: [
        {
          voiceId: "JBFqnCBsd6RMkjVDRZzb",
          name: "George",
          category: "premade",
          labels: { use_case: "narration", accent: "british" },
          fineTuning: { isAllowedToFineTune: true, state: { eleven_multilingual_v2: "fine_tuned" } },
          a_field_the_spec_does_not_declare: 1,
        },
      ],
      hasMore: false,
      totalCount: 1,
      // null fields left out, as the official SDK does (`nextPageToken: null` → absent)
    });
  });

  it("gives models.list() an array, and takes its request options as the only argument", async () => {
    server.handle(json([{ model_id: "eleven_v3", max_characters_request_free_user: 5000, languages: [] }]));
    const models = await client.models.list({ headers: { "x-test": "1" } });
    expect(models).toEqual([{ modelId: "eleven_v3", maxCharactersRequestFreeUser: 5000, languages: [] }]);
    expect(server.requests.at(-1)).toMatchObject({ method: "GET", url: "/v1/models" });
    expect(server.requests.at(-1)!.headers["x-test"]).toBe("1");
    const error = await failure(client.models.list({ timeoutInSeconds: -1 }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain("requestOptions.timeoutInSeconds");
  });

  it("refuses a success that is not JSON, or JSON that does not parse, with an ElevenLabsError", async () => {
    server.handle(json("<html>proxy login</html>", "text/html"));
    const html = await failure(client.user.subscription.get());
    expect(html).toBeInstanceOf(ElevenLabsError);
    expect((html as Error).message).toBe("the answer to user.subscription.get() was 200 text/html, not JSON");
    server.handle(json('{"character_count": 1'));
    const cut = await failure(client.user.subscription.get());
    expect(cut).toBeInstanceOf(ElevenLabsError);
    expect((cut as Error).message).toMatch(/^the answer to user\.subscription\.get\(\) is not JSON/);
  });

  it("decodes a with-timestamps answer's audio, without changing its shape", async () => {
    const bytes = [0xff, 0xfb, 0x90, 0x00, 1, 2, 3];
    const answer = {
      audio_base64: Buffer.from(bytes).toString("base64"),
      alignment: {
        characters: ["H", "i"],
        character_start_times_seconds: [0, 0.1],
        character_end_times_seconds: [0.1, 0.2],
      },
      normalized_alignment: null,
    };
    server.handle(json(answer));
    const result = await client.textToSpeech.convertWithTimestamps("v", { text: "Hi" });
    expect([...result.audio]).toEqual(bytes);
    expect(result.alignment?.characterStartTimesSeconds).toEqual([0, 0.1]);
    expect(JSON.parse(JSON.stringify(result))).toEqual({
      audioBase64: answer.audio_base64,
      alignment: { characters: ["H", "i"], characterStartTimesSeconds: [0, 0.1], characterEndTimesSeconds: [0.1, 0.2] },
    });
    expect(server.requests.at(-1)!.url).toBe("/v1/text-to-speech/v/with-timestamps?output_format=mp3_44100_128");
    expect(JSON.parse(server.requests.at(-1)!.body)).toEqual({ text: "Hi", model_id: "eleven_multilingual_v2" });
  });
});

describe("streamed JSON (streamWithTimestamps)", () => {
  const line = (text: string) =>
    JSON.stringify({ audio_base64: Buffer.from(text).toString("base64"), alignment: null });

  it("yields one camelCased object per line, with lines split across network chunks put together", async () => {
    const all = `${line("one")}\n\n${line("two")}\r\n${line("three")}`;
    // Cut in the middle of the first line, of the second line's base64, and before the last line's end.
    server.handle(drip([all.slice(0, 10), all.slice(10, 50), all.slice(50, -5), all.slice(-5)]));
    const stream = await client.textToSpeech.streamWithTimestamps("v", { text: "Hi" });
    expect(stream).toBeInstanceOf(JsonStream);
    expect(stream.requestId).toBe("req-1");
    const chunks = await stream.toArray();
    expect(chunks.map((c) => Buffer.from(c.audio).toString())).toEqual(["one", "two", "three"]);
    expect(Object.keys(chunks[0]!)).toEqual(["audioBase64"]); // `alignment: null` left out, as the official SDK does
    await expect(stream.toArray()).rejects.toThrow("this stream was already read");
  });

  it("reports a body cut in the middle of its last line", async () => {
    server.handle(drip([`${line("one")}\n`, line("two").slice(0, 12)]));
    const stream = await client.textToSpeech.streamWithTimestamps("v", { text: "Hi" });
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const chunk of stream) seen.push(Buffer.from(chunk.audio).toString());
      })(),
    );
    expect(seen).toEqual(["one"]);
    expect(error).toBeInstanceOf(ElevenLabsError);
    expect((error as Error).message).toBe(
      "the streamed answer ended in the middle of line 2 (12 characters, no line end): it was cut",
    );
  });

  it("releases the connection when cancelled unread", async () => {
    let closed = false;
    server.handle(async (req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(`${line("one")}\n`);
      req.socket.on("close", () => (closed = true));
      await wait(3000);
      res.end();
    });
    const stream = await client.textToSpeech.streamWithTimestamps("v", { text: "Hi" });
    await stream.cancel();
    for (let i = 0; i < 50 && !closed; i++) await wait(20);
    expect(closed).toBe(true);
    await expect(stream.toArray()).rejects.toThrow("this stream was already read");
  });

  it("releases the connection when cancelled while a for await loop reads it", async () => {
    let closed = false;
    server.handle(async (req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      req.socket.on("close", () => (closed = true));
      for (let i = 0; i < 100 && !closed; i++) {
        res.write(`${line(String(i))}\n`);
        await wait(30);
      }
      res.end();
    });
    const stream = await client.textToSpeech.streamWithTimestamps("v", { text: "Hi" });
    let seen = 0;
    const loop = (async () => {
      for await (const chunk of stream) if (chunk) seen++;
    })().catch((e: unknown) => e);
    await wait(150);
    const cancelledAt = Date.now();
    await stream.cancel();
    await loop;
    for (let i = 0; i < 50 && !closed; i++) await wait(20);
    expect(closed).toBe(true);
    expect(Date.now() - cancelledAt).toBeLessThan(1000);
    expect(seen).toBeLessThan(20);
  });

  it("reports a line that is not JSON by its number", async () => {
    server.handle(drip([`${line("one")}\nnot json\n`]));
    const stream = await client.textToSpeech.streamWithTimestamps("v", { text: "Hi" });
    await expect(stream.toArray()).rejects.toThrow("line 2 of the streamed answer is not JSON: not json");
  });

  it("fails with the idle timeout when the stream stalls between lines", async () => {
    server.handle(async (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(`${line("one")}\n`);
      await wait(1500);
      res.end();
    });
    const stream = await client.textToSpeech.streamWithTimestamps("v", { text: "Hi" }, { idleTimeoutInSeconds: 0.3 });
    const started = Date.now();
    const error = await failure(stream.toArray());
    expect(error).toBeInstanceOf(ElevenLabsTimeoutError);
    expect(Date.now() - started).toBeLessThan(1200);
  });
});

describe("paged answers (voices.search)", () => {
  const pages: Record<string, unknown> = {
    "": { voices: [{ voice_id: "a" }, { voice_id: "b" }], has_more: true, total_count: 5, next_page_token: "p2" },
    p2: { voices: [{ voice_id: "c" }, { voice_id: "d" }], has_more: true, total_count: 5, next_page_token: "p3" },
    p3: { voices: [{ voice_id: "e" }], has_more: false, total_count: 5, next_page_token: null },
  };
  const paged: Handler = (req, res) => {
    const token = new URL(req.url ?? "/", "http://x").searchParams.get("next_page_token") ?? "";
    json(pages[token] ?? { detail: "no such page" })(req, res, undefined as never);
  };

  it("iterates every item of every page, asking for each next page with its token and the same request", async () => {
    server.handle(paged);
    const from = server.requests.length;
    const ids: string[] = [];
    for await (const voice of client.voices.search({ pageSize: 2, search: "x" })) ids.push(voice.voiceId);
    expect(ids).toEqual(["a", "b", "c", "d", "e"]);
    const queries = server.requests.slice(from).map((r) => new URL(r.url, "http://x").search);
    expect(queries).toEqual([
      "?page_size=2&search=x",
      "?page_size=2&search=x&next_page_token=p2",
      "?page_size=2&search=x&next_page_token=p3",
    ]);
  });

  it("gives the first page when awaited, and the next one with getNextPage()", async () => {
    server.handle(paged);
    const first = await client.voices.search();
    expect(first.voices.map((v) => v.voiceId)).toEqual(["a", "b"]);
    expect(first.hasMore).toBe(true);
    const second = await first.getNextPage();
    expect(second?.voices.map((v) => v.voiceId)).toEqual(["c", "d"]);
    expect(lastQuery().get("next_page_token")).toBe("p2");
    const third = await second!.getNextPage();
    expect(await third!.getNextPage()).toBeUndefined();
  });

  it("stops with an error when the API gives the same page token twice", async () => {
    server.handle(json({ voices: [{ voice_id: "a" }], has_more: true, total_count: 9, next_page_token: "again" }));
    const ids: string[] = [];
    const error = await failure(
      (async () => {
        for await (const voice of client.voices.search()) ids.push(voice.voiceId);
      })(),
    );
    expect(ids).toEqual(["a", "a"]);
    expect((error as Error).message).toBe("the API gave the page token again twice; stopping");
  });

  it("takes one value where the spec takes a list, as the official SDK does", async () => {
    server.handle(json({ voices: [], has_more: false, total_count: 0 }));
    await client.voices.search({ voiceIds: "abc" as unknown as string[] });
    expect(lastQuery().getAll("voice_ids")).toEqual(["abc"]);
    await client.voices.search({ voiceIds: ["a", "b"] });
    expect(lastQuery().getAll("voice_ids")).toEqual(["a", "b"]);
  });

  it("validates the request against the spec before sending", async () => {
    const from = server.requests.length;
    const error = await failure(client.voices.search({ pageSize: "ten" as unknown as number }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe('request.pageSize: must be an integer, got "ten"');
    await expect(client.voices.search({ page_size: 2 } as never)).rejects.toThrow(
      "request.page_size: unknown field (did you mean pageSize?)",
    );
    await expect(client.voices.search({ text: "x" } as never)).rejects.toThrow("request.text: unknown field");
    expect(server.requests.length).toBe(from);
  });
});

describe("audio answers (stream)", () => {
  it("gives an AudioStream with the response's metadata, from the stream path, with the defaults sent", async () => {
    server.handle(async (_req, res) => {
      res.writeHead(200, { "content-type": "audio/mpeg", "request-id": "r-9", "character-cost": "2" });
      res.write(Buffer.from([0xff, 0xfb]));
      await wait(10);
      res.end(Buffer.from([0x90, 0x00]));
    });
    const audio = await client.textToSpeech.stream("v", { text: "Hi", outputFormat: "mp3_22050_32" });
    expect(audio).toBeInstanceOf(AudioStream);
    expect({ requestId: audio.requestId, characterCost: audio.characterCost, contentType: audio.contentType }).toEqual({
      requestId: "r-9",
      characterCost: 2,
      contentType: "audio/mpeg",
    });
    expect([...(await audio.bytes())]).toEqual([0xff, 0xfb, 0x90, 0x00]);
    expect(server.requests.at(-1)!.url).toBe("/v1/text-to-speech/v/stream?output_format=mp3_22050_32");
    expect(JSON.parse(server.requests.at(-1)!.body)).toEqual({ text: "Hi", model_id: "eleven_multilingual_v2" });
  });

  it("refuses JSON where audio was expected", async () => {
    server.handle(json({ detail: "no" }));
    const error = await failure(client.textToSpeech.stream("v", { text: "Hi" }));
    expect(error).toBeInstanceOf(ElevenLabsError);
    expect((error as Error).message).toMatch(/instead of audio/);
  });
});

// The types the generated signatures give (checked by `npm run typecheck`): camelCased answers, the decoded audio.
type Answer<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
type TTS = ElevenLabsClient["textToSpeech"];
export type FacadeTypes = [
  Expect<Equal<Answer<ElevenLabsClient["models"]["list"]>[number]["modelId"], string>>,
  Expect<Equal<Answer<TTS["convertWithTimestamps"]>["audio"], Uint8Array>>,
  Expect<Equal<Answer<TTS["convertWithTimestamps"]>["alignment"], CharacterAlignment | null | undefined>>,
  Expect<Equal<Answer<ElevenLabsClient["user"]["subscription"]["get"]>["characterCount"], number>>,
  Expect<Equal<Answer<TTS["stream"]>, AudioStream>>,
  Expect<Equal<Answer<ElevenLabsClient["voices"]["search"]>["voices"][number]["voiceId"], string>>,
];
type CharacterAlignment = {
  characters: string[];
  characterStartTimesSeconds: number[];
  characterEndTimesSeconds: number[];
};
