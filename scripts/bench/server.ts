/**
 * The bench's one loopback server (node:http, its own handlers; nothing shared with the mock server). The voice id
 * in `POST /v1/text-to-speech/{voice_id}` says what to answer:
 *
 *   bytes-N   200 audio/mpeg with N bytes (content-length), written in 1 MiB slices with backpressure
 *   ttfb      200 audio/mpeg: 4 KiB at once, the other 4 KiB 200 ms later
 *
 * It listens on 127.0.0.1 only, and refuses to serve more than `maxRequests` requests (a runaway client cannot turn
 * it into a load generator that never ends).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export const TTFB_FIRST_BYTES = 4096;
export const TTFB_DELAY_MS = 200;

export interface BenchServer {
  url: string;
  /** Requests answered so far. */
  count(): number;
  /** TCP connections accepted so far (keep-alive reuse shows as far fewer connections than requests). */
  connections(): number;
  close(): Promise<void>;
}

const SLICE = Buffer.alloc(1 << 20, 0x55);

function audioHead(res: ServerResponse, length: number): void {
  res.writeHead(200, {
    "content-type": "audio/mpeg",
    "content-length": String(length),
    "request-id": "bench",
    "character-cost": "5",
  });
}

/** Write `length` bytes, slice by slice, waiting for `drain` when the socket is full. */
function sendBytes(res: ServerResponse, length: number): void {
  audioHead(res, length);
  let left = length;
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      const n = Math.min(left, SLICE.byteLength);
      left -= n;
      const more = res.write(n === SLICE.byteLength ? SLICE : SLICE.subarray(0, n));
      if (!more && left > 0) {
        res.once("drain", pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

function sendTtfb(res: ServerResponse): void {
  audioHead(res, TTFB_FIRST_BYTES * 2);
  res.write(SLICE.subarray(0, TTFB_FIRST_BYTES));
  const timer = setTimeout(() => {
    if (!res.destroyed) res.end(SLICE.subarray(0, TTFB_FIRST_BYTES));
  }, TTFB_DELAY_MS);
  res.on("close", () => clearTimeout(timer));
}

export async function startBenchServer(maxRequests = 500_000): Promise<BenchServer> {
  let served = 0;
  let connections = 0;
  const sockets = new Set<Socket>();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    served++;
    if (served > maxRequests) {
      res.writeHead(503, { connection: "close" }).end();
      return;
    }
    const voice = /^\/v1\/text-to-speech\/([^/?]+)/.exec(req.url ?? "")?.[1] ?? "";
    const bytes = /^bytes-(\d+)$/.exec(voice);
    if (req.method === "POST" && bytes) sendBytes(res, Number(bytes[1]));
    else if (req.method === "POST" && voice === "ttfb") sendTtfb(res);
    else res.writeHead(404, { "content-type": "application/json" }).end('{"detail":"unknown bench route"}');
  };
  const server = createServer((req, res) => {
    // Read the request body to the end before answering, as a real API does.
    req.on("data", () => undefined);
    req.on("end", () => handle(req, res));
    req.on("error", () => res.destroy());
  });
  server.keepAliveTimeout = 30_000;
  server.on("connection", (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => served,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
