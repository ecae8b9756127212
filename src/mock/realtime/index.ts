/// <reference types="node" />
/**
 * The realtime text-to-speech WebSockets of the local server, on its HTTP server's `upgrade` event: the channels of
 * the AsyncAPI document (`stream-input`, `multi-stream-input`), spoken as the API speaks them (session.ts), with the
 * server's key rules, account, speech engines and faults. `ws` is an optional package: without it, a handshake on a
 * realtime path completes only to close with 1011 and a message naming the install command.
 */
import { createHash } from "node:crypto";
import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocketServer } from "ws";
import { isNotFound, MissingDependencyError, WEBSOCKET_PACKAGE } from "../deps.js";
import { hash32 } from "../audio/hash.js";
import { isSocketFault, parseFault, type Fault } from "../faults.js";
import { modelNotFound, findModel, NOT_REALTIME_MODELS } from "../models.js";
import { CLOSE, closeReason, invalidParameter, type ErrorMessage } from "./protocol.js";
import { fieldDefault, matchChannel, readQuery } from "./schemas.js";
import { RealtimeSession, type SocketRecord } from "./session.js";

export { HIGH_WATER_BYTES } from "./session.js";

/** The buffered characters each generation waits for when the first message sets no `chunk_length_schedule`: the
 * default the AsyncAPI document states in prose (used only while the spec's data carries no default). */
const DOCUMENTED_SCHEDULE = [120, 160, 250, 290];

/**
 * The fewest buffered characters `try_trigger_generation` generates: the spec says only "a minimum threshold"; 50 is
 * the figure of ElevenLabs' own description of the field when the API was introduced (elevenlabs/elevenlabs-docs#24).
 */
export const TRIGGER_MINIMUM = 50;

/** A handshake as the server saw it, for its record of requests. */
export interface UpgradeRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  voiceId?: string;
  status?: number;
  fault?: string;
  socket?: SocketRecord;
  finishedAt?: number;
}

export interface RealtimeOptions {
  /** The key header's name (xi-api-key). */
  keyHeader: string;
  /** Whether a key is accepted. */
  accepts(key: string): boolean;
  /** Whether `ws` is installed (the start-up check). */
  available: boolean;
  engine: "auto" | "flite" | "tone";
  chunkMs: number;
  /** The output format when the query names none: the HTTP API's default. */
  defaultFormat: string;
  /** Bills characters to the account; the refusal's message when over the limit. */
  charge(characters: number): string | undefined;
  /** The next queued `ws-` fault, if any. */
  takeFault(): Fault | undefined;
  /** Records a handshake: returns the record to fill in as the socket goes on. */
  record(request: Pick<UpgradeRecord, "method" | "path" | "query" | "headers">): UpgradeRecord;
}

export interface Realtime {
  /** Handles an HTTP server's `upgrade` event; returns false when the path is not a realtime channel. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Ends every socket (without a close frame: the server is going away). */
  close(): void;
}

const REDACTED = "[redacted]";

/** An HTTP answer on the raw socket of a refused handshake. */
function refuse(socket: Duplex, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}`,
    "content-type: application/json",
    `content-length: ${Buffer.byteLength(text)}`,
    "connection: close",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join("\r\n")}\r\n\r\n${text}`);
}

