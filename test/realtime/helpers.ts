/**
 * Helpers of the realtime client's tests: a simulated LLM, a browser-like WebSocket (which refuses a second argument
 * that is not a subprotocol, as browsers do), a same-origin proxy that adds the key, and bounded waits.
 */
import { createServer, request as httpRequest, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Alignment } from "../../src/captions.ts";
import type { RecordedRequest } from "../../src/mock/index.ts";

export { browserLikeWebSocket } from "../../scripts/measure/realtime.ts";

export const VOICE = "JBFqnCBsd6RMkjVDRZzb";

/** An LLM's tokens: `text` cut into pieces of 1 to 4 characters (inside words too), one every `ms`. */
export async function* llm(text: string, ms: number, signal?: AbortSignal): AsyncGenerator<string> {
  let at = 0;
  for (let n = 0; at < text.length; n++) {
    const size = 1 + ((n * 7) % 4);
    yield text.slice(at, at + size);
    at += size;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    if (signal?.aborted) return;
  }
}

/**
 * A same-origin proxy for WebSockets (and HTTP), as docs/realtime.md describes: it forwards `/v1/*` to `upstream`
 * and puts `apiKey` on the handshake. Raw TCP after the upgrade: the messages pass untouched.
 */
export async function startKeyProxy(
  upstream: string,
  apiKey: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const out = httpRequest(
      new URL(req.url ?? "/", upstream),
      { method: req.method ?? "GET", headers: { ...req.headers, host: target.host, "xi-api-key": apiKey } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  server.on("upgrade", (req: IncomingMessage, client: Socket, head: Buffer) => {
    if (!req.url?.startsWith("/v1/")) return client.destroy();
    const out = httpRequest(new URL(req.url, upstream), {
      method: "GET",
      headers: { ...req.headers, host: target.host, "xi-api-key": apiKey },
    });
    out.on("upgrade", (answer, upstreamSocket, upstreamHead) => {
      const lines = [`HTTP/1.1 101 Switching Protocols`];
      for (let i = 0; i < answer.rawHeaders.length; i += 2)
        lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
      client.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (upstreamHead.length) client.write(upstreamHead);
      if (head.length) upstreamSocket.write(head);
      upstreamSocket.pipe(client).pipe(upstreamSocket);
      upstreamSocket.on("error", () => client.destroy());
      client.on("error", () => upstreamSocket.destroy());
      sockets.add(upstreamSocket);
    });
    out.on("response", (answer) => {
      client.end(`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}\r\nconnection: close\r\n\r\n`);
    });
    out.on("error", () => client.destroy());
    out.end();
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** The socket requests the local server recorded (newest last). */
export const sockets = (requests: readonly RecordedRequest[]): RecordedRequest[] =>
  requests.filter((r) => r.socket !== undefined || r.status === 101);

/** Resolves when `check()` holds, checking every 20 ms; rejects after `ms` with `what`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A promise's outcome within `ms`: its value or error, or a test failure naming `what` (nothing may hang). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no outcome within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** What must hold of an alignment on one timeline: times non-decreasing, each start at most its end. */
export function alignmentProblems(alignment: Alignment, duration: number): string[] {
  const problems: string[] = [];
  const { characters, characterStartTimesSeconds: starts, characterEndTimesSeconds: ends } = alignment;
  if (starts.length !== characters.length || ends.length !== characters.length) problems.push("lengths differ");
  for (let i = 0; i < characters.length; i++) {
    const [start, end] = [starts[i]!, ends[i]!];
    if (!(start <= end)) problems.push(`${i} ${JSON.stringify(characters[i])}: ${start} after its end ${end}`);
    if (i > 0 && start < starts[i - 1]!) problems.push(`${i}: start ${start} before the previous ${starts[i - 1]}`);
    if (start < 0 || start > duration + 0.001) problems.push(`${i}: start ${start} outside 0–${duration}`);
  }
  return problems;
}
