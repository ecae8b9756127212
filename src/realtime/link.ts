/**
 * One realtime WebSocket, as the sessions use it: opened within a timeout (or aborted), JSON messages in and out, and
 * its end turned into a typed error: the API's error message before the close (`{"message", "error", "code"}`) and
 * the close code. It also keeps the session's two guards: an idle timeout while audio is due, and a bound on the
 * audio received but not read (text waits, and where the socket can pause, reading stops).
 */
import {
  AuthenticationError,
  ConnectionError,
  ElevenLabsAbortError,
  ElevenLabsError,
  ElevenLabsTimeoutError,
  QuotaExceededError,
  RealtimeError,
  errorFromResponse,
} from "../core/errors.js";
import type { Redactor } from "../core/redact.js";
import type { WebSocketConstructor, WebSocketEventLike, WebSocketEventName, WebSocketLike } from "./types.js";

/** The message the API sends before it closes a socket for a reason. */
interface ErrorMessage {
  message?: unknown;
  error?: unknown;
  code?: unknown;
}

export interface LinkSettings {
  url: string;
  /** What errors call the socket: `stream-input`, `multi-stream-input`. */
  label: string;
  headers: Record<string, string>;
  webSocket: WebSocketConstructor;
  timeoutMs: number;
  idleTimeoutMs: number;
  maxBufferedBytes: number;
  signal: AbortSignal | undefined;
  redact: Redactor;
}

export interface LinkHandlers {
  message(message: Record<string, unknown>): void;
  /**
   * The socket ended: `error` is why, or undefined for a normal close (1000) that the session expected (`expected()`
   * says whether it is).
   */
  end(error: ElevenLabsError | undefined): void;
  /** Whether a normal close now is the end the session asked for (after the end of input and the last isFinal). */
  expected(): boolean;
}

const OPEN = 1;
/**
 * Characters of text that may be sent ahead of the alignment that comes back: twice the largest chunk-length schedule
 * entry the API takes (500), so that the API always has the text its schedule waits for.
 */
export const MAX_AHEAD = 1000;
/** Where the close event has no code (a runtime that leaves it out): the connection ended without a close frame. */
const ABNORMAL = 1006;

/**
 * Opens the socket: `{ headers }` are passed where the runtime takes them (Deno, Bun, Node, `ws`); where the
 * constructor refuses them (browsers throw a SyntaxError), it connects without, and `headersSent` is false.
 */
function create(
  WebSocketClass: WebSocketConstructor,
  url: string,
  headers: Record<string, string>,
): { socket: WebSocketLike; headersSent: boolean } {
  if (Object.keys(headers).length > 0) {
    try {
      const WithHeaders = WebSocketClass as unknown as new (url: string, options: object) => WebSocketLike;
      return { socket: new WithHeaders(url, { headers }), headersSent: true };
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name !== "SyntaxError") throw error;
    }
  }
  return { socket: new WebSocketClass(url), headersSent: false };
}

/** The failure of a handshake: `ws` names the HTTP status of a refused one ("Unexpected server response: 403"). */
function handshakeError(label: string, event: WebSocketEventLike | undefined, redact: Redactor): ElevenLabsError {
  const text = redact.text(event?.message ?? (event?.error instanceof Error ? event.error.message : ""));
  const status = /Unexpected server response: (\d{3})/.exec(text)?.[1];
  const cause = redact.cause(event?.error);
  if (status) {
    const error = errorFromResponse(Number(status), "", new Headers(), undefined);
    return Object.assign(error, { message: `${label}: the handshake was refused: ${error.message}` });
  }
  return new ConnectionError(`${label}: could not connect${text ? `: ${text}` : ""}`, { cause });
}

export class Link {
  readonly socket: WebSocketLike;
  /** Whether the handshake carried the headers (else the key, if any, goes in the first message). */
  readonly headersSent: boolean;
  #settings: LinkSettings;
  #handlers: LinkHandlers | undefined;
  #ended: ElevenLabsError | null | undefined; // undefined: open; null: ended normally
  #last: ErrorMessage | undefined;
  #cleanup: (() => void)[] = [];
  // The idle timeout: "off", "next" (until the next audio message), "end" (until the session ends).
  #due: "off" | "next" | "end" = "off";
  #timer: ReturnType<typeof setTimeout> | undefined;
  // Backpressure: audio bytes received and not read yet, and characters sent whose alignment has not come back.
  #buffered = 0;
  #ahead = 0;
  #paused = false;
  #waiters: (() => void)[] = [];

  private constructor(settings: LinkSettings, socket: WebSocketLike, headersSent: boolean) {
    this.#settings = settings;
    this.socket = socket;
    this.headersSent = headersSent;
  }