/** One unmasked WebSocket frame (RFC 6455 §5.2), as a server sends it. */
function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const size = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const head = Buffer.alloc(size);
  head[0] = 0x80 | opcode;
  if (size === 2) head[1] = length;
  else if (size === 4) {
    head[1] = 126;
    head.writeUInt16BE(length, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([head, payload]);
}

/**
 * Without `ws`: completes the handshake by hand, sends the error message and closes with `error.code`, so that every
 * client (browsers too, which cannot read a refused handshake's answer) sees why.
 */
function closeWithoutWs(req: IncomingMessage, socket: Duplex, error: ErrorMessage, reason: string): void {
  const key = req.headers["sec-websocket-key"];
  if (typeof key !== "string" || !/websocket/i.test(req.headers.upgrade ?? "")) {
    return refuse(socket, 426, { detail: { status: "upgrade_required", message: error.message } });
  }
  const accept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
  const code = Buffer.alloc(2);
  code.writeUInt16BE(error.code);
  socket.write(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  socket.write(frame(0x1, Buffer.from(JSON.stringify(error))));
  socket.end(frame(0x8, Buffer.concat([code, Buffer.from(closeReason(reason))])));
}

export function createRealtime(options: RealtimeOptions): Realtime {
  const sessions = new Set<RealtimeSession>();
  let server: WebSocketServer | undefined;
  let loading: Promise<WebSocketServer | undefined> | undefined;

  /** The `ws` server, loaded on the first handshake; undefined when `ws` cannot be loaded. */
  const websockets = (): Promise<WebSocketServer | undefined> => {
    if (!options.available) return Promise.resolve(undefined);
    loading ??= import("ws")
      .then(({ WebSocketServer }) => {
        // 16 MiB: the largest message the API takes.
        server = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
        return server;
      })
      .catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
    return loading;
  };

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? "/", "http://mock");
    const match = matchChannel(url.pathname);
    if (!match) return refuse(socket, 404, { detail: "Not Found" });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
    }
    const headerKey = headers[options.keyHeader];
    if (headerKey !== undefined) headers[options.keyHeader] = REDACTED;
    const query = Object.fromEntries(url.searchParams);
    const queryKey = query.authorization?.replace(/^Bearer\s+/i, "");
    if (query.authorization !== undefined) query.authorization = REDACTED;
    const record = options.record({ method: req.method ?? "GET", path: url.pathname, query, headers });
    if (match.params.voice_id !== undefined) record.voiceId = match.params.voice_id;
    const answer = (status: number, body: unknown, extra: Record<string, string> = {}): void => {
      record.status = status;
      record.finishedAt = Date.now();
      refuse(socket, status, body, extra);
    };

    // Faults first: they stand for the network and the infrastructure in front of the API.
    let fault: Fault | undefined;
    try {
      const named = headers["x-mock-fault"] ?? url.searchParams.get("mock_fault") ?? undefined;
      fault = named === undefined ? options.takeFault() : parseFault(named);
    } catch (error) {
      return answer(400, { detail: { status: "invalid_mock_fault", message: (error as Error).message } });
    }
    if (fault) record.fault = fault.name;
    if (fault?.name === "reset-before-headers") {
      record.finishedAt = Date.now();
      return void socket.destroy();
    }
    if (fault && ["429", "500", "502", "503"].includes(fault.name)) {
      const status = Number(fault.name);
      return answer(status, { detail: { status: `mock_${fault.name}`, message: `Mock fault ${fault.name}` } });
    }
    const socketFault = fault && isSocketFault(fault) ? fault : undefined;

    const model = url.searchParams.get("model_id");
    if (model !== null && NOT_REALTIME_MODELS.has(model)) {
      return answer(403, {
        detail: {
          status: "model_not_supported",
          message: `The model ${model} is not available over WebSockets; use the HTTP text-to-speech endpoints`,
        },
      });
    }

    const ws = await websockets();
    if (!ws) {
      record.status = 101;
      record.finishedAt = Date.now();
      const message = new MissingDependencyError([WEBSOCKET_PACKAGE]).message;
      record.socket = { received: [], sent: 1, closeCode: CLOSE.internalError };
      const error = { message, error: "missing_dependency", code: CLOSE.internalError };
      return closeWithoutWs(
        req,
        socket,
        error,
        `The ${WEBSOCKET_PACKAGE} package is not installed: npm install -D ${WEBSOCKET_PACKAGE}`,
      );
    }

    ws.handleUpgrade(req, socket, head, (client) => {
      record.status = 101;
      const socketRecord: SocketRecord = { received: [], sent: 0 };
      record.socket = socketRecord;
      client.on("close", () => (record.finishedAt = Date.now()));
      const checked = readQuery(match.channel, url.searchParams);
      const refusal =
        "problem" in checked
          ? invalidParameter(checked.problem)
          : model !== null && !findModel(model)
            ? invalidParameter(modelNotFound(model).body.detail.message)
            : undefined;
      const values = "values" in checked ? checked.values : {};
      const format = typeof values.output_format === "string" ? values.output_format : options.defaultFormat;
      const schedule = fieldDefault(match.channel, ["generation_config", "chunk_length_schedule"]);
      const seed = typeof values.seed === "number" ? values.seed : null;
      const voiceId = match.params.voice_id ?? "";
      const session = new RealtimeSession(client, {
        channel: match.channel,
        query: values,
        context: {
          voiceId,
          format,
          seed,
          engine: options.engine,
          chunkMs: options.chunkMs,
          schedule: Array.isArray(schedule) ? (schedule as number[]) : DOCUMENTED_SCHEDULE,
          autoMode: values.auto_mode === true,
          triggerMinimum: TRIGGER_MINIMUM,
        },
        handshakeKey: headerKey ?? queryKey,
        accepts: options.accepts,
        keyHeader: options.keyHeader,
        fault: socketFault,
        charge: options.charge,
        record: socketRecord,
        serial: (contextId) => hash32("ogg", voiceId, format, seed, contextId),
      });
      sessions.add(session);
      client.on("close", () => sessions.delete(session));
      if (refusal) session.fail(refusal);
    });
  }

  return {
    upgrade(req, socket, head) {
      socket.on("error", () => {}); // a reset by the client: nothing to answer
      upgrade(req, socket, head).catch((error: unknown) => {
        if (socket.writable) refuse(socket, 500, { detail: { status: "mock_error", message: String(error) } });
        else socket.destroy();
      });
    },
    close() {
      for (const session of sessions) session.terminate();
      sessions.clear();
      server?.close();
    },
  };
}
