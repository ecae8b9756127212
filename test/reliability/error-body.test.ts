// An error response's body is read to at most 64 KiB, for at most min(idle timeout, 5 s); the rest is cancelled and
// the connection released. The error is still the status's class (not a timeout), with the prefix that arrived.
import type { ServerResponse } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ElevenLabsClient,
  ElevenLabsError,
  ElevenLabsTimeoutError,
  ServerError,
  type ElevenLabsClientOptions,
} from "../../src/index.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { settle } from "../helpers/settle.ts";

const LIMIT = 65_536;
let server: TestServer;
/** When the server saw the client's connection close, per request, in order. */
let closed: (number | undefined)[];
beforeEach(async () => {
  server = await startTestServer();
  closed = [];
});
afterEach(() => server.close());

const client = (options: ElevenLabsClientOptions = {}) =>
  new ElevenLabsClient({ apiKey: "k", baseUrl: server.url, maxRetries: 0, ...options });

/** Write `chunk` every `everyMs` until the client goes away; records when the socket closes. */
function endless(status: number, type: string, first: string, chunk: Buffer, everyMs: number) {
  server.handle((req, res: ServerResponse) => {
    const index = closed.push(undefined) - 1;
    req.socket.on("close", () => (closed[index] = Date.now()));
    res.writeHead(status, { "content-type": type });
    res.write(first);
    const timer = setInterval(() => {
      if (res.destroyed || res.writableEnded) return clearInterval(timer);
      res.write(chunk);
    }, everyMs);
    res.on("close", () => clearInterval(timer));
  });
}

const convert = (c: ElevenLabsClient) => c.textToSpeech.convert("voice", { text: "Hi" }).then((a) => a.bytes());

function expectBoundedBody(error: ElevenLabsError): void {
  expect(typeof error.body).toBe("string");
  const body = error.body as string;
  expect(body.length).toBeGreaterThan(0);
  expect(body.length).toBeLessThanOrEqual(LIMIT);
}

describe("error bodies are bounded", () => {
  it(
    "a 500 whose HTML body never ends: ServerError with ≤ 64 KiB, connection closed",
    { timeout: 15_000 },
    async () => {
      endless(500, "text/html", "<html><body>", Buffer.alloc(16_384, "<p>overloaded</p>\n"), 5);
      const result = await settle(convert(client()), 8000, "convert of an endless 500");
      const rejectedAt = Date.now();
      expect(result.error).toBeInstanceOf(ServerError);
      expect(result.error).not.toBeInstanceOf(ElevenLabsTimeoutError);
      const error = result.error as ServerError;
      expect(error.statusCode).toBe(500);
      expect(result.ms).toBeLessThan(3000);
      expectBoundedBody(error);
      expect((error.body as string).startsWith("<html><body><p>overloaded</p>")).toBe(true);
      expect(error.message.length).toBeLessThan(300);
      // The rest was cancelled: the server sees the connection go soon after.
      const deadline = rejectedAt + 2000;
      while (closed[0] === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(closed[0], "the server saw the socket close").toBeDefined();
      expect(closed[0]! - rejectedAt).toBeLessThan(2000);
    },
  );

  it(
    "a 500 that drips 1 byte per 100 ms: ServerError after the idle timeout (0.5 s)",
    { timeout: 15_000 },
    async () => {
      endless(500, "text/plain", "upstream", Buffer.from("."), 100);
      const result = await settle(convert(client({ idleTimeoutInSeconds: 0.5 })), 8000, "convert of a dripping 500");
      expect(result.error).toBeInstanceOf(ServerError);
      expect(result.error).not.toBeInstanceOf(ElevenLabsTimeoutError);
      expect((result.error as ServerError).statusCode).toBe(500);
      expect(result.ms).toBeLessThan(2500);
      const body = (result.error as ServerError).body;
      expect(typeof body).toBe("string");
      expect((body as string).startsWith("upstream")).toBe(true);
      expect((result.error as Error).message).toContain("upstream");
    },
  );

  it("a complete 5 MB HTML 500: ServerError, a short message, a body of ≤ 64 KiB", { timeout: 15_000 }, async () => {
    const page = `<html><body>${"<div>   error   page   </div>\n".repeat(180_000)}</body></html>`;
    expect(page.length).toBeGreaterThan(5_000_000);
    server.handle((_req, res) => {
      res.writeHead(500, { "content-type": "text/html", "content-length": String(Buffer.byteLength(page)) });
      res.end(page);
    });
    const result = await settle(convert(client()), 8000, "convert of a 5 MB 500");
    expect(result.error).toBeInstanceOf(ServerError);
    const error = result.error as ServerError;
    expect(error.statusCode).toBe(500);
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).toContain("error page");
    expectBoundedBody(error);
    expect(page.startsWith(error.body as string)).toBe(true);
  });

  it("a 200 application/json body that never ends: an ElevenLabsError, not a hang", { timeout: 15_000 }, async () => {
    endless(200, "application/json", '{"detail":"', Buffer.alloc(16_384, "a"), 5);
    const result = await settle(convert(client()), 8000, "convert of an endless JSON 200");
    expect(result.error).toBeInstanceOf(ElevenLabsError);
    expect(result.error).not.toBeInstanceOf(ElevenLabsTimeoutError);
    const error = result.error as ElevenLabsError;
    expect(error.statusCode).toBe(200);
    expect(error.message).toContain("instead of audio");
    expect(error.message.length).toBeLessThan(400);
    expect(result.ms).toBeLessThan(3000);
    expect(JSON.stringify(error.body ?? "").length).toBeLessThanOrEqual(LIMIT + 100);
  });

  it(
    "a 200 application/json body that drips: an ElevenLabsError after the idle timeout",
    { timeout: 15_000 },
    async () => {
      endless(200, "application/json", '{"detail":"', Buffer.from("a"), 100);
      const result = await settle(
        convert(client({ idleTimeoutInSeconds: 0.5 })),
        10_000,
        "convert of a dripping JSON 200",
      );
      expect(result.error).toBeInstanceOf(ElevenLabsError);
      expect((result.error as ElevenLabsError).statusCode).toBe(200);
      // Within a few seconds: min(idle timeout, 5 s) if the facade applies the same bound, at most the 5 s cap.
      expect(result.ms).toBeLessThan(6500);
    },
  );
});
