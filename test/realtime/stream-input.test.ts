// streamInput() and connectStreamInput() against the local server's stream-input WebSocket (tone engine): the text
// sent at word boundaries, the audio and its alignment on one timeline, the options checked before anything is sent,
// the key in the handshake, and each way a socket can end as its typed error. Every wait is bounded.
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import {
  AuthenticationError,
  ConnectionError,
  connectStreamInput,
  ElevenLabsAbortError,
  ElevenLabsClient,
  ElevenLabsError,
  ElevenLabsTimeoutError,
  QuotaExceededError,
  RealtimeError,
  streamInput,
  ValidationError,
} from "../../src/node/index.ts";
import { parseOggPages, walkMp3Frames } from "../helpers/audio-check.ts";
import { alignmentProblems, llm, sockets, until, VOICE, within } from "./helpers.ts";

const KEY = "sk_realtime_test_key_0123456789";
let mock: MockServer;
let client: ElevenLabsClient;

beforeAll(async () => {
  mock = await startMockServer({ engine: "tone", apiKeys: [KEY] });
  client = new ElevenLabsClient({ apiKey: KEY, baseUrl: mock.url });
});
afterAll(() => mock.close());

const TEXT =
  "Realtime speech starts before the text ends. Each word goes out whole, at a boundary, and the audio comes back " +
  "as it is made, with the time of every character.";

/** The last socket the server saw. */
const lastSocket = () => sockets(mock.requests).at(-1)!;

/** Reads a stream to its end, or to its error: the bytes read, and the error. */
async function drain(audio: AsyncIterable<Uint8Array>): Promise<{ bytes: number; error?: unknown }> {
  let bytes = 0;
  try {
    for await (const chunk of audio) bytes += chunk.length;
    return { bytes };
  } catch (error) {
    return { bytes, error };
  }
}

