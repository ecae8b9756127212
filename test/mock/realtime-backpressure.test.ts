// The local server's realtime WebSocket does not buffer without bound for a client that reads slowly: it waits for
// the client (seconds of CPU: in the slow project).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { channelUrl, connect, sessionTimeline } from "../helpers/ws-session.ts";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ engine: "tone" });
});
afterAll(() => mock.close());

describe("backpressure", () => {
  it("a client that stops reading stops the server; it gets everything once it reads again", async () => {
    // 3,000 characters of 60 ms each at 44.1 kHz PCM: about 16 MB of audio, far more than the server may buffer.
    const s = await connect(channelUrl(mock.url, "stream-input", { output_format: "pcm_44100" }));
    s.ws.pause();
    s.send({ text: " " });
    s.send({ text: "abcdefghi ".repeat(300), flush: true });
    s.send({ text: "" });
    const record = () => mock.requests.at(-1)!.socket!;
    let sent = -1;
    for (let i = 0; i < 40 && sent !== record().sent; i++) {
      sent = record().sent;
      await new Promise((r) => setTimeout(r, 100));
    }
    // The server stopped: what it sent (each message is 200 ms, 17.6 kB of audio) is far from the whole.
    expect(record().sent).toBe(sent);
    const total = Math.ceil((3000 * 0.06) / 0.2);
    expect(sent).toBeLessThan(total / 2);
    s.ws.resume();
    expect((await s.close(30_000)).code).toBe(1000);
    expect(s.audioMessages().length).toBeGreaterThanOrEqual(total);
    expect(sessionTimeline("pcm_44100", s.audioMessages()).chars.join("")).toBe("abcdefghi ".repeat(300));
  }, 40_000);
});
