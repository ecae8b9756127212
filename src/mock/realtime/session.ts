/**
 * One realtime socket, as the API speaks it: the first message initialises (and may carry the key), text messages
 * feed the context(s), and the socket ends with `{"isFinal": true}` and a normal close, or with an error message and
 * the close code that names it (protocol.ts). Faults (faults.ts, `ws-*`) drop, stall or fail the socket after a
 * number of audio messages, or refuse the key.
 */
import type { WebSocket } from "ws";
import type { Fault } from "../faults.js";
import { numberSetting } from "../faults.js";
import { QuotaRefusal, SpeechContext, type AudioChunk, type ContextSettings } from "./context.js";
import {
  binaryMessage,
  CLOSE,
  closeReason,
  inactivity,
  internalError,
  invalidKey,
  invalidMessage,
  quotaExceeded,
  settingChanged,
  type ErrorMessage,
} from "./protocol.js";
import { initProblem, messageProblem, type ChannelName } from "./schemas.js";

/** What the session reports into the server's record of the request. */
export interface SocketRecord {
  /** The messages received, parsed (keys redacted), in order. */
  received: unknown[];
  /** How many messages the server sent. */
  sent: number;
  closeCode?: number;
  closeReason?: string;
}

export interface SessionSettings {
  channel: ChannelName;
  /** The query parameters, checked, with the spec's defaults. */
  query: Record<string, unknown>;
  /** What every context of the socket synthesises (the schedule can be set by each context's first message). */
  context: Omit<ContextSettings, "serial">;
  /** The key the handshake carried (the key header or the `authorization` query parameter), if any. */
  handshakeKey: string | undefined;
  /** Whether the server accepts a key. */
  accepts(key: string): boolean;
  /** The key header's name, for the missing-key message. */
  keyHeader: string;
  fault: Fault | undefined;
  /** Bills characters to the account; the refusal's message when over the limit. */
  charge(characters: number): string | undefined;
  record: SocketRecord;
  /** Where a context's Ogg serial comes from. */
  serial(contextId: string): number;
}

/** Above this many bytes waiting to be written, the server waits for the client to read before it sends more. */
export const HIGH_WATER_BYTES = 1 << 20;

const REDACTED = "[redacted]";
const KEY_FIELDS = ["xi_api_key", "xi-api-key", "authorization"];

/** The key a message carries: `xi_api_key` (or `xi-api-key`), or a bearer `authorization`. */
function messageKey(message: Record<string, unknown>): string | undefined {
  for (const field of KEY_FIELDS) {
    const value = message[field];
    if (typeof value === "string") return field === "authorization" ? value.replace(/^Bearer\s+/i, "") : value;
  }
  return undefined;
}

/** A canonical text of a JSON value (keys sorted), to compare settings. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The settings a context's first message fixes: sent again, they must not change. */
const FIXED = [
  ["voice_settings", "voice_settings"],
  ["generation_config", "generation_config"],
  ["generator_config", "generation_config"],
] as const;

interface Entry {
  context: SpeechContext;
  /** The fixed settings as the context's first message gave them. */
  fixed: Map<string, string>;
  timer?: NodeJS.Timeout;
}

/** The default context of multi-stream-input, when messages name none: its outputs carry no contextId. */
const DEFAULT_CONTEXT = "";

export class RealtimeSession {
  #state: "init" | "open" | "ending" | "closed" = "init";
  #contexts = new Map<string, Entry>();
  /** Contexts still ending (close_context, close_socket): aborted if the socket goes. */
  #ending = new Set<SpeechContext>();
  #timer: NodeJS.Timeout | undefined;
  #audioSent = 0;
  #stalled = false;
  #unstall: (() => void) | undefined;
  readonly #multi: boolean;
  readonly #timeoutSeconds: number;

