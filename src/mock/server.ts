/**
 * A local ElevenLabs-compatible server: the spec's routes, validated with ajv against generated/openapi.json,
 * answering with real audio in every output format, with the real API's headers and error shapes, fault injection,
 * and a record of the requests (the API key redacted). The realtime WebSockets (realtime/) share its port, keys,
 * account and faults.
 */
import { ElevenLabsError, ValidationError } from "../core/errors.js";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { checkMockPackages, type PackageResolver } from "./deps.js";
import { isSocketFault, numberSetting, parseFault, retryHeaders, type Fault } from "./faults.js";
import { exampleFor } from "./example.js";
import { checkSpeechRequest, modelList } from "./models.js";
import { createAccount, DEFAULT_CHARACTER_LIMIT } from "./account.js";
import { listVoices } from "./voices.js";
import { timestampedAnswer } from "./timestamps.js";
import { loadSpec, type DetailItem, type Operation } from "./spec.js";
import { createRealtime } from "./realtime/index.js";

export interface MockServerOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /** Accepted API keys. Default: any non-empty key. */
  apiKeys?: string[];
  /** Faults for the next requests, in order, one each (see faults.ts for the names). */
  faults?: (string | Fault)[];
  /** Milliseconds of audio per streamed chunk. Default 200. */
  chunkMs?: number;
  /**
   * "auto" (default): speech when the speech engine is installed, else a tone; "tone" is faster for tests. The realtime
   * WebSockets speak with the same engine.
   */
  engine?: "auto" | "flite" | "tone";
  /** How many requests to keep in `requests` (oldest dropped first). Default 1000. */
  recordLimit?: number;
  /** Reject previous_request_ids / next_request_ids this server did not issue (request stitching). Default true. */
  checkRequestIds?: boolean;
  /** An openapi.json to serve instead of generated/openapi.json. */
  spec?: string;
  /** Send CORS headers (and answer preflights), so a page on another origin can call it. Default true. */
  cors?: boolean;
  /**
   * Characters the account may synthesise, across every text-to-speech operation, since the server started. A
   * request that would go over it is refused with the API's 401 `quota_exceeded`, and nothing is counted for it.
   * `GET /v1/user/subscription` reports it as `character_limit`. Default 1,000,000 (the free tier has 10,000).
   */
  characterLimit?: number;
  /** @internal How the start-up check finds packages (tests simulate missing ones). Default: require.resolve. */
  resolvePackage?: PackageResolver;
}

/** One request as the server saw it. The API key is never kept: its header reads "[redacted]". */
export interface RecordedRequest {
  id: number;
  /** "main", or "other" for the second origin used by redirect-cross-origin. */
  origin: "main" | "other";
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  /** The voice id from the path, decoded. */
  voiceId?: string;
  status?: number;
  fault?: string;
  requestId?: string;
  receivedAt: number;
  /** When the last byte of the response was written (or the connection given up). */
  finishedAt?: number;
  /**
   * For a realtime WebSocket (status 101): the messages received, parsed, in order (keys redacted), how many the
   * server sent, and the close code and reason (1006 when the connection ended without a close frame).
   */
  socket?: { received: unknown[]; sent: number; closeCode?: number; closeReason?: string };
}

export interface MockServer {
  /** http://host:port */
  url: string;
  /** What speaks: "flite" (offline speech) or "tone" (a melody; the speech package is not installed, or asked). */
  engine: "flite" | "tone";
  /**
   * Whether the realtime WebSockets (`ws://…/v1/text-to-speech/{voice_id}/stream-input` and `multi-stream-input`)
   * are served: `ws` is installed. Without it they close at once with 1011, naming the install command.
   */
  realtime: boolean;
  port: number;
  /** The requests received, oldest first (at most recordLimit). */
  requests: RecordedRequest[];
  /** Queue faults for the next requests. */
  fault(...faults: (string | Fault)[]): void;
  /** How many responses are being streamed right now. */
  readonly active: number;
  /** The most responses streamed at the same time so far. */
  readonly maxActive: number;
  /** Characters billed so far (each accepted synthesis's `character-cost`): `character_count` of the subscription. */
  readonly characterCount: number;
  /** The account's character limit (`characterLimit`). */
  readonly characterLimit: number;
  close(): Promise<void>;
}

