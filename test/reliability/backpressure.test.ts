// Backpressure: the body is pulled from the socket only as it is read, so a 300 MiB answer read slowly keeps memory
// flat and the server waits. Runs with fetch ("unit") and node:http ("node-send").
import { afterAll, beforeAll, expect, it } from "vitest";
import { ElevenLabsClient } from "../../src/index.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const MiB = 1024 * 1024;
const TOTAL = 300 * MiB;
let server: TestServer;
let sent = 0;

beforeAll(async () => {
  const block = Buffer.alloc(MiB, 1);
  server = await startTestServer((_req, res) => {
    res.writeHead(200, { "content-type": "audio/mpeg", "content-length": String(TOTAL) });
    sent = 0;
    // As fast as the socket takes it: each write waits for the previous one to drain.
    const write = (): void => {
      while (sent < TOTAL) {
        sent += MiB;
        if (!res.write(block)) return void res.once("drain", write);
      }
      res.end();
    };
    write();
  });
});
afterAll(() => server.close());

it("a 300 MiB answer read slowly: memory stays flat, and the server waits for the reader", async () => {
  const client = new ElevenLabsClient({ apiKey: "k", baseUrl: server.url, maxRetries: 0 });
  const audio = await client.textToSpeech.convert("voice", { text: "Hi" });
  const reader = audio.getReader();
  const before = process.memoryUsage.rss();
  let received = 0;
  let peak = 0;
  // Slowly: 100 ms after every 8 MiB, long enough for the server to send all 300 MiB if nothing held it back. The
  // first 48 MiB prove it (reading all of it would only cost CPU that other tests' timers need).
  while (received < 48 * MiB) {
    const { done, value } = await reader.read();
    if (done) break;
    const at = received;
    received += value.byteLength;
    if (Math.floor(received / (8 * MiB)) > Math.floor(at / (8 * MiB))) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      peak = Math.max(peak, process.memoryUsage.rss() - before);
      // What the server managed to hand to the socket is near what was read: the rest waited.
      expect((sent - received) / MiB, "MiB sent ahead of the reader").toBeLessThan(24);
    }
  }
  await reader.cancel();
  expect(received).toBeGreaterThanOrEqual(48 * MiB);
  expect(sent / MiB, "MiB the server sent in all").toBeLessThan(80);
  expect(peak / MiB, `peak RSS growth ${(peak / MiB).toFixed(1)} MiB`).toBeLessThan(64);
});
