// The local server's realtime WebSockets refuse what the API refuses, with its close codes: a missing or wrong key,
// bad query parameters and messages, inactivity, the quota; and its faults drop, stall or fail a socket. Every wait is
// bounded: nothing here can hang.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { closeReason, inactivity } from "../../src/mock/realtime/protocol.ts";
import { without } from "../helpers/packages.ts";
import { channelUrl, connect, type WsSession } from "../helpers/ws-session.ts";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone", apiKeys: ["good-key"] });
});
afterAll(() => mock.close());

const GOOD = { "xi-api-key": "good-key" };
const TEXT = "Some words to say, enough of them for a few audio messages. ";

/** The error message the API sends before closing, and the close. */
async function refusal(s: WsSession): Promise<{ error: unknown; message: string; code: number; reason: string }> {
  const { code, reason } = await s.close();
  const last = s.messages.at(-1) as { error?: unknown; message?: string; code?: number } | undefined;
  expect(last?.code).toBe(code); // the message names the close code that follows
  return { error: last?.error, message: last?.message ?? "", code, reason };
}

describe("realtime: the key", () => {
  it("a wrong key in the header: the API's error message, then 1008 'Invalid API key'", async () => {
    const s = await connect(channelUrl(mock.url, "stream-input"), { "xi-api-key": "wrong" });
    const r = await refusal(s);
    expect(r).toMatchObject({ error: "invalid_api_key", code: 1008, reason: "Invalid API key" });
  });

  it("no key anywhere: 1008 once the first message comes without one", async () => {
    const s = await connect(channelUrl(mock.url, "stream-input"), {});
    s.send({ text: " " });
    const r = await refusal(s);
    expect(r).toMatchObject({ error: "invalid_api_key", code: 1008 });
    expect(r.message).toMatch(/^Missing API key/);
  });

  it("a wrong key in the first message, and in the authorization query parameter", async () => {
    const s = await connect(channelUrl(mock.url, "stream-input"), {});
    s.send({ text: " ", xi_api_key: "wrong" });
    expect((await refusal(s)).code).toBe(1008);
    const q = await connect(channelUrl(mock.url, "multi-stream-input", { authorization: "wrong" }), {});
    expect(await refusal(q)).toMatchObject({ error: "invalid_api_key", code: 1008 });
  });

  it("the ws-refuse-key fault refuses a good key", async () => {
    const s = await connect(channelUrl(mock.url, "stream-input"), { ...GOOD, "x-mock-fault": "ws-refuse-key" });
    expect(await refusal(s)).toMatchObject({ error: "invalid_api_key", code: 1008 });
  });
});

