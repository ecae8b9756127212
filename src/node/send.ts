/**
 * The Node entry's Send: node:http and node:https on keep-alive agents, with the body pulled from the socket only as
 * it is read (backpressure), gzip, deflate and br decoded with node:zlib. The transport's policy (src/core/transport.ts)
 * is the same as over fetch: a kept-alive socket that the server closed meanwhile fails before any response, as a
 * connection failure, and is retried as one.
 *
 * It never bypasses a proxy: a request goes through fetch instead when HTTP(S)_PROXY applies to its URL (NO_PROXY
 * considered) or an undici global dispatcher other than Node's default is installed, and when its body is of a kind
 * that only fetch encodes (FormData, Blob, URLSearchParams).
 */
import type { Agent, request as httpRequest } from "node:http";
import type { Readable } from "node:stream";
import type { ElevenLabsClientOptions } from "../client.js";
import { invalid } from "../core/errors.js";
import { fetchSend, ignore, type BodyReader, type Send } from "../core/send.js";

// An idle socket is closed after 4 s, or 1 s before the server's `Keep-Alive: timeout=N` (Node applies the hint only
// under a timeout), so that a socket the server is about to close is seldom reused.
const KEEP_ALIVE = { keepAlive: true, timeout: 4000 };
interface Wire {
  request: typeof httpRequest;
  agent: Agent;
}
const wires: Partial<Record<string, Wire>> = {};

/**
 * node:http or node:https and its agent, loaded by the first request: importing the package loads neither (nor TLS,
 * nor node:zlib, which the first compressed answer loads).
 */
async function load(protocol: string): Promise<Wire> {
  const { Agent, request } = protocol === "https:" ? await import("node:https") : await import("node:http");
  return (wires[protocol] ??= { request, agent: new Agent(KEEP_ALIVE) });
}

/** node:zlib's decoder for each content-encoding that fetch decodes. */
const DECODERS: Record<string, "createGunzip" | "createInflate" | "createBrotliDecompress"> = {
  gzip: "createGunzip",
  "x-gzip": "createGunzip",
  deflate: "createInflate",
  br: "createBrotliDecompress",
};

/** A body node:http can write as it is; anything else (FormData, Blob …) goes through fetch. */
const writable = (body: unknown): body is string | Uint8Array | ArrayBuffer | null | undefined =>
  body == null || typeof body === "string" || body instanceof Uint8Array || body instanceof ArrayBuffer;

/** A paused stream's data as a pull-based reader: nothing is read from the socket until it is asked for. */
function reader(stream: Readable, release: () => void): BodyReader {
  let ended = false;
  let failed: unknown;
  let wake: (() => void) | undefined;
  const poke = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  stream.on("readable", poke);
  stream.on("end", () => {
    ended = true;
    release();
    poke();
  });
  stream.on("error", (error) => {
    failed = error;
    release();
    poke();
  });
  stream.on("close", () => {
    failed ??= ended ? undefined : Object.assign(new Error("closed mid-body"), { code: "ECONNRESET" });
    poke();
  });
  return {
    async read() {
      for (;;) {
        const chunk = stream.read() as Buffer | null;
        if (chunk) return { done: false, value: new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength) };
        if (failed !== undefined) throw failed;
        if (ended) return { done: true };
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async cancel() {
      ended = true;
      release();
      stream.destroy();
    },
  };
}

/** node:http and node:https on keep-alive agents. */
export const nodeSend: Send = (hop) => {
  const target = new URL(hop.url);
  const wire = wires[target.protocol];
  return wire ? send(wire, target, hop) : load(target.protocol).then((loaded) => send(loaded, target, hop));
};

const send = (
  { request, agent }: Wire,
  target: URL,
  { method, url, headers, body, signal }: Parameters<Send>[0],
): ReturnType<Send> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const req = request(target, { method, headers, agent });
    let stream: Readable | undefined;
    const onAbort = (): void => void (stream ?? req).destroy(signal.reason);
    const release = (): void => signal.removeEventListener("abort", onAbort);
    signal.addEventListener("abort", onAbort, { once: true });
    const data = body instanceof ArrayBuffer ? new Uint8Array(body) : (body as string | Uint8Array | null | undefined);
    // As fetch does; `end(data)` sets content-length.
    if (!req.hasHeader("accept-encoding")) req.setHeader("accept-encoding", "gzip, deflate, br");
    req.on("error", (error) => {
      if (stream) return; // after the response, the body's reader reports it
      release();
      reject(error);
    });
    req.on("response", (res) => {
      try {
        const raw = res.rawHeaders;
        const pairs: [string, string][] = [];
        for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string]);
        const status = res.statusCode ?? 0;
        const response = new Response(null, { status, statusText: res.statusMessage, headers: pairs });
        Object.defineProperty(response, "url", { value: url });
        if (method === "HEAD" || status === 204 || status === 205 || status === 304) {
          stream = res.resume();
          release();
          return resolve([response, null]);
        }
        const decoder = DECODERS[response.headers.get("content-encoding")?.toLowerCase() ?? ""];
        stream = res;
        if (!decoder) return resolve([response, reader(res, release)]);
        Promise.all([import("node:zlib"), import("node:stream")]).then(([zlib, { pipeline }]) => {
          // An abort meanwhile destroyed `res`: the pipeline carries that to the reader.
          stream = pipeline(res, zlib[decoder](), ignore) as unknown as Readable;
          resolve([response, reader(stream, release)]);
        }, reject);
      } catch (error) {
        res.destroy();
        release();
        reject(error);
      }
    });
    req.end(data);
  });