const REDACTED = "[redacted]";
const MAX_BODY = 2 * 1024 * 1024;
const EXPOSED = "request-id, character-cost, history-item-id, content-type";

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": typeof body === "string" ? "text/html; charset=utf-8" : "application/json",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => resolve(size > MAX_BODY ? "too-large" : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const JSON_TYPE = /^\s*application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Start a local ElevenLabs-compatible server. */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const engines = ["auto", "flite", "tone"];
  if (options.engine !== undefined && !engines.includes(options.engine)) {
    throw new ValidationError("engine", `must be one of ${engines.join(", ")}, got ${JSON.stringify(options.engine)}`);
  }
  // Every package a request could need is checked now, all at once: a missing one never fails a request later.
  const { speech, realtime: realtimeAvailable } = checkMockPackages({
    ...(options.engine ? { engine: options.engine } : {}),
    ...(options.resolvePackage ? { resolve: options.resolvePackage } : {}),
  });
  const spec = await loadSpec(options.spec);
  // The header that carries the key, from the spec's apiKey security scheme: redacted in every record.
  const apiKeyHeader = spec.operations.find((o) => o.apiKeyHeader)?.apiKeyHeader ?? "xi-api-key";
  const queue: Fault[] = (options.faults ?? []).map(parseFault);
  /** The first queued fault of the kind (HTTP, or `ws-` for a WebSocket), taken off the queue. */
  const takeFault = (socket: boolean): Fault | undefined => {
    const at = queue.findIndex((f) => isSocketFault(f) === socket);
    return at < 0 ? undefined : queue.splice(at, 1)[0];
  };
  const requests: RecordedRequest[] = [];
  const recordLimit = options.recordLimit ?? 1000;
  const issued = new Set<string>();
  const sockets = new Set<Socket>();
  const cors = options.cors !== false;
  const account = createAccount(options.characterLimit ?? DEFAULT_CHARACTER_LIMIT);
  /** The JSON answers computed here, by method and spec path; any other JSON operation answers from its schema. */
  const answers: Record<string, (query: URLSearchParams) => { status: number; body: unknown }> = {
    "GET /v1/models": () => ({ status: 200, body: modelList() }),
    "GET /v2/voices": (query) => listVoices(query),
    "GET /v1/user/subscription": () => ({ status: 200, body: account.subscription() }),
  };
  let nextId = 1;
  let active = 0;
  let maxActive = 0;
  let other: { server: Server; url: string } | undefined;
  let audio: typeof import("./audio/index.js") | undefined;

  /** The key rule: one of `apiKeys`, or any non-empty key. */
  const accepts = (key: string | undefined): boolean =>
    options.apiKeys ? options.apiKeys.includes(key ?? "") : !!key?.trim();

  /** Adds a record of a request, dropping the oldest past recordLimit. */
  const keep = (record: RecordedRequest): void => {
    requests.push(record);
    if (requests.length > recordLimit) requests.shift();
  };

  const remember = (requestId: string) => {
    issued.add(requestId);
    if (issued.size > 10_000) issued.delete(issued.values().next().value as string);
  };

  async function handle(req: IncomingMessage, res: ServerResponse, origin: "main" | "other"): Promise<void> {
    const url = new URL(req.url ?? "/", "http://mock");
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
    }
    const record: RecordedRequest = {
      id: nextId++,
      origin,
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: undefined,
      receivedAt: Date.now(),
    };
    const apiKey = headers[apiKeyHeader];
    if (apiKey !== undefined) headers[apiKeyHeader] = REDACTED;
    keep(record);
    res.on("close", () => (record.finishedAt = Date.now()));
    const reply = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      record.status = status;
      send(res, status, body, extra);
    };

    if (cors) {
      res.setHeader("access-control-allow-origin", "*");
      res.setHeader("access-control-expose-headers", EXPOSED);
      if (record.method === "OPTIONS" && req.headers["access-control-request-method"]) {
        res.setHeader("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
        res.setHeader("access-control-allow-headers", req.headers["access-control-request-headers"] ?? "*");
        res.setHeader("access-control-max-age", "600");
        record.status = 204;
        res.writeHead(204).end();
        return;
      }
    }

    // Routing: 404 for an unknown path, 405 for a known path with the wrong method.
    const candidates = spec.operations.map((op) => ({ op, params: op.match(url.pathname) })).filter((c) => c.params);
    const found = candidates.find((c) => c.op.method === record.method);
    if (!found) {
      if (candidates.length === 0) return reply(404, { detail: "Not Found" });
      return reply(405, { detail: "Method Not Allowed" }, { allow: candidates.map((c) => c.op.method).join(", ") });
    }
    const op: Operation = found.op;
    const path = found.params ?? {};
    if (path.voice_id !== undefined) record.voiceId = path.voice_id;

    const raw = await readBody(req);
    if (raw === "too-large") return reply(413, { detail: "Request body too large" });
    const text = raw.toString("utf8");
    let body: unknown;
    let bodyError: DetailItem | undefined;
    const type = headers["content-type"];
    if (text.length > 0 && op.jsonBody && type && !JSON_TYPE.test(type)) {
      // FastAPI reads the body as JSON only without a content type or with application/json (or *+json); any
      // other type leaves it bytes, which the body model refuses.
      body = text;
      bodyError = {
        loc: ["body"],
        msg: "Input should be a valid dictionary or object to extract fields from",
        type: "model_attributes_type",
      };
    } else if (text.length > 0) {
      try {
        body = JSON.parse(text) as unknown;
      } catch (error) {
        body = text;
        bodyError = { loc: ["body", 0], msg: `JSON decode error: ${(error as Error).message}`, type: "json_invalid" };
      }
    }
    record.body = body;

    // Faults come first: they stand for the network and the infrastructure in front of the API.
    const headerFault = headers["x-mock-fault"];
    let fault: Fault | undefined;
    if (!url.searchParams.has("mock_redirected")) {
      try {
        fault = headerFault ? parseFault(headerFault) : takeFault(false);
      } catch (error) {
        return reply(400, { detail: { status: "invalid_mock_fault", message: (error as Error).message } });
      }
    }
    if (fault) record.fault = fault.name;
    const early = fault && (await earlyFault(fault, req, res, url, record));
    if (early) return;

    // Authentication, then validation, as the real API orders them.
    if (op.apiKeyHeader) {
      if (!accepts(apiKey)) {
        return reply(401, {
          detail: {
            status: "invalid_api_key",
            message: apiKey ? "Invalid API key" : `Missing API key: send it in the ${apiKeyHeader} header`,
          },
        });
      }
    }
    if (bodyError) return reply(422, { detail: [bodyError] });
    url.searchParams.delete("mock_redirected");
    const query: Record<string, string | string[]> = Object.fromEntries(url.searchParams);
    for (const name of op.listQuery) if (url.searchParams.has(name)) query[name] = url.searchParams.getAll(name);
    const detail = op.validate({ path, query, body });
    if (detail.length > 0) return reply(422, { detail });

    const input = (body ?? {}) as Record<string, unknown>;
    if (options.checkRequestIds !== false) {
      for (const field of ["previous_request_ids", "next_request_ids"]) {
        const ids = input[field];
        const unknown = Array.isArray(ids) ? ids.find((id) => !issued.has(String(id))) : undefined;
        if (unknown !== undefined) {
          return reply(400, {
            detail: {
              status: "invalid_request_ids",
              message: `${field}: ${JSON.stringify(unknown)} is not a request id this server issued`,
            },
          });
        }
      }
    }

    // What the real API refuses beyond the schema: empty text, an unknown model, text over the model's limit.
    const speech = op.path.startsWith("/v1/text-to-speech/");
    if (speech) {
      const model = input.model_id ?? op.bodyDefaults.model_id;
      const refusal = checkSpeechRequest(
        typeof input.text === "string" ? input.text : "",
        typeof model === "string" ? model : "",
      );
      if (refusal) {
        // Like the API's errors: the request id in the header and in the detail.
        const requestId = randomUUID().replaceAll("-", "").slice(0, 20);
        record.requestId = requestId;
        const body = { detail: { ...refusal.body.detail, request_id: requestId } };
        return reply(refusal.status, body, { "request-id": requestId });
      }
    }

    if (fault?.name === "json-200") {
      return reply(200, { detail: { status: "internal_error", message: "An error occurred (mock json-200 fault)" } });
    }
    const answer = answers[`${op.method} ${op.path}`];
    if (answer) {
      const { status, body } = answer(url.searchParams);
      if (status !== 200) return reply(status, body);
      // A dropped-in spec may describe the path differently: then its schema's own example answers instead.
      return reply(200, op.checkAnswer(body) === undefined ? body : exampleFor(spec.doc, op.successJson));
    }
    // An operation that answers JSON and has no handler here: a value valid against its response schema, so that a
    // dropped-in spec gives a working server for every path.
    const audioAnswer = op.successTypes.some((t) => t.startsWith("audio/") || t === "application/octet-stream");
    // The with-timestamps operations are synthesised (when the spec says which output format to use).
    const timed =
      speech &&
      op.path.endsWith("/with-timestamps") &&
      (url.searchParams.has("output_format") || op.queryDefaults.output_format !== undefined);
    if (!audioAnswer && !timed && op.successJson !== undefined) {
      return reply(200, exampleFor(spec.doc, op.successJson));
    }
    // A synthesis is billed its character cost when accepted; one over the account's limit is refused, uncounted.
    const cost = speech ? [...(typeof input.text === "string" ? input.text : "")].length : 0;
    const quota = account.charge(cost);
    if (quota) return reply(quota.status, quota.body);
    try {
      await speak(op, input, url, res, record, fault);
    } catch (error) {
      if (!res.headersSent) account.refund(cost);
      throw error;
    }
  }

  /** Faults that answer before the audio; returns true when the response is handled. */
  async function earlyFault(
    fault: Fault,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    record: RecordedRequest,
  ): Promise<boolean> {
    switch (fault.name) {
      case "reset-before-headers":
        req.socket.destroy();
        return true;
      case "429":
      case "500":
      case "503":
        record.status = Number(fault.name);
        send(
          res,
          record.status,
          { detail: { status: `mock_${fault.name}`, message: `Mock fault ${fault.name}` } },
          retryHeaders(fault),
        );
        return true;
      case "502":
        record.status = 502;
        send(
          res,
          502,
          "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
          retryHeaders(fault),
        );
        return true;
      case "redirect":
      case "redirect-cross-origin": {
        const target = new URL(url.pathname + url.search, fault.name === "redirect" ? "http://x" : await otherOrigin());
        target.searchParams.set("mock_redirected", "1");
        const location = fault.name === "redirect" ? target.pathname + target.search : target.href;
        record.status = numberSetting(fault, "status", 307);
        res.writeHead(record.status, { location, "content-length": "0" }).end();
        return true;
      }
      default:
        return false;
    }
  }

  async function speak(
    op: Operation,
    input: Record<string, unknown>,
    url: URL,
    res: ServerResponse,
    record: RecordedRequest,
    fault: Fault | undefined,
  ): Promise<void> {
    audio ??= await import("./audio/index.js");
    const format = url.searchParams.get("output_format") ?? op.queryDefaults.output_format;
    if (typeof format !== "string") throw new Error("the request has no output_format and the spec gives no default");
    const text = typeof input.text === "string" ? input.text : "";
    const seed = typeof input.seed === "number" ? input.seed : null;
    const requestId = randomUUID().replaceAll("-", "").slice(0, 20);
    record.requestId = requestId;
    const request = { text, voiceId: record.voiceId ?? "", format, seed };
    const synthesis = {
      ...(options.chunkMs ? { chunkMs: options.chunkMs } : {}),
      ...(options.engine ? { engine: options.engine } : {}),
    };
    // The with-timestamps operations answer JSON: one object, or (streamed) one object per line as each is ready.
    const timed = op.path.endsWith("/with-timestamps") && op.successJson !== undefined;
    const lines = timed && op.path.endsWith("/stream/with-timestamps");
    const chunks = timed
      ? timestampedAnswer(audio.synthesizeTimed(request, synthesis), text, audio.parseFormat(format), lines)
      : audio.synthesize(request, synthesis);
    const headers: Record<string, string> = {
      "content-type": timed ? "application/json" : audio.contentTypeFor(format),
      "request-id": requestId,
      "character-cost": String([...text].length), // what the account is charged (see handle)
    };
    if (url.searchParams.get("enable_logging") !== "false") headers["history-item-id"] = `hist_${requestId}`;

    active++;
    maxActive = Math.max(maxActive, active);
    try {
      // Faults that need the whole body's length are answered from the whole body.
      if (fault?.name === "short-body") {
        const all: Buffer[] = [];
        for await (const c of chunks) all.push(Buffer.from(c));
        const whole = Buffer.concat(all);
        record.status = 200;
        res.writeHead(200, { ...headers, "content-length": String(whole.length) });
        res.write(whole.subarray(0, Math.floor(whole.length / 2)));
        await wait(20);
        res.socket?.destroy();
        return;
      }
      // The first chunk comes before the headers, so that a failure to synthesise (a missing encoder package) is a
      // clean error response instead of a broken 200.
      const first = await chunks.next();
      // The with-timestamps answer is one JSON object, whole in the first chunk: its length is known.
      if (timed && !lines && !first.done) headers["content-length"] = String(first.value.length);
      record.status = 200;
      res.writeHead(200, headers);
      res.flushHeaders();
      if (fault?.name === "stall-after-headers") {
        const bytes = numberSetting(fault, "bytes", 0);
        if (bytes > 0) res.write(Buffer.alloc(bytes));
        return; // nothing more: the client's idle timeout has to end it
      }
      let sent = 0;
      const rest = (async function* () {
        if (!first.done) yield first.value;
        yield* chunks;
      })();
      for await (const chunk of rest) {
        if (res.destroyed) break;
        if (fault?.name === "slow-drip") {
          const size = Math.max(1, numberSetting(fault, "bytes", 64));
          const interval = numberSetting(fault, "interval", 20);
          for (let at = 0; at < chunk.length && !res.destroyed; at += size) {
            res.write(chunk.subarray(at, at + size));
            await wait(interval);
          }
        } else if (!res.write(chunk)) {
          // Both listeners go when either fires: a slow reader waits here thousands of times.
          await new Promise<void>((resolve) => {
            const done = () => {
              res.off("drain", done);
              res.off("close", done);
              resolve();
            };
            res.on("drain", done);
            res.on("close", done);
          });
        }
        sent += chunk.length;
        if (fault?.name === "reset-mid-body" && sent > 0) {
          await wait(20);
          res.socket?.destroy();
          return;
        }
      }
      if (!res.destroyed) {
        res.end();
        remember(requestId);
      }
    } finally {
      active--;
    }
  }

  function listener(origin: "main" | "other") {
    return (req: IncomingMessage, res: ServerResponse) => {
      handle(req, res, origin).catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, { detail: { status: "mock_error", message: String(error) } });
        else res.destroy();
      });
    };
  }

  function track(server: Server): void {
    server.on("connection", (s: Socket) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
  }

  async function listen(server: Server, port: number, host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      const fail = (error: NodeJS.ErrnoException): void => {
        const why: Record<string, string> = {
          EADDRINUSE: `port ${port} is in use (another server?); choose another port, or 0 for a free one`,
          EADDRNOTAVAIL: `${host} is not an address of this machine`,
          EACCES: `port ${port} needs privileges; choose a port above 1023`,
        };
        const message = `cannot listen on ${host}:${port}: ${why[error.code ?? ""] ?? error.message}`;
        reject(new ElevenLabsError(message, { cause: error }));
      };
      server.once("error", fail);
      server.listen(port, host, () => {
        server.off("error", fail);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    return `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  }

  /** A second listener on another loopback address: another origin, for cross-origin redirects. */
  async function otherOrigin(): Promise<string> {
    if (!other) {
      const server = createServer(listener("other"));
      track(server);
      const host = (options.host ?? "127.0.0.1") === "127.0.0.2" ? "127.0.0.3" : "127.0.0.2";
      other = { server, url: await listen(server, 0, host) };
    }
    return other.url;
  }

  const main = createServer(listener("main"));
  track(main);
  const realtime = createRealtime({
    keyHeader: apiKeyHeader,
    accepts,
    available: realtimeAvailable,
    engine: options.engine ?? "auto",
    chunkMs: options.chunkMs ?? 200,
    defaultFormat: String(
      spec.operations.find((o) => o.queryDefaults.output_format !== undefined)?.queryDefaults.output_format ??
        "mp3_44100_128",
    ),
    charge: (characters) => account.charge(characters)?.body.detail.message,
    takeFault: () => takeFault(true),
    record: (fields) => {
      const record: RecordedRequest = {
        id: nextId++,
        origin: "main",
        ...fields,
        body: undefined,
        receivedAt: Date.now(),
      };
      keep(record);
      return record;
    },
  });
  main.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => realtime.upgrade(req, socket, head));
  const url = await listen(main, options.port ?? 0, options.host ?? "127.0.0.1");

  return {
    url,
    engine: options.engine === "tone" || !speech ? "tone" : "flite",
    realtime: realtimeAvailable,
    port: Number(new URL(url).port),
    requests,
    fault: (...faults) => queue.push(...faults.map(parseFault)),
    get active() {
      return active;
    },
    get maxActive() {
      return maxActive;
    },
    get characterCount() {
      return account.characterCount;
    },
    characterLimit: account.characterLimit,
    close: async () => {
      realtime.close();
      for (const s of sockets) s.destroy();
      await Promise.all(
        [main, other?.server].filter((s): s is Server => !!s).map((s) => new Promise<void>((r) => s.close(() => r()))),
      );
    },
  };
}