describe("streamInput", () => {
  it("speaks an LLM's tokens: one clean MP3, the alignment of every character sent, in order, on one timeline", async () => {
    const audio = await streamInput(client, VOICE, llm(TEXT, 2), { generationConfig: { chunkLengthSchedule: [50] } });
    expect(audio.contentType).toBe("audio/mpeg");
    const chunks: string[] = [];
    const collected = (async () => {
      for await (const chunk of audio.alignmentChunks()) chunks.push(chunk.characters.join(""));
    })();
    const bytes = await within(audio.bytes(), 20_000, "the audio");
    await within(collected, 5_000, "the alignment chunks");
    const alignment = await audio.alignment();
    const walk = walkMp3Frames(bytes, { cbr: true });
    expect(walk.audioFrames.length).toBeGreaterThan(10);
    // Every character sent, in order: the text, and the space that ends the last message.
    expect(alignment.characters.join("")).toBe(`${TEXT} `);
    expect(chunks.join("")).toBe(`${TEXT} `);
    expect(chunks.length).toBeGreaterThan(1);
    expect(alignmentProblems(alignment, walk.durationSeconds)).toEqual([]);
    expect(alignment.characterEndTimesSeconds.at(-1)).toBeLessThanOrEqual(walk.durationSeconds + 0.001);
    // The generations span the audio: the last character starts in its last second.
    expect(alignment.characterStartTimesSeconds.at(-2)).toBeGreaterThan(walk.durationSeconds - 2);
  });

  it("sends whole words, each message ending with a space; the settings in the first message; flush, then the end", async () => {
    const audio = await streamInput(client, VOICE, llm("Hello wonderful world. How are you?", 0), {
      voiceSettings: { stability: 0.4, similarityBoost: 0.8 },
      generationConfig: { chunkLengthSchedule: [120, 200] },
      modelId: "eleven_flash_v2_5",
      outputFormat: "mp3_22050_32",
      syncAlignment: true,
      seed: 42,
    });
    await within(audio.bytes(), 15_000, "the audio");
    const socket = lastSocket();
    expect(socket.query).toMatchObject({
      model_id: "eleven_flash_v2_5",
      output_format: "mp3_22050_32",
      sync_alignment: "true",
      seed: "42",
    });
    expect(socket.headers["xi-api-key"]).toBe("[redacted]");
    const received = socket.socket!.received as Record<string, unknown>[];
    expect(received[0]).toEqual({
      text: " ",
      voice_settings: { stability: 0.4, similarity_boost: 0.8 },
      generation_config: { chunk_length_schedule: [120, 200] },
    });
    const texts = received.slice(1, -1).map((m) => m.text as string);
    for (const text of texts) expect(text).toMatch(/\S $/);
    expect(texts.join("")).toBe("Hello wonderful world. How are you? ");
    // Words whole: no message boundary falls inside a word.
    for (const text of texts)
      expect(
        text
          .trim()
          .split(" ")
          .every((w) => "Hello wonderful world. How are you?".includes(w)),
      ).toBe(true);
    expect(received.at(-2)).toMatchObject({ flush: true });
    expect(received.at(-1)).toEqual({ text: "" });
    expect(socket.socket!.closeCode).toBe(1000);
  });

  it("takes a ReadableStream, an iterable or a string; the defaults are the HTTP methods'", async () => {
    const stream = new ReadableStream<string>({
      start(controller) {
        for (const t of ["Streams ", "of ", "tokens."]) controller.enqueue(t);
        controller.close();
      },
    });
    for (const source of [stream, ["An ", "array."], "One string."]) {
      const audio = await streamInput(client, VOICE, source);
      expect((await within(audio.bytes(), 15_000, "the audio")).length).toBeGreaterThan(0);
      expect(lastSocket().query).toMatchObject({ model_id: "eleven_multilingual_v2", output_format: "mp3_44100_128" });
    }
  });

  it.each([
    ["pcm_16000", 2],
    ["ulaw_8000", 1],
  ] as const)("%s: the alignment is on the audio's timeline", async (format, width) => {
    const audio = await streamInput(client, VOICE, llm(TEXT, 0), {
      outputFormat: format,
      generationConfig: { chunkLengthSchedule: [50] },
    });
    const bytes = await within(audio.bytes(), 15_000, "the audio");
    const duration = bytes.length / width / Number(format.split("_")[1]);
    const alignment = await audio.alignment();
    expect(alignment.characters.join("")).toBe(`${TEXT} `);
    expect(alignmentProblems(alignment, duration)).toEqual([]);
    expect(alignment.characterStartTimesSeconds.at(-2)).toBeGreaterThan(duration - 2);
  });

  it("opus_48000_64: the alignment is on the Ogg stream's timeline", async () => {
    const audio = await streamInput(client, VOICE, llm(TEXT, 0), {
      outputFormat: "opus_48000_64",
      generationConfig: { chunkLengthSchedule: [50] },
    });
    const bytes = await within(audio.bytes(), 20_000, "the audio");
    const { durationSeconds } = parseOggPages(bytes);
    const alignment = await audio.alignment();
    expect(alignment.characters.join("")).toBe(`${TEXT} `);
    expect(alignmentProblems(alignment, durationSeconds)).toEqual([]);
    expect(alignment.characterStartTimesSeconds.at(-2)).toBeGreaterThan(durationSeconds - 2);
  });

  it("refuses bad options before connecting, naming the field (from the spec's data)", async () => {
    const before = sockets(mock.requests).length;
    const cases: [object, RegExp][] = [
      [{ output_format: "mp3_44100_128" }, /options\.output_format: unknown field \(did you mean outputFormat\?\)/],
      [{ outputFormat: "mp3_1" }, /options\.outputFormat: must be one of mp3_22050_32/],
      [{ inactivityTimeout: 500 }, /options\.inactivityTimeout: must be at most 180/],
      [{ generationConfig: { chunkLengthSchedule: [10] } }, /chunkLengthSchedule\[0\]: must be at least 50/],
      [{ voiceSettings: { speed: 3 } }, /options\.voiceSettings\.speed: must be at most 1\.2/],
      [{ seed: -1 }, /options\.seed: must be at least 0/],
      [{ autoMode: "yes" }, /options\.autoMode: must be a boolean/],
      [{ timeoutInSeconds: 0 }, /options\.timeoutInSeconds: must be a positive number/],
      [{ maxBufferedAudioBytes: 0.5 }, /options\.maxBufferedAudioBytes/],
      [{ apiKey: "" }, /options\.apiKey/],
      [{ authorization: "Bearer x" }, /options\.authorization: unknown field/],
    ];
    for (const [options, message] of cases) {
      const error = await streamInput(client, VOICE, "Hi", options as never).catch((e: unknown) => e);
      expect(error, JSON.stringify(options)).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(message);
    }
    for (const [voiceId, text] of [
      ["", "Hi"],
      [VOICE, 42],
      [VOICE, null],
    ] as const) {
      const error = await streamInput(client, voiceId, text as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
    }
    const notAClient = await streamInput({} as ElevenLabsClient, VOICE, "Hi").catch((e: unknown) => e);
    expect(notAClient).toBeInstanceOf(ValidationError);
    expect(sockets(mock.requests).length).toBe(before);
  });

  it("a token that is not a string, or a source that throws, ends the audio with an ElevenLabsError", async () => {
    const bad = await streamInput(client, VOICE, ["Fine ", 7 as unknown as string]);
    const { error } = await within(drain(bad), 10_000, "the audio");
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/text\[1\]: must be a string/);

    async function* failing(): AsyncGenerator<string> {
      yield "Some words ";
      throw new Error("the model went away");
    }
    const failed = await streamInput(client, VOICE, failing());
    const outcome = await within(drain(failed), 10_000, "the audio");
    expect(outcome.error).toBeInstanceOf(ElevenLabsError);
    expect((outcome.error as Error).message).toMatch(/the text source failed: the model went away/);
    await expect(failed.alignment()).rejects.toBe(outcome.error);
  });
});