const DISPATCHER = Symbol.for("undici.globalDispatcher.1");

/**
 * Whether fetch would not go straight to the server: someone installed an undici dispatcher (a proxy, a CA …), one
 * other than Node's own default (an Agent built with no options set).
 */
function customDispatcher(): boolean {
  const d = (globalThis as Record<symbol, Record<symbol, unknown> | undefined>)[DISPATCHER];
  if (!d) return false;
  const key = Object.getOwnPropertySymbols(d).find((s) => s.description === "options");
  const options = key && d[key];
  return !(
    d.constructor?.name === "Agent" &&
    !!options &&
    Object.values(options).every((value) => value === undefined)
  );
}

/** Whether HTTP(S)_PROXY applies to this URL, NO_PROXY considered (the rules of undici's EnvHttpProxyAgent). */
export function proxyFor(url: string, env: Record<string, string | undefined> = process.env): boolean {
  const secure = url.startsWith("https:");
  const proxy = (secure && (env.https_proxy || env.HTTPS_PROXY)) || env.http_proxy || env.HTTP_PROXY;
  if (!proxy) return false;
  const noProxy = (env.no_proxy || env.NO_PROXY || "").toLowerCase();
  if (!noProxy) return true;
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, "");
  const ownPort = port || (secure ? "443" : "80");
  return !noProxy.split(/[\s,]+/).some((entry) => {
    if (entry === "*") return true;
    // `host`, `host:port`, `[v6]`, `[v6]:port`; an IPv6 address without brackets has no port.
    const [, v6, other, wanted] = /^(?:\[(.+)\]|([^:]*))(?::(\d+))?$/.exec(entry) ?? [];
    const name = v6 ?? other ?? entry;
    if (!name || (wanted && wanted !== ownPort)) return false;
    const bare = name.replace(/^\*?\./, "");
    return host === bare || host.endsWith(`.${bare}`);
  });
}

/**
 * The Node entry's Send for a client's options: none (fetch's) with `transport: "fetch"` or a `fetch` option;
 * node:http for every writable body with `transport: "node"`; by default node:http, except where fetch would go another
 * way (a proxy, a dispatcher) or the body is one only fetch encodes.
 */
export function nodeTransport(doFetch: typeof fetch, options: ElevenLabsClientOptions): Send | undefined {
  const { transport } = options;
  if (transport !== undefined && transport !== "fetch" && (transport !== "node" || options.fetch)) {
    invalid("transport", `must be "fetch" or "node" (not with fetch), got ${JSON.stringify(transport)}`);
  }
  if (transport === "fetch" || options.fetch) return undefined;
  const viaFetch = fetchSend(doFetch);
  // Where the environment cannot be read (Deno without --allow-env), fetch: it may know of a proxy that we cannot see.
  const proxied = (url: string): boolean => {
    try {
      return customDispatcher() || proxyFor(url);
    } catch {
      return true;
    }
  };
  return (hop) => (writable(hop.body) && (transport === "node" || !proxied(hop.url)) ? nodeSend(hop) : viaFetch(hop));
}