  /** Opens a socket, within the timeout; rejects with a typed error (never the key in it). */
  static open(settings: LinkSettings): Promise<Link> {
    const { label, signal, redact } = settings;
    if (signal?.aborted) {
      return Promise.reject(new ElevenLabsAbortError(`${label}: aborted before connecting`, { cause: signal.reason }));
    }
    let created: ReturnType<typeof create>;
    try {
      created = create(settings.webSocket, settings.url, settings.headers);
    } catch (cause) {
      return Promise.reject(
        new ConnectionError(`${label}: could not create the WebSocket: ${redact.text(String(cause))}`, {
          cause: redact.cause(cause),
        }),
      );
    }
    const link = new Link(settings, created.socket, created.headersSent);
    const { socket } = created;
    // Kept for the socket's life: `ws` throws an error event that has no listener (a close before the handshake ends).
    socket.addEventListener("error", () => undefined);
    return new Promise<Link>((resolve, reject) => {
      let failure: WebSocketEventLike | undefined;
      let settled = false;
      const done = (error?: ElevenLabsError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.removeEventListener("open", onOpen);
        socket.removeEventListener("error", onError);
        socket.removeEventListener("close", onClose);
        signal?.removeEventListener("abort", onAbort);
        if (error) {
          try {
            socket.close();
          } catch {
            // closing a socket that never opened: nothing to do
          }
          reject(error);
        } else {
          link.#start();
          resolve(link);
        }
      };
      const onOpen = (): void => done();
      const onError = (event: WebSocketEventLike): void => {
        failure = event;
        // `ws` ends a refused handshake with an error and no close event.
        queueMicrotask(() => done(handshakeError(label, failure, redact)));
      };
      const onClose = (): void => done(handshakeError(label, failure, redact));
      const onAbort = (): void =>
        done(new ElevenLabsAbortError(`${label}: aborted while connecting`, { cause: signal?.reason }));
      const timer = setTimeout(
        () =>
          done(
            new ElevenLabsTimeoutError(
              `${label}: the WebSocket did not open within ${settings.timeoutMs / 1000} s (timeoutInSeconds)`,
              "headers",
            ),
          ),
        settings.timeoutMs,
      );
      socket.addEventListener("open", onOpen);
      socket.addEventListener("error", onError);
      socket.addEventListener("close", onClose);
      signal?.addEventListener("abort", onAbort);
    });
  }

  /** The session takes the socket's events from here on. */
  attach(handlers: LinkHandlers): void {
    this.#handlers = handlers;
  }