  constructor(
    private readonly ws: WebSocket,
    private readonly settings: SessionSettings,
  ) {
    this.#multi = settings.channel !== "stream-input";
    const timeout = settings.query.inactivity_timeout;
    this.#timeoutSeconds = typeof timeout === "number" ? timeout : 20;
    ws.on("message", (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on("close", (code, reason) => this.#onClose(code, reason.toString()));
    ws.on("error", () => {}); // a close follows
    this.#resetInactivity();
    const { handshakeKey } = settings;
    if (handshakeKey !== undefined && !this.#authorised(handshakeKey)) this.fail(invalidKey(false, settings.keyHeader));
  }

  #authorised(key: string): boolean {
    return this.settings.fault?.name !== "ws-refuse-key" && this.settings.accepts(key);
  }

  #resetInactivity(): void {
    clearTimeout(this.#timer);
    if (this.#state === "ending" || this.#state === "closed") return;
    this.#timer = setTimeout(() => this.fail(inactivity(this.#timeoutSeconds)), this.#timeoutSeconds * 1000);
  }

  #onMessage(data: unknown, isBinary: boolean): void {
    if (this.#state === "closed") return;
    if (isBinary) return this.fail(binaryMessage());
    let message: unknown;
    try {
      message = JSON.parse(String(data));
    } catch (error) {
      return this.fail(invalidMessage(`Invalid JSON: ${(error as Error).message}`));
    }
    this.#remember(message);
    if (this.#state === "ending") return; // after the end of input, nothing more is read
    this.#resetInactivity();
    const problem = messageProblem(this.settings.channel, message);
    if (problem) return this.fail(invalidMessage(problem));
    const fields = message as Record<string, unknown>;
    if (this.#state === "init") return this.#first(fields);
    return this.#multi ? this.#nextMulti(fields) : this.#nextSingle(fields);
  }

  #remember(message: unknown): void {
    if (message !== null && typeof message === "object" && !Array.isArray(message)) {
      const copy: Record<string, unknown> = { ...(message as Record<string, unknown>) };
      for (const field of KEY_FIELDS) if (field in copy) copy[field] = REDACTED;
      this.settings.record.received.push(copy);
    } else {
      this.settings.record.received.push(message);
    }
  }

  #first(message: Record<string, unknown>): void {
    const problem = initProblem(this.settings.channel, message);
    if (problem) return this.fail(invalidMessage(problem));
    const key = this.settings.handshakeKey ?? messageKey(message);
    if (key === undefined || !this.#authorised(key)) {
      return this.fail(invalidKey(key === undefined, this.settings.keyHeader));
    }
    this.#state = "open";
    const id = this.#multi && typeof message.context_id === "string" ? message.context_id : DEFAULT_CONTEXT;
    this.#open(id, message);
  }

  /** A new context, its settings from the message that opens it. */
  #open(id: string, message: Record<string, unknown>): Entry {
    const config = message.generation_config ?? message.generator_config;
    const schedule = (config as { chunk_length_schedule?: unknown } | null | undefined)?.chunk_length_schedule;
    const settings: ContextSettings = {
      ...this.settings.context,
      ...(Array.isArray(schedule) && schedule.length > 0 ? { schedule: schedule as number[] } : {}),
      serial: this.settings.serial(id),
    };
    const context = new SpeechContext(settings, {
      audio: (chunk) => this.#audio(chunk, id),
      charge: (characters) => this.settings.charge(characters),
      fail: (error) => this.#failWith(error),
    });
    const fixed = new Map<string, string>();
    for (const [field, name] of FIXED) {
      const value = message[field];
      if (value !== undefined && value !== null) fixed.set(name, canonical(value));
    }
    const entry: Entry = { context, fixed };
    this.#contexts.set(id, entry);
    if (this.#multi) this.#resetContextTimer(id, entry);
    return entry;
  }

  /** A fixed setting sent again with another value: the error it is, or undefined. */
  #changed(entry: Entry, message: Record<string, unknown>): ErrorMessage | undefined {
    for (const [field, name] of FIXED) {
      const value = message[field];
      if (value === undefined || value === null) continue;
      const before = entry.fixed.get(name);
      if (before === undefined) entry.fixed.set(name, canonical(value));
      else if (before !== canonical(value)) return settingChanged(field);
    }
    return undefined;
  }

  #nextSingle(message: Record<string, unknown>): void {
    const entry = this.#contexts.get(DEFAULT_CONTEXT);
    if (!entry) return;
    const changed = this.#changed(entry, message);
    if (changed) return this.fail(changed);
    const text = typeof message.text === "string" ? message.text : undefined;
    if (text === "") {
      // The end of input: the rest of the audio, isFinal, a normal close.
      this.#state = "ending";
      clearTimeout(this.#timer);
      this.#contexts.delete(DEFAULT_CONTEXT);
      this.#ending.add(entry.context);
      entry.context
        .end(true)
        .then(() => this.#final(DEFAULT_CONTEXT))
        .then(() => this.close(CLOSE.normal))
        .catch((error: unknown) => this.#failWith(error));
      return;
    }
    entry.context.add(text ?? "", {
      flush: message.flush === true,
      tryTrigger: message.try_trigger_generation === true,
    });
  }

  #nextMulti(message: Record<string, unknown>): void {
    if (message.close_socket === true) return this.#closeSocket();
    const id = typeof message.context_id === "string" ? message.context_id : DEFAULT_CONTEXT;
    let entry = this.#contexts.get(id);
    if (message.close_context === true) {
      if (entry) this.#closeContext(id, entry);
      return;
    }
    if (!entry) entry = this.#open(id, message);
    else {
      const changed = this.#changed(entry, message);
      if (changed) return this.fail(changed);
      this.#resetContextTimer(id, entry);
    }
    const text = typeof message.text === "string" ? message.text : "";
    // Empty text is a keep-alive (the timer is reset above); a flush may come with it.
    if (text !== "") entry.context.add(text, { flush: message.flush === true });
    else if (message.flush === true) entry.context.flush();
  }

  #resetContextTimer(id: string, entry: Entry): void {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.#closeContext(id, entry), this.#timeoutSeconds * 1000);
  }

  /** close_context (or a context's inactivity): its generations already made go out, then isFinal. */
  #closeContext(id: string, entry: Entry): Promise<void> {
    clearTimeout(entry.timer);
    if (this.#contexts.get(id) === entry) this.#contexts.delete(id);
    this.#ending.add(entry.context);
    return entry.context
      .end(false)
      .then(() => this.#final(id))
      .finally(() => this.#ending.delete(entry.context))
      .catch((error: unknown) => this.#failWith(error));
  }

  /** close_socket: every context ends as close_context ends it, then a normal close. */
  #closeSocket(): void {
    this.#state = "ending";
    clearTimeout(this.#timer);
    const closing = [...this.#contexts].map(([id, entry]) => this.#closeContext(id, entry));
    void Promise.all(closing).then(() => this.close(CLOSE.normal));
  }

  async #final(id: string): Promise<void> {
    if (this.#stalled) return this.#stall();
    await this.#send(this.#multi && id !== DEFAULT_CONTEXT ? { isFinal: true, contextId: id } : { isFinal: true });
  }

  /** Never resolves while the socket is open (a stall); resolves when it closes. */
  #stall(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#state === "closed") return resolve();
      const previous = this.#unstall;
      this.#unstall = () => {
        previous?.();
        resolve();
      };
    });
  }

  async #audio(chunk: AudioChunk, id: string): Promise<void> {
    if (this.#state === "closed") return;
    if (this.#stalled || this.#fault()) return this.#stall();
    const message: Record<string, unknown> = { ...chunk };
    if (this.#multi && id !== DEFAULT_CONTEXT) message.contextId = id;
    await this.#send(message, true);
    this.#audioSent++;
    this.#fault();
  }

  /** The socket's fault, once `after` audio messages (default 1) are sent: true when no more audio may go. */
  #fault(): boolean {
    const fault = this.settings.fault;
    if (!fault?.name.startsWith("ws-") || this.#audioSent < numberSetting(fault, "after", 1)) return false;
    if (fault.name === "ws-drop") {
      // No close frame: the client sees the connection end abnormally (1006).
      this.#stop();
      this.settings.record.closeCode = 1006;
      this.ws.terminate();
    } else if (fault.name === "ws-stall") {
      this.#stalled = true;
    } else if (fault.name === "ws-1011") {
      this.fail(internalError("mock ws-1011 fault"));
    } else {
      return false;
    }
    return true;
  }

  /**
   * Sends a message. Resolves at once while little is waiting to be written; above HIGH_WATER_BYTES (or with
   * `flushed`), once this message has been written to the socket, so a client that reads slowly slows the server.
   */
  #send(value: unknown, flushed = false): Promise<void> {
    const ws = this.ws;
    if (ws.readyState !== ws.OPEN) return Promise.resolve();
    this.settings.record.sent++;
    return new Promise((resolve) => {
      ws.send(JSON.stringify(value), () => resolve());
      if (!flushed && ws.bufferedAmount <= HIGH_WATER_BYTES) resolve();
    });
  }

  #failWith(error: unknown): void {
    if (error instanceof QuotaRefusal) return this.fail(quotaExceeded(error.message));
    this.fail(internalError(error instanceof Error ? error.message : String(error)));
  }

  /** Sends the error message, then closes with its code (and the message, cut, as the reason). */
  fail(error: ErrorMessage): void {
    if (this.#state === "closed") return;
    void this.#send(error);
    this.close(error.code, closeReason(error.message));
  }

  /** Closes the socket (a close frame with `code`), ending every context. */
  close(code: number, reason = ""): void {
    if (this.#state === "closed") return;
    this.#stop();
    this.settings.record.closeCode = code;
    this.settings.record.closeReason = reason;
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
  }

  /** Ends the socket without a close frame (the server is closing). */
  terminate(): void {
    this.#stop();
    this.ws.terminate();
  }

  #stop(): void {
    this.#state = "closed";
    clearTimeout(this.#timer);
    for (const entry of this.#contexts.values()) {
      clearTimeout(entry.timer);
      entry.context.abort();
    }
    for (const context of this.#ending) context.abort();
    this.#contexts.clear();
    this.#ending.clear();
    this.#unstall?.();
    this.#unstall = undefined;
  }

  #onClose(code: number, reason: string): void {
    if (this.#state !== "closed") {
      this.settings.record.closeCode = code;
      this.settings.record.closeReason = reason;
    }
    this.#stop();
  }
}
