// connectMultiStreamInput() against the local server's multi-stream-input WebSocket: contexts opened by id, each
// with its own settings, text and audio (a valid stream of its own, aligned on its own timeline), flushed, kept
// alive, closed, and the socket closed after every context's end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import {
  connectMultiStreamInput,
  ElevenLabsAbortError,
  ElevenLabsClient,
  RealtimeError,
  ValidationError,
} from "../../src/node/index.ts";
import { walkMp3Frames } from "../helpers/audio-check.ts";
import { alignmentProblems, sockets, VOICE, within } from "./helpers.ts";

let mock: MockServer;
let client: ElevenLabsClient;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone" });
  client = new ElevenLabsClient({ apiKey: "sk_multi_context_key_0123", baseUrl: mock.url });
});
afterAll(() => mock.close());

describe("connectMultiStreamInput", () => {
  it("two contexts on one socket: each its own audio and alignment; close() ends both, then the socket", async () => {
    const session = await connectMultiStreamInput(client, VOICE, { outputFormat: "mp3_44100_64" });
    const a = session.context("a", { generationConfig: { chunkLengthSchedule: [50] } });
    const b = session.context("b", { voiceSettings: { stability: 0.3 } });
    const audioA = a.audio();
    const chunksB: string[] = [];
    const readB = (async () => {
      const parts: Uint8Array[] = [];
      for await (const chunk of b) {
        parts.push(chunk.audio);
        chunksB.push(...(chunk.alignment?.characters ?? []));
      }
      return Buffer.concat(parts);
    })();
    const textA = "The first context speaks this sentence, then another one after it. ";
    const textB = "The second context says something else.";
    for (const word of textA.split(/(?<= )/)) await a.send(word);
    for (const word of textB.split(/(?<= )/)) await b.send(word);
    await a.flush();
    await b.keepAlive();
    await session.close();
    const [bytesA, bytesB] = await within(Promise.all([audioA.bytes(), readB]), 20_000, "both contexts' audio");
    await within(session.finished, 5_000, "the socket's close");
    const alignmentA = await audioA.alignment();
    expect(alignmentA.characters.join("")).toBe(textA);
    // A later context's first message is `{"text": " "}`, which the local server speaks as text (a leading space).
    expect(chunksB.join("").trimStart()).toBe(`${textB} `);
    const walkA = walkMp3Frames(bytesA, { cbr: true });
    walkMp3Frames(bytesB, { cbr: true });
    expect(alignmentProblems(alignmentA, walkA.durationSeconds)).toEqual([]);

    const received = sockets(mock.requests).at(-1)!.socket!.received as Record<string, unknown>[];
    expect(received[0]).toEqual({ text: " ", context_id: "a", generation_config: { chunk_length_schedule: [50] } });
    expect(received[1]).toEqual({ text: " ", context_id: "b", voice_settings: { stability: 0.3 } });
    expect(received).toContainEqual({ text: "", context_id: "b" });
    expect(received.at(-2)).toEqual({ context_id: "b", text: "else. ", flush: true });
    expect(received.at(-1)).toEqual({ close_socket: true });
    expect(sockets(mock.requests).at(-1)!.socket!.closeCode).toBe(1000);
  });

  it("closing one context flushes its text and ends its audio; the others go on", async () => {
    const session = await connectMultiStreamInput(client, VOICE);
    const first = session.context("first");
    const second = session.context("second");
    await first.send("Only a few words");
    await first.close();
    await expect(first.send("more")).rejects.toThrow(/send\(\) after close\(\)/);
    const audio = await within(first.audio().bytes(), 15_000, "the closed context's audio");
    expect(audio.length).toBeGreaterThan(0);
    await second.send("The second one is still open.");
    await second.close();
    const characters: string[] = [];
    for await (const chunk of second) characters.push(...(chunk.alignment?.characters ?? []));
    expect(characters.join("").trimStart()).toBe("The second one is still open. ");
    const reopened = session.context("first");
    await reopened.send("A new context with an old name.");
    await session.close();
    expect((await within(reopened.audio().bytes(), 15_000, "the reopened context")).length).toBeGreaterThan(0);
    await within(session.finished, 5_000, "the close");
  });

  it("checks a context's settings and id before sending; the socket's error ends every context", async () => {
    const session = await connectMultiStreamInput(client, VOICE, { inactivityTimeout: 1 });
    expect(() => session.context("x", { voiceSettings: { speed: 9 } })).toThrow(ValidationError);
    expect(() => session.context("")).toThrow(ValidationError);
    const open = session.context("x");
    expect(() => session.context("x")).toThrow(/already open/);
    // No message for inactivity_timeout: the API closes the socket (1008), and every context's reads fail with it.
    const error = await within(
      open
        .audio()
        .bytes()
        .catch((e: unknown) => e),
      10_000,
      "the idle socket's end",
    );
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ closeCode: 1008, errorType: "input_timeout_exceeded" });
    await expect(session.finished).rejects.toBe(error);
  });

  it("abort() ends every context with an ElevenLabsAbortError", async () => {
    const session = await connectMultiStreamInput(client, VOICE);
    const one = session.context("one");
    await one.send("Words that will not all be spoken. ");
    session.abort();
    const error = await within(
      one
        .audio()
        .bytes()
        .catch((e: unknown) => e),
      5_000,
      "the abort",
    );
    expect(error).toBeInstanceOf(ElevenLabsAbortError);
    await expect(session.finished).rejects.toBe(error);
    expect(() => session.context("two")).not.toThrow();
  });
});