  #start(): void {
    const { socket } = this;
    const { signal } = this.#settings;
    const listen = (type: WebSocketEventName, listener: (event: WebSocketEventLike) => void): void => {
      socket.addEventListener(type, listener);
      this.#cleanup.push(() => socket.removeEventListener(type, listener));
    };
    let failure: unknown;
    listen("message", (event) => this.#receive(event.data));
    listen("error", (event) => (failure = event.error ?? event.message));
    listen("close", (event) => this.#closed(event.code ?? ABNORMAL, event.reason ?? "", failure));
    if (signal) {
      const onAbort = (): void =>
        this.fail(new ElevenLabsAbortError(`${this.#settings.label}: aborted`, { cause: signal.reason }));
      signal.addEventListener("abort", onAbort);
      this.#cleanup.push(() => signal.removeEventListener("abort", onAbort));
    }
  }

  #receive(data: unknown): void {
    if (this.#ended !== undefined || typeof data !== "string") return; // binary messages: not part of the protocol
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch (cause) {
      return this.fail(
        new ElevenLabsError(
          `${this.#settings.label}: a message is not JSON: ${this.#settings.redact.text(data.slice(0, 80))}`,
          {
            cause,
          },
        ),
      );
    }
    if (message === null || typeof message !== "object" || Array.isArray(message)) return;
    const fields = message as Record<string, unknown>;
    if (typeof fields.message === "string" && typeof fields.error === "string") this.#last = fields;
    if (this.#due === "next" && typeof fields.audio === "string" && fields.audio) this.#due = "off";
    this.#arm();
    this.#handlers?.message(fields);
  }

  #closed(code: number, reason: string, failure: unknown): void {
    if (this.#ended !== undefined) return this.#finish();
    if (code === 1000 && this.#handlers?.expected()) {
      this.#ended = null;
      this.#finish();
      return this.#handlers.end(undefined);
    }
    this.#end(this.#closeError(code, reason, failure));
  }

  /** The error of a close the session did not ask for. */
  #closeError(code: number, reason: string, failure: unknown): ElevenLabsError {
    const { label, redact } = this.#settings;
    const last = this.#last;
    const type = typeof last?.error === "string" ? last.error : undefined;
    const said = redact.text(typeof last?.message === "string" ? last.message : reason);
    const body = last ? redact.deep(last) : undefined;
    const text = `${label} closed with ${code}${type ? ` (${type})` : ""}${said ? `: ${said}` : ""}`;
    if (type === "invalid_api_key") return new AuthenticationError(text, { body });
    if (type === "quota_exceeded") return new QuotaExceededError(text, { body });
    if (code === ABNORMAL || code === 1005) {
      return new ConnectionError(
        `${label}: the connection ended abnormally (${code}, no close frame) before the end of the audio`,
        { cause: redact.cause(failure) },
      );
    }
    if (code === 1000) {
      return new ConnectionError(`${label} closed (1000) before the end of the audio: it would be short`);
    }
    return new RealtimeError(text, code, redact.text(reason), { body, ...(type ? { errorType: type } : {}) });
  }

  /** Sends a message; throws the session's error once it has ended. */
  send(message: object): void {
    if (this.#ended !== undefined) throw this.#ended ?? new ElevenLabsError(`${this.#settings.label} has ended`);
    this.socket.send(JSON.stringify(message));
  }

  /** The socket's end, once it has ended: the error, or null for a normal end; undefined while open. */
  get ended(): ElevenLabsError | null | undefined {
    return this.#ended;
  }

  /** Ends the session with `error`: the socket is closed (1000, as a client may), and the session told. */
  fail(error: ElevenLabsError): void {
    if (this.#ended !== undefined) return;
    this.#end(error);
    try {
      if (this.socket.readyState <= OPEN)
        this.socket.close(1000, error instanceof ElevenLabsAbortError ? "aborted" : "");
    } catch {
      // already closing
    }
  }

  #end(error: ElevenLabsError): void {
    this.#ended = error;
    this.#finish();
    this.#handlers?.end(error);
  }

  #finish(): void {
    clearTimeout(this.#timer);
    for (const undo of this.#cleanup.splice(0)) undo();
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Audio is due: after a flush until the next audio message ("next"), or until the session ends ("end"). */
  due(until: "next" | "end"): void {
    if (this.#due !== "end") this.#due = until;
    this.#arm();
  }

  #arm(): void {
    clearTimeout(this.#timer);
    if (this.#due === "off" || this.#paused || this.#ended !== undefined) return;
    const ms = this.#settings.idleTimeoutMs;
    this.#timer = setTimeout(() => {
      this.fail(
        new ElevenLabsTimeoutError(
          `${this.#settings.label}: no message for ${ms / 1000} s while audio was due (idleTimeoutInSeconds)`,
          "body",
        ),
      );
    }, ms);
  }

  /** Audio bytes received and not read yet. */
  get buffered(): number {
    return this.#buffered;
  }

  /** `bytes` of audio arrived: above the bound, text waits and reading stops where the socket can pause. */
  hold(bytes: number): void {
    this.#buffered += bytes;
    if (this.#buffered > this.#settings.maxBufferedBytes && !this.#paused && this.socket.pause) {
      this.#paused = true;
      clearTimeout(this.#timer); // nothing can arrive while paused
      this.socket.pause();
    }
  }

  /** `bytes` of audio were read: at half the bound, reading goes on, and text waiting for room is sent. */
  release(bytes: number): void {
    this.#buffered -= bytes;
    if (this.#buffered > this.#settings.maxBufferedBytes / 2) return;
    if (this.#paused) {
      this.#paused = false;
      this.socket.resume?.();
      this.#arm();
    }
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** `characters` of text went out. */
  sent(characters: number): void {
    this.#ahead += characters;
  }

  /**
   * The alignment of `characters` came back (undefined: an audio message without alignment, so what is ahead cannot
   * be told, and no longer holds text back).
   */
  aligned(characters: number | undefined): void {
    this.#ahead = characters === undefined ? 0 : Math.max(0, this.#ahead - characters);
    if (this.#ahead <= MAX_AHEAD && this.#buffered <= this.#settings.maxBufferedBytes) {
      for (const wake of this.#waiters.splice(0)) wake();
    }
  }

  /**
   * Resolves when more text may go out (at once when it may, or when the session has ended): while the audio waiting
   * unread is over the bound, or the text sent is more than MAX_AHEAD characters ahead of the alignment received
   * (text the API has yet to speak, whose audio would arrive however slowly it is read), text waits.
   */
  room(): Promise<void> {
    const full = this.#buffered > this.#settings.maxBufferedBytes || this.#ahead > MAX_AHEAD;
    if (!full || this.#ended !== undefined) return Promise.resolve();
    return new Promise<void>((resolve) => this.#waiters.push(resolve)).then(() => this.room());
  }
}
