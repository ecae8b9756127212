// An AudioStream is read once: reading it again is an ElevenLabsError that says so, never the platform's bare
// TypeError ("body object should not be disturbed or locked", "ReadableStream is locked").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AudioStream, ElevenLabsClient, ElevenLabsError } from "../../src/index.ts";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone", chunkMs: 50 });
});
afterAll(() => mock.close());

const convert = () =>
  new ElevenLabsClient({ apiKey: "k", baseUrl: mock.url }).textToSpeech.convert("voice", { text: "Read me once." });

async function secondRead(first: (a: AudioStream) => Promise<unknown>, second: (a: AudioStream) => unknown) {
  const audio = await convert();
  await first(audio);
  try {
    await second(audio);
  } catch (error) {
    return error;
  }
  return undefined;
}

const drain = async (audio: AudioStream) => {
  for await (const _ of audio) void _;
};

describe("reading an AudioStream twice", () => {
  it.each([
    ["bytes() then bytes()", (a: AudioStream) => a.bytes(), (a: AudioStream) => a.bytes()],
    ["for await then bytes()", drain, (a: AudioStream) => a.bytes()],
    ["bytes() then for await", (a: AudioStream) => a.bytes(), drain],
    ["bytes() then blob()", (a: AudioStream) => a.bytes(), (a: AudioStream) => a.blob()],
    ["bytes() then values()", (a: AudioStream) => a.bytes(), (a: AudioStream) => a.values().next()],
    ["bytes() then pipeTo()", (a: AudioStream) => a.bytes(), (a: AudioStream) => a.pipeTo(new WritableStream())],
    ["bytes() then tee()", (a: AudioStream) => a.bytes(), (a: AudioStream) => a.tee()],
    [
      "bytes() then pipeThrough()",
      (a: AudioStream) => a.bytes(),
      (a: AudioStream) => a.pipeThrough(new TransformStream<Uint8Array, Uint8Array>()),
    ],
  ])("%s: an ElevenLabsError that says it was already read", async (_, first, second) => {
    const error = await secondRead(first, second);
    expect(error).toBeInstanceOf(ElevenLabsError);
    expect((error as Error).message).toMatch(/already read/);
  });

  it("getReader() while another reader holds it: the same ElevenLabsError", async () => {
    const audio = await convert();
    const reader = audio.getReader();
    expect(() => audio.getReader()).toThrow(ElevenLabsError);
    expect(() => audio.getReader()).toThrow(/already read/);
    await reader.cancel();
  });

  it("a first read still works with every reader, and values({ preventCancel }) leaves the stream open", async () => {
    const whole = await (await convert()).bytes();
    expect(whole.byteLength).toBeGreaterThan(1000);
    const audio = await convert();
    for await (const chunk of audio.values({ preventCancel: true })) {
      expect(chunk.byteLength).toBeGreaterThan(0);
      break;
    }
    // Not cancelled: the rest is still there for a reader.
    const reader = audio.getReader();
    let rest = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value.byteLength;
    expect(rest).toBeGreaterThan(0);
  });
});
