// A slow reader of the audio does not make the client's memory grow with the text: over maxBufferedAudioBytes unread,
// or 1,000 characters ahead of the alignment received, the text waits (so the API generates no more), and a `ws`
// socket stops being read; a browser's WebSocket, which cannot pause, is bounded by the text sent ahead. The text here would make about 6 minutes of audio; the reader takes a
// chunk every 50 ms for 3 s, then stops.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { connectStreamInput, ElevenLabsClient, streamInput } from "../../src/node/index.ts";
import { browserLikeWebSocket, VOICE, within } from "./helpers.ts";

let mock: MockServer;
let client: ElevenLabsClient;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone" });
  client = new ElevenLabsClient({ apiKey: "sk_backpressure_key_0123", baseUrl: mock.url });
});
afterAll(() => mock.close());

const BOUND = 32 * 1024;
const WORDS = Array.from({ length: 1500 }, (_, i) => `word${i % 10} `);

describe.each([
  ["ws (the socket pauses)", undefined],
  ["a browser's WebSocket (the text waits)", browserLikeWebSocket().WebSocket],
])("a slow reader, %s", (_, webSocket) => {
  it("keeps the unread audio bounded, and stops taking text", async () => {
    const session = await connectStreamInput(client, VOICE, {
      outputFormat: "mp3_22050_32",
      maxBufferedAudioBytes: BOUND,
      generationConfig: { chunkLengthSchedule: [50] },
      ...(webSocket ? { webSocket } : {}),
    });
    let sent = 0;
    const writing = (async () => {
      for (const word of WORDS) {
        await session.send(word);
        sent++;
      }
      await session.close();
    })().catch(() => undefined);
    const reader = session.audio().getReader();
    let read = 0;
    let most = 0;
    const end = Date.now() + 3_000;
    while (Date.now() < end) {
      const next = await within(reader.read(), 10_000, "a chunk");
      if (next.done) break;
      read += next.value.length;
      most = Math.max(most, session.bufferedAudioBytes);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    console.log(
      `${_}: read ${read} B, at most ${most} B unread (bound ${BOUND} B), ${sent}/${WORDS.length} words sent`,
    );
    expect(read).toBeGreaterThan(0);
    // The bound, and what was on its way when it was reached: with ws, what the socket had buffered; without, the
    // audio of the text sent ahead (at most 1,000 characters). Far below the 1.4 MB the whole text makes.
    expect(most).toBeLessThan(BOUND + (webSocket ? 400 : 100) * 1024);
    expect(sent).toBeLessThan(WORDS.length);
    session.abort();
    await reader.cancel().catch(() => undefined);
    await within(writing, 5_000, "the writer's end");
  });
});

describe("streamInput with a slow reader", () => {
  it("reads the token source only as the audio is read", async () => {
    let pulled = 0;
    async function* tokens(): AsyncGenerator<string> {
      for (const word of WORDS) {
        pulled++;
        yield word;
      }
    }
    const audio = await streamInput(client, VOICE, tokens(), {
      outputFormat: "mp3_22050_32",
      maxBufferedAudioBytes: BOUND,
      generationConfig: { chunkLengthSchedule: [50] },
    });
    const reader = audio.getReader();
    for (let i = 0; i < 10; i++) {
      await within(reader.read(), 10_000, "a chunk");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const after = pulled;
    expect(after).toBeLessThan(WORDS.length);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(pulled - after).toBeLessThan(200);
    await reader.cancel();
  });
});