describe("how a socket ends: typed errors, never silently short audio", () => {
  const faulty = (fault: string) =>
    new ElevenLabsClient({ apiKey: KEY, baseUrl: mock.url, headers: { "x-mock-fault": fault } });

  it("ws-drop (no close frame, 1006) is a ConnectionError, and the audio read so far is not the end", async () => {
    const audio = await streamInput(faulty("ws-drop:after=2"), VOICE, llm(TEXT, 0), {
      generationConfig: { chunkLengthSchedule: [50] },
    });
    const { bytes, error } = await within(drain(audio), 15_000, "the dropped audio");
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/ended abnormally \(1006/);
    expect(bytes).toBeGreaterThan(0);
    await expect(audio.alignment()).rejects.toBeInstanceOf(ConnectionError);
  });

  it("ws-stall (no message while audio is due) is an ElevenLabsTimeoutError after idleTimeoutInSeconds", async () => {
    const audio = await streamInput(faulty("ws-stall:after=1"), VOICE, "A short text that stalls after one message.", {
      idleTimeoutInSeconds: 0.5,
    });
    const { error } = await within(drain(audio), 15_000, "the stalled audio");
    expect(error).toBeInstanceOf(ElevenLabsTimeoutError);
    expect(error).toMatchObject({ phase: "body" });
    expect((error as Error).message).toMatch(/no message for 0\.5 s while audio was due/);
    await until(() => lastSocket().socket?.closeCode !== undefined, 5_000, "the socket's close");
  });

  it("ws-refuse-key (1008 invalid_api_key) is an AuthenticationError; the key is in no error", async () => {
    const audio = await streamInput(faulty("ws-refuse-key"), VOICE, "Hello.");
    const { error } = await within(drain(audio), 10_000, "the refused audio");
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/closed with 1008 \(invalid_api_key\): Invalid API key/);
    expect((error as AuthenticationError).body).toMatchObject({ error: "invalid_api_key", code: 1008 });
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain(KEY);
  });

  it("a key the server does not accept (in the handshake) is an AuthenticationError", async () => {
    const wrong = new ElevenLabsClient({ apiKey: "sk_not_a_key_the_server_knows", baseUrl: mock.url });
    const { error } = await within(drain(await streamInput(wrong, VOICE, "Hello.")), 10_000, "the audio");
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).not.toContain("sk_not_a_key_the_server_knows");
  });

  it("ws-1011 (internal_error) is a RealtimeError with closeCode 1011", async () => {
    const audio = await streamInput(faulty("ws-1011:after=1"), VOICE, llm(TEXT, 0), {
      generationConfig: { chunkLengthSchedule: [50] },
    });
    const { error } = await within(drain(audio), 15_000, "the failed audio");
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ closeCode: 1011, errorType: "internal_error" });
    expect((error as RealtimeError).reason).toMatch(/something went wrong/);
  });

  it("the API's inactivity timeout (1008 input_timeout_exceeded) is a RealtimeError", async () => {
    const session = await connectStreamInput(client, VOICE, { inactivityTimeout: 1 });
    await session.send("Hello ");
    const error = await within(
      session.finished.catch((e: unknown) => e),
      10_000,
      "the inactivity close",
    );
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ closeCode: 1008, errorType: "input_timeout_exceeded" });
    expect((error as Error).message).toMatch(/Have not received a new text input within the timeout of 1 seconds/);
    await expect(session.send("more")).rejects.toBe(error);
  });

  it("a quota the account cannot pay (1008 quota_exceeded) is a QuotaExceededError", async () => {
    const poor = await startMockServer({ engine: "tone", characterLimit: 20 });
    try {
      const c = new ElevenLabsClient({ apiKey: KEY, baseUrl: poor.url });
      const audio = await streamInput(c, VOICE, "This text is longer than the twenty characters the account has left.");
      const { error } = await within(drain(audio), 10_000, "the refused audio");
      expect(error).toBeInstanceOf(QuotaExceededError);
    } finally {
      await poor.close();
    }
  });

  it("a refused handshake is the HTTP status's class (403 for a model not served over WebSockets)", async () => {
    const error = await streamInput(client, VOICE, "Hi", { modelId: "eleven_v3" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ statusCode: 403 });
  });

  it("a server that never completes the handshake is an ElevenLabsTimeoutError after timeoutInSeconds", async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((ready) => silent.listen(0, "127.0.0.1", ready));
    const { port } = silent.address() as { port: number };
    try {
      const c = new ElevenLabsClient({ apiKey: KEY, baseUrl: `http://127.0.0.1:${port}` });
      const error = await within(
        streamInput(c, VOICE, "Hi", { timeoutInSeconds: 0.3 }).catch((e: unknown) => e),
        10_000,
        "the connect timeout",
      );
      expect(error).toBeInstanceOf(ElevenLabsTimeoutError);
      expect(error).toMatchObject({ phase: "headers" });
    } finally {
      silent.close();
    }
  });

  it("nothing listening is a ConnectionError", async () => {
    const c = new ElevenLabsClient({ apiKey: KEY, baseUrl: "http://127.0.0.1:9" });
    const error = await within(
      streamInput(c, VOICE, "Hi").catch((e: unknown) => e),
      10_000,
      "the refusal",
    );
    expect(error).toBeInstanceOf(ConnectionError);
  });
});

