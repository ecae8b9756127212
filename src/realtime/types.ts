/**
 * The realtime text-to-speech WebSockets' public types: the options (the channels' query parameters and the first
 * message's settings, camelCased from generated/realtime.ts), the WebSocket the client needs, and what a session gives.
 */
import type {
  InitialiseContext,
  InitializeConnection,
  MultiStreamInputQuery,
  StreamInputQuery,
} from "../../generated/realtime.js";
import type { Alignment } from "../captions.js";
import type { Camelize } from "../casing.js";

/**
 * What the client needs of a WebSocket: the web standard's, which browsers, Deno, Bun, Node 22+ and the `ws` package
 * implement. `pause()` and `resume()` are used where they exist (`ws`), to stop reading while audio waits unread.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: WebSocketEventName, listener: (event: WebSocketEventLike) => void): void;
  removeEventListener(type: WebSocketEventName, listener: (event: WebSocketEventLike) => void): void;
  pause?(): void;
  resume?(): void;
}

/** The WebSocket events the client listens to. */
export type WebSocketEventName = "open" | "message" | "close" | "error";

/** The fields of the WebSocket events the client reads (`message`, `close`, `error`). */
export interface WebSocketEventLike {
  readonly type?: string;
  readonly data?: unknown;
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
  readonly error?: unknown;
}

/**
 * A WebSocket class: the runtime's `WebSocket`, or `ws`'s. The client passes `{ headers }` as the second argument
 * (Deno, Bun, Node's and `ws`'s take it); where that throws, as it does in browsers, it connects without headers.
 * (The second parameter is typed `never` so that every such class fits, whatever it declares there.)
 */
export type WebSocketConstructor = new (url: string, options?: never) => WebSocketLike;

/** Where the client reads a text: an LLM's token stream, any iterable of strings, or one string. */
export type TextSource = string | Iterable<string> | AsyncIterable<string> | ReadableStream<string>;

/**
 * How the client connects and reads, beside the API's own parameters. (`undefined` means "not set".)
 */
export interface RealtimeConnectionOptions {
  /**
   * The key for this session instead of the client's; `null` sends none, for a page behind a same-origin proxy that
   * adds it (see docs/realtime.md). It goes in the `xi-api-key` header where the runtime can set headers, else in
   * the first message.
   */
  apiKey?: string | null | undefined;
  /** Extra handshake headers, where the runtime can set them (not in browsers). An `xi-api-key` here is the key. */
  headers?: Record<string, string> | undefined;
  /** Ends the session: the socket is closed and reads fail with an ElevenLabsAbortError. */
  abortSignal?: AbortSignal | undefined;
  /** Seconds until the socket is open. Default 20. */
  timeoutInSeconds?: number | undefined;
  /**
   * Seconds allowed between two messages while audio is due (after a flush, and from the end of the input to the
   * end of the audio). Default 30.
   */
  idleTimeoutInSeconds?: number | undefined;
  /**
   * Bytes of audio that may wait unread before the client stops sending text and, where it can (`ws`), stops
   * reading the socket. Default 1 MiB.
   */
  maxBufferedAudioBytes?: number | undefined;
  /** The WebSocket class to use. Default: the runtime's (on Node 20, the `ws` package, through the Node entry). */
  webSocket?: WebSocketConstructor | undefined;
}

/**
 * A first message's settings: its fields but those the client sets itself (the text, the context, the credentials),
 * as index.ts's isControlled() leaves them at run time, so that a setting the spec adds is typed too.
 */
type Settings<T> = Camelize<Omit<T, "text" | "context_id" | "authorization" | "xi-api-key" | "xi_api_key">>;

/** `stream-input`'s query parameters, camelCased: `modelId`, `outputFormat`, `autoMode`, `inactivityTimeout` … */
export type StreamInputParameters = Camelize<Omit<StreamInputQuery, "authorization">>;

/** The first message's settings, camelCased: `voiceSettings`, `generationConfig` (`chunkLengthSchedule`) … */
export type StreamInputSettings = Settings<InitializeConnection>;

/** The options of `streamInput()` and `connect()`: the API's parameters and settings, and the connection's. */
export type StreamInputOptions = StreamInputParameters & StreamInputSettings & RealtimeConnectionOptions;

/** The options of `connectMultiContext()`: `multi-stream-input`'s query parameters and the connection's. */
export type MultiContextOptions = Camelize<Omit<MultiStreamInputQuery, "authorization">> & RealtimeConnectionOptions;

/** A context's settings on `multi-stream-input`, given when it opens: `voiceSettings`, `generationConfig` … */
export type ContextSettings = Settings<InitialiseContext>;

/**
 * One audio message: its audio bytes, and the characters that start in it with their times in seconds on the
 * session's (or the context's) timeline: the API's per-message times plus the duration of the audio before it.
 */
export interface RealtimeChunk {
  audio: Uint8Array;
  /** The characters of the text as sent. */
  alignment?: Alignment;
  /** The same for the text as the API normalised it (numbers spelled out, white space folded). */
  normalizedAlignment?: Alignment;
}
