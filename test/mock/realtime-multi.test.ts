// The local server's multi-stream-input: several contexts on one socket, each its own audio stream and alignment,
// flushed, kept alive, closed one by one or all at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { walkMp3Frames } from "../helpers/audio-check.ts";
import { audioOf, channelUrl, connect, sessionTimeline } from "../helpers/ws-session.ts";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone" });
});
afterAll(() => mock.close());

describe("multi-stream-input", () => {
  it("two contexts interleaved: outputs carry contextId, each context's audio is one MP3, aligned to its own text", async () => {
    const s = await connect(channelUrl(mock.url, "multi-stream-input", { output_format: "mp3_22050_32" }));
    s.send({ text: " ", context_id: "a", voice_settings: { stability: 0.5 } });
    s.send({ text: "Hello from context A. ", context_id: "a" });
    s.send({ text: "Hi, this is B, with other settings. ", context_id: "b", voice_settings: { stability: 0.2 } });
    s.send({ text: "More for A. ", context_id: "a", flush: true });
    s.send({ context_id: "b", flush: true });
    await s.until(() => ["a", "b"].every((id) => s.audioMessages(id).length > 0), 15_000, "audio for both contexts");
    s.send({ context_id: "a", close_context: true });
    await s.until(() => s.messages.some((m) => m.isFinal === true && m.contextId === "a"), 15_000, "isFinal for a");
    s.send({ close_socket: true });
    expect((await s.close()).code).toBe(1000);
    expect(s.messages.filter((m) => m.isFinal === true).map((m) => m.contextId)).toEqual(["a", "b"]);
    expect(s.messages.every((m) => m.contextId === "a" || m.contextId === "b")).toBe(true);
    const texts = { a: "Hello from context A. More for A. ", b: "Hi, this is B, with other settings. " };
    for (const [id, text] of Object.entries(texts)) {
      const audio = s.audioMessages(id);
      walkMp3Frames(audioOf(audio), { cbr: true });
      expect(sessionTimeline("mp3_22050_32", audio).chars.join("")).toBe(text);
    }
  });

  it("close_context drops text not flushed yet; its isFinal still comes", async () => {
    const s = await connect(channelUrl(mock.url, "multi-stream-input", { output_format: "pcm_16000" }));
    s.send({ text: " ", context_id: "x" });
    s.send({ text: "Flushed words. ", context_id: "x", flush: true });
    s.send({ text: "never spoken", context_id: "x" });
    s.send({ context_id: "x", close_context: true });
    await s.until(() => s.messages.some((m) => m.isFinal === true), 15_000, "isFinal");
    expect(sessionTimeline("pcm_16000", s.audioMessages("x")).chars.join("")).toBe("Flushed words. ");
    s.send({ close_socket: true });
    expect((await s.close()).code).toBe(1000);
  });

  it("a context with no message for inactivity_timeout closes (isFinal); keep-alives ({text: ''}) keep another open", async () => {
    const s = await connect(channelUrl(mock.url, "multi-stream-input", { inactivity_timeout: "1" }));
    s.send({ text: " ", context_id: "idle" });
    s.send({ text: "", context_id: "kept" }); // opens "kept"
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, 600));
      s.send({ text: "", context_id: "kept" });
    }
    await s.until(() => s.messages.some((m) => m.contextId === "idle"), 15_000, "isFinal for the idle context");
    expect(s.messages).toEqual([{ isFinal: true, contextId: "idle" }]);
    expect(s.ended).toBeUndefined();
    s.send({ close_socket: true });
    expect((await s.close()).code).toBe(1000);
    expect(s.messages.at(-1)).toEqual({ isFinal: true, contextId: "kept" });
  });

  it("messages without context_id use the default context, whose outputs carry no contextId", async () => {
    const s = await connect(channelUrl(mock.url, "multi-stream-input", { output_format: "pcm_16000" }));
    s.send({ text: " " });
    s.send({ text: "Default context. ", flush: true });
    s.send({ close_socket: true });
    expect((await s.close()).code).toBe(1000);
    expect(s.audioMessages().length).toBeGreaterThan(0);
    expect(s.messages.some((m) => "contextId" in m)).toBe(false);
    expect(s.messages.at(-1)).toEqual({ isFinal: true });
  });

  it("a context's voice_settings may not change once set", async () => {
    const s = await connect(channelUrl(mock.url, "multi-stream-input"));
    s.send({ text: " ", context_id: "c", voice_settings: { speed: 1 } });
    s.send({ text: "Changed. ", context_id: "c", voice_settings: { speed: 1.1 } });
    const { code } = await s.close();
    expect(code).toBe(1008);
  });
});