describe("abort and cancel", () => {
  it("abortSignal closes the socket, stops reading the text, and fails the audio with an ElevenLabsAbortError", async () => {
    const controller = new AbortController();
    let pulled = 0;
    let finished = false;
    async function* tokens(): AsyncGenerator<string> {
      try {
        for (;;) {
          pulled++;
          yield "word ";
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      } finally {
        finished = true;
      }
    }
    const audio = await streamInput(client, VOICE, tokens(), {
      abortSignal: controller.signal,
      generationConfig: { chunkLengthSchedule: [50] },
    });
    const reader = audio.getReader();
    await within(reader.read(), 10_000, "the first audio");
    controller.abort(new Error("the user hung up"));
    const error = await within(
      (async () => {
        for (;;) await reader.read();
      })().catch((e: unknown) => e),
      5_000,
      "the aborted read",
    );
    expect(error).toBeInstanceOf(ElevenLabsAbortError);
    expect((error as Error).cause).toMatchObject({ message: "the user hung up" });
    await until(() => finished, 5_000, "the token source's end");
    const count = pulled;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pulled).toBe(count);
    await until(() => lastSocket().socket?.closeCode !== undefined, 5_000, "the socket's close");
    expect(lastSocket().socket!.closeCode).toBe(1000);
  });

  it("an aborted signal connects nothing", async () => {
    const before = sockets(mock.requests).length;
    const error = await streamInput(client, VOICE, "Hi", { abortSignal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsAbortError);
    expect(sockets(mock.requests).length).toBe(before);
  });

  it("cancelling the audio closes the socket", async () => {
    const audio = await streamInput(client, VOICE, llm(`${TEXT} ${TEXT} ${TEXT}`, 5), {
      generationConfig: { chunkLengthSchedule: [50] },
    });
    for await (const chunk of audio) {
      expect(chunk.length).toBeGreaterThan(0);
      break; // leaving the loop cancels the stream
    }
    await until(() => lastSocket().socket?.closeCode !== undefined, 5_000, "the socket's close");
    expect(lastSocket().socket!.closeCode).toBe(1000);
  });
});

describe("connectStreamInput: the session", () => {
  it("send, flush (audio now, the socket open), close; chunks with their alignment; finished", async () => {
    const session = await connectStreamInput(client, VOICE, { outputFormat: "pcm_16000" });
    await session.send("First part of the ");
    await session.send("text, ");
    await session.flush();
    const seen: string[] = [];
    const iterator = session[Symbol.asyncIterator]();
    const first = await within(iterator.next(), 10_000, "the flushed audio");
    expect(first.done).toBe(false);
    seen.push(...(first.value?.alignment?.characters ?? []));
    await session.send("and the rest.");
    await session.close();
    await expect(session.send("late")).rejects.toThrow(/send\(\) after close\(\)/);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      seen.push(...(next.value.alignment?.characters ?? []));
    }
    // flush() with no part of a word held sends a space with the flag (every text message needs text).
    expect(seen.join("")).toBe("First part of the text,  and the rest. ");
    await within(session.finished, 5_000, "the close");
    expect(() => session.audio()).toThrow(/read once|already read/);
  });

  it("sends the key in the handshake, not in a message", async () => {
    const session = await connectStreamInput(client, VOICE);
    await session.send("Hi.");
    await session.close();
    for await (const chunk of session) expect(chunk.audio.length).toBeGreaterThan(0);
    const socket = lastSocket();
    expect(socket.headers["xi-api-key"]).toBe("[redacted]");
    expect(JSON.stringify(socket.socket!.received)).not.toMatch(/api.?key/i);
  });
});
