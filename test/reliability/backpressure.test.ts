// Backpressure: the body is pulled from the socket only as it is read, so a 300 MiB answer read slowly keeps memory
// flat. Runs with fetch ("unit") and node:http ("node-send").
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
  let pauses = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const at = received;
    received += value.byteLength;
    // Slowly: a pause every 30 MiB, long enough for the server to send everything if nothing held it back.
    if (Math.floor(received / (30 * MiB)) > Math.floor(at / (30 * MiB))) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      pauses++;
      peak = Math.max(peak, process.memoryUsage.rss() - before);
      // What the server managed to hand to the socket is near what was read: the rest waited.
      expect(sent - received).toBeLessThan(32 * MiB);
    }
  }
  expect(received).toBe(TOTAL);
  expect(pauses).toBe(10);
  expect(peak / MiB, `peak RSS growth ${(peak / MiB).toFixed(1)} MiB`).toBeLessThan(64);
});