describe("realtime: bad query parameters and messages", () => {
  const refusedQuery = async (query: Record<string, string>) =>
    refusal(await connect(channelUrl(mock.url, "stream-input", query), GOOD));

  it.each([
    [{ inactivity_timeout: "181" }, /inactivity_timeout must be at most 180, got 181/],
    [{ inactivity_timeout: "soon" }, /inactivity_timeout must be integer/],
    [{ output_format: "mp3_1_2" }, /output_format must be one of/],
    [{ sync_alignment: "maybe" }, /sync_alignment must be boolean/],
    [{ auto_mode: "2" }, /auto_mode must be boolean/],
    [{ seed: "-1" }, /seed must be at least 0/],
    [{ apply_text_normalization: "sometimes" }, /apply_text_normalization must be one of/],
    [{ model_id: "no_such_model" }, /A model with model ID "no_such_model" does not exist/],
  ])("%j: refused with 1008 and a reason that names it", async (query, why) => {
    const r = await refusedQuery(query);
    expect(r).toMatchObject({ error: "invalid_parameter", code: 1008 });
    expect(r.message).toMatch(why);
    expect(r.reason).toBe(r.message.slice(0, 120));
  });

  it("a model the WebSockets do not serve (eleven_v3): the handshake is refused with 403, as the API does", async () => {
    await expect(connect(channelUrl(mock.url, "stream-input", { model_id: "eleven_v3" }), GOOD)).rejects.toMatchObject({
      status: 403,
    });
  });

  const refusedMessage = async (
    messages: unknown[],
    channel: "stream-input" | "multi-stream-input" = "stream-input",
  ) => {
    const s = await connect(channelUrl(mock.url, channel), GOOD);
    for (const m of messages) s.send(m);
    return refusal(s);
  };

  it.each([
    ["not JSON", ["{text:"], /Invalid JSON/],
    ["not an object", ["[1,2]"], /must be a JSON object/],
    ["an unknown field", [{ text: " ", flush_now: true }], /Unknown field "flush_now"/],
    [
      "a first message that is not the initialising one",
      [{ text: "Hello " }],
      /first message .*text must be one of " "/,
    ],
    ["text of the wrong type", [{ text: " " }, { text: 42 }], /text must be string/],
    ["a voice setting out of range", [{ text: " ", voice_settings: { speed: 2 } }], /speed must be at most 1.2/],
    [
      "a schedule entry out of range",
      [{ text: " ", generation_config: { chunk_length_schedule: [10] } }],
      /at least 50/,
    ],
    [
      "a voice setting that is not one",
      [{ text: " ", voice_settings: { volume: 1 } }],
      /voice_settings.volume is not a field/,
    ],
  ])("%s: 1008 invalid_message", async (_, messages, why) => {
    const r = await refusedMessage(messages);
    expect(r).toMatchObject({ error: "invalid_message", code: 1008 });
    expect(r.message).toMatch(why);
  });

  it("voice_settings changed after the first message: 1008 with the API's words", async () => {
    const r = await refusedMessage([
      { text: " ", voice_settings: { stability: 0.5 } },
      { text: "Same settings are fine. ", voice_settings: { stability: 0.5 } },
      { text: "Other settings are not. ", voice_settings: { stability: 0.9 } },
    ]);
    expect(r.code).toBe(1008);
    expect(r.message).toBe(
      "voice_settings field must be provided in the first message and then either be not provided or not change.",
    );
  });

  it("a binary message: 1003", async () => {
    const s = await connect(channelUrl(mock.url, "stream-input"), GOOD);
    s.ws.send(Buffer.from([1, 2, 3]));
    expect((await refusal(s)).code).toBe(1003);
  });

  it("null fields count as left out (the official Python SDK sends voice_settings: null)", async () => {
    const s = await connect(channelUrl(mock.url, "stream-input", { output_format: "pcm_16000" }), GOOD);
    s.send({
      text: " ",
      voice_settings: null,
      try_trigger_generation: true,
      generation_config: { chunk_length_schedule: [50] },
    });
    s.send({ text: "" });
    expect((await s.close()).code).toBe(1000);
  });

  it("an unknown realtime path answers 404 to the handshake", async () => {
    await expect(
      connect(`${mock.url.replace("http", "ws")}/v1/text-to-speech/x/other-input`, GOOD),
    ).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe("realtime: inactivity", () => {
  it("no text for inactivity_timeout seconds: input_timeout_exceeded and 1008, the reason cut as the API cuts it", async () => {
    const started = Date.now();
    const s = await connect(channelUrl(mock.url, "stream-input", { inactivity_timeout: "1" }), GOOD);
    s.send({ text: " " });
    const r = await refusal(s);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(8000);
    expect(r).toMatchObject({ error: "input_timeout_exceeded", code: 1008 });
    expect(r.message).toBe(
      "Have not received a new text input within the timeout of 1 seconds. Streaming input terminated. Please make " +
        'sure to either feed the input in the timely manner, or to send the end of input text (empty string "") when done.',
    );
    expect(r.reason).toBe(r.message.slice(0, 120));
    // With the default 20 seconds, the reason ends where users saw it end.
    expect(closeReason(inactivity(20).message).endsWith("Please make sure to eit")).toBe(true);
  });

  it("each message resets the clock", async () => {
    const s = await connect(channelUrl(mock.url, "stream-input", { inactivity_timeout: "1" }), GOOD);
    s.send({ text: " " });
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 600));
      s.send({ text: " " });
    }
    expect(s.ended).toBeUndefined(); // 1.8 s after the first message, still open
    s.send({ text: "" });
    expect((await s.close()).code).toBe(1000);
  });
});

describe("realtime: faults", () => {
  const faulty = async (fault: string, via: "header" | "query" | "queue" = "header") => {
    if (via === "queue") mock.fault(fault);
    const query: Record<string, string> = { output_format: "pcm_16000" };
    if (via === "query") query.mock_fault = fault;
    const headers = via === "header" ? { ...GOOD, "x-mock-fault": fault } : GOOD;
    const s = await connect(channelUrl(mock.url, "stream-input", query), headers);
    s.send({ text: " " });
    s.send({ text: TEXT, flush: true });
    return s;
  };

  it("ws-drop: audio, then the connection ends without a close frame (1006) and without isFinal", async () => {
    const s = await faulty("ws-drop:after=2");
    const { code } = await s.close();
    expect(code).toBe(1006);
    expect(s.audioMessages()).toHaveLength(2);
    expect(s.messages.some((m) => m.isFinal)).toBe(false);
    expect(mock.requests.at(-1)?.socket?.closeCode).toBe(1006);
  });

  it("ws-stall: one audio message, then nothing (no isFinal), the socket open until the client gives up", async () => {
    const s = await faulty("ws-stall", "query");
    await s.until(() => s.audioMessages().length > 0, 15_000, "the first audio");
    s.send({ text: "" });
    await new Promise((r) => setTimeout(r, 500));
    expect(s.messages).toHaveLength(1);
    expect(s.ended).toBeUndefined();
    s.ws.close(1000);
    expect((await s.close()).code).toBe(1000);
  });

  it("ws-1011 (queued): audio, then a server error message and 1011; the next socket is unaffected", async () => {
    const s = await faulty("ws-1011", "queue");
    const r = await refusal(s);
    expect(r).toMatchObject({ error: "internal_error", code: 1011 });
    expect(s.audioMessages()).toHaveLength(1);
    const next = await faulty("ws-stall:after=1000", "header");
    next.send({ text: "" });
    expect((await next.close()).code).toBe(1000);
  });

  it("a queued ws- fault is taken by the next WebSocket, not by an HTTP request", async () => {
    mock.fault("ws-drop:after=0");
    const res = await fetch(`${mock.url}/v1/models`, { headers: GOOD });
    expect(res.status).toBe(200);
    const s = await connect(channelUrl(mock.url, "stream-input", { output_format: "pcm_16000" }), GOOD);
    s.send({ text: " " });
    s.send({ text: TEXT, flush: true });
    expect((await s.close()).code).toBe(1006); // the queued fault, before any audio
    expect(s.messages).toEqual([]);
  });

  it("503 at the handshake (from the header or the query parameter)", async () => {
    await expect(connect(channelUrl(mock.url, "stream-input", { mock_fault: "503" }), GOOD)).rejects.toMatchObject({
      status: 503,
    });
  });

  it("an unknown fault name: 400 at the handshake", async () => {
    await expect(
      connect(channelUrl(mock.url, "stream-input", { mock_fault: "ws-explode" }), GOOD),
    ).rejects.toMatchObject({ status: 400 });
  });
});

describe("realtime: the account", () => {
  it("a generation over the character limit: quota_exceeded and 1008, nothing billed for it", async () => {
    const small = await startMockServer({ engine: "tone", characterLimit: 20 });
    try {
      const s = await connect(channelUrl(small.url, "stream-input", { output_format: "pcm_16000" }));
      s.send({ text: " " });
      s.send({ text: "Ten chars ", flush: true });
      await s.until(() => s.audioMessages().length > 0, 15_000, "the first generation's audio");
      s.send({ text: "and twenty more chars", flush: true });
      const r = await refusal(s);
      expect(r).toMatchObject({ error: "quota_exceeded", code: 1008 });
      expect(r.message).toBe(
        "This request exceeds your quota of 20. You have 10 credits remaining, while 21 credits are required for this request.",
      );
      expect(small.characterCount).toBe(10);
    } finally {
      await small.close();
    }
  });
});

describe("realtime: without the ws package", () => {
  it("the server starts; a realtime handshake closes with 1011 naming npm install; HTTP still works", async () => {
    const bare = await startMockServer({ engine: "tone", resolvePackage: without("ws") });
    try {
      expect([bare.realtime, mock.realtime]).toEqual([false, true]);
      const s = await connect(channelUrl(bare.url, "stream-input"));
      const r = await refusal(s);
      expect(r).toMatchObject({ error: "missing_dependency", code: 1011 });
      expect(r.message).toContain("npm install -D ws");
      expect(r.reason).toMatch(/npm install/);
      const res = await fetch(`${bare.url}/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb?output_format=pcm_16000`, {
        method: "POST",
        headers: { "xi-api-key": "any", "content-type": "application/json" },
        body: JSON.stringify({ text: "Still speaking." }),
      });
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    } finally {
      await bare.close();
    }
  });
});
