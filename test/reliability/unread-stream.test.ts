// A program that cancels the audio stream and does nothing else exits promptly, even when the server keeps the
// connection open: cancel() releases the socket, and no timer of the client keeps Node alive. (Regression test.)
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const DIST = resolve(import.meta.dirname, "../../dist/src/node/index.js");

let server: TestServer;
let dir: string;
let closedAt: number | undefined;
beforeAll(async () => {
  server = await startTestServer((req, res) => {
    req.socket.on("close", () => (closedAt = Date.now()));
    res.writeHead(200, { "content-type": "audio/mpeg", "request-id": "req_unread" });
    res.write(Buffer.alloc(4096, 1));
    // … and nothing more for a minute: the connection stays open unless the client closes it.
    const timer = setTimeout(() => res.end(), 60_000);
    res.on("close", () => clearTimeout(timer));
  });
  dir = await mkdtemp(join(tmpdir(), "h-unread-"));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const SCRIPT = `
import { ElevenLabsClient } from ${JSON.stringify(pathToFileURL(DIST).href)};
const client = new ElevenLabsClient({ apiKey: "k", baseUrl: process.argv[2], maxRetries: 0 });
const audio = await client.textToSpeech.convert("voice", { text: "Hello" });
await audio.cancel();
console.log("cancelled");
`;

describe("an unread, cancelled stream", () => {
  it("the process exits within 3 s of cancel()", { timeout: 20_000 }, async () => {
    expect(existsSync(DIST), `${DIST} (built by the global setup)`).toBe(true);
    const script = join(dir, "cancel.mjs");
    await writeFile(script, SCRIPT);
    const child = spawn(process.execPath, [script, server.url], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let cancelledAt: number | undefined;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (cancelledAt === undefined && stdout.includes("cancelled")) cancelledAt = Date.now();
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const exit = await Promise.race([
      new Promise<{ code: number | null; at: number }>((r) => child.on("exit", (code) => r({ code, at: Date.now() }))),
      new Promise<"still running">((r) => (timer = setTimeout(() => r("still running"), 15_000))),
    ]);
    clearTimeout(timer);
    if (exit === "still running") child.kill("SIGKILL");
    expect(exit, `stdout: ${stdout}\nstderr: ${stderr}`).not.toBe("still running");
    const { code, at } = exit as { code: number | null; at: number };
    expect(code, stderr).toBe(0);
    expect(cancelledAt).toBeDefined();
    expect(at - cancelledAt!).toBeLessThan(3000);
    expect(server.requests).toHaveLength(1);
    // The client closed the connection (the server would have kept it open for a minute).
    expect(closedAt).toBeDefined();
  });
});
