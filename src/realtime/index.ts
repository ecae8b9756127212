/**
 * The realtime text-to-speech WebSockets (`stream-input`, `multi-stream-input`): `streamInput()`,
 * `connectStreamInput()` and `connectMultiStreamInput()`. Free functions that take the client, as convertLongForm
 * does, so that an app which only converts never carries them (a bundler drops what is not imported).
 *
 * The options are checked before anything is sent, against the channel's query parameters and its first message's
 * fields as generated/realtime.ts gives them (toWire: types, enums, ranges, unknown keys with the camelCase name
 * suggested); the model and the output format default as for the HTTP methods and are always sent.
 */
import {
  REALTIME_CHANNELS,
  REALTIME_MESSAGES,
  type RealtimeChannelName,
  type RealtimeMessageName,
} from "../../generated/realtime.js";
import type { FieldSchema } from "../../generated/runtime.js";
import { checkApiKey, checkHeaders } from "../core/check.js";
import { ElevenLabsError, invalid } from "../core/errors.js";
import { redactor } from "../core/redact.js";
import { DEFAULT_MODEL_ID, DEFAULT_OUTPUT_FORMAT } from "../defaults.js";
import { checkRequestOptions } from "../request-options.js";
import { toWire } from "../validate.js";
import { Link } from "./link.js";
import { CREDENTIALS, type ElevenLabsClient } from "../client.js";
import { MultiContextSession, RealtimeSession, type RealtimeAudioStream, type WireSettings } from "./session.js";
import type {
  MultiContextOptions,
  RealtimeConnectionOptions,
  StreamInputOptions,
  TextSource,
  WebSocketConstructor,
} from "./types.js";

export { MultiContextSession, RealtimeAudioStream, RealtimeContext, RealtimeSession } from "./session.js";

/** The client's own options, beside the API's parameters and settings. */
const OWN: readonly (keyof RealtimeConnectionOptions)[] = [
  "apiKey",
  "headers",
  "abortSignal",
  "timeoutInSeconds",
  "idleTimeoutInSeconds",
  "maxBufferedAudioBytes",
  "webSocket",
];

/** The first message's fields that the client sets itself: the text, the context, the credentials. */
const isControlled = (name: string): boolean =>
  name === "text" || name === "context_id" || name === "authorization" || /api.?key/i.test(name);

/** The fields of a message that a caller may set: its settings (voice_settings, generation_config …). */
function settingsOf(message: RealtimeMessageName): Record<string, FieldSchema> {
  const out: Record<string, FieldSchema> = {};
  for (const [name, schema] of Object.entries(REALTIME_MESSAGES[message].payload.properties ?? {})) {
    if (!isControlled(name)) out[name] = schema;
  }
  return out;
}

/** The name of the key field of a message (`xi-api-key` on stream-input, `xi_api_key` on multi-stream-input). */
const keyFieldOf = (message: RealtimeMessageName): string | undefined =>
  Object.keys(REALTIME_MESSAGES[message].payload.properties ?? {}).find((name) => /api.?key/i.test(name));

interface Prepared {
  link: Link;
  format: string;
  query: Record<string, unknown>;
  /** The first message's settings, wire form. */
  settings: Record<string, unknown>;
  /** The key to put in the first message, when the handshake could not carry it. */
  messageKey: Record<string, string>;
  label: string;
}

/** Validates everything, then opens the socket. */
async function open(
  fallback: WebSocketFallback,
  client: ElevenLabsClient,
  channel: RealtimeChannelName,
  voiceId: unknown,
  options: unknown,
  withSettings: boolean,
): Promise<Prepared> {
  const label = channel;
  const [clientKey, clientHeaders] = CREDENTIALS.get(client ?? {}) ?? [];
  if (clientKey === undefined) invalid("client", "must be an ElevenLabsClient (new ElevenLabsClient(…))");
  if (typeof voiceId !== "string" || voiceId.trim() === "") {
    invalid("voiceId", `must be a non-empty string, got ${voiceId === "" ? '""' : typeof voiceId}`);
  }
  options ??= {};
  if (typeof options !== "object" || Array.isArray(options)) invalid("options", "must be an object");
  const own: Record<string, unknown> = {};
  const api: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options as object)) {
    if ((OWN as readonly string[]).includes(key)) own[key] = value;
    else api[key] = value;
  }
  const { apiKey, headers, abortSignal, maxBufferedAudioBytes, webSocket } = own as RealtimeConnectionOptions;
  const limits = checkRequestOptions(
    { timeoutInSeconds: own.timeoutInSeconds, idleTimeoutInSeconds: own.idleTimeoutInSeconds, abortSignal },
    "options",
  );
  if (
    maxBufferedAudioBytes !== undefined &&
    (typeof maxBufferedAudioBytes !== "number" || !Number.isInteger(maxBufferedAudioBytes) || maxBufferedAudioBytes < 1)
  ) {
    invalid("options.maxBufferedAudioBytes", `must be a whole number ≥ 1, got ${String(maxBufferedAudioBytes)}`);
  }
  if (webSocket !== undefined && typeof webSocket !== "function") {
    invalid("options.webSocket", "must be a WebSocket class (the runtime's WebSocket, or ws's)");
  }
  const extra = checkHeaders(headers, "options.headers") ?? {};
  // The key: an `xi-api-key` header, this call's apiKey (null: none), else the client's.
  let key: string | undefined =
    apiKey === null ? undefined : apiKey === undefined ? clientKey : checkApiKey(apiKey, "options.apiKey");
  const headerKey = extra["xi-api-key"] ?? clientHeaders?.["xi-api-key"];
  if (headerKey !== undefined && apiKey === undefined) key = headerKey;
  delete extra["xi-api-key"];

  // The API's parameters and the first message's settings: one schema, so that one walk checks and maps them.
  const { query: queryFields, path, publish } = REALTIME_CHANNELS[channel];
  const properties: Record<string, FieldSchema> = {};
  for (const [name, schema] of Object.entries(queryFields)) if (!isControlled(name)) properties[name] = schema;
  const first = publish[0] as RealtimeMessageName;
  if (withSettings) Object.assign(properties, settingsOf(first));
  const wire = toWire(api, { type: ["object"], properties }, "options") as Record<string, unknown>;
  const query: Record<string, unknown> = {};
  const settings: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(wire)) (name in queryFields ? query : settings)[name] = value;
  if ("model_id" in queryFields) query.model_id ??= DEFAULT_MODEL_ID;
  if ("output_format" in queryFields) query.output_format ??= DEFAULT_OUTPUT_FORMAT;
  const format = String(query.output_format ?? DEFAULT_OUTPUT_FORMAT);

  const WebSocketClass = webSocket ?? (await findWebSocket(fallback));
  const url = new URL(
    `${client.baseUrl.replace(/^http/, "ws")}${path.replace("{voice_id}", encodeURIComponent(voiceId as string))}`,
  );
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
  const headersOut: Record<string, string> = { ...clientHeaders, ...extra };
  delete headersOut["xi-api-key"];
  if (key !== undefined) headersOut["xi-api-key"] = key;
  const redact = redactor([clientKey, key ?? ""]);
  const link = await Link.open({
    url: url.href,
    label,
    headers: headersOut,
    webSocket: WebSocketClass,
    timeoutMs: limits.timeoutMs ?? 20_000,
    idleTimeoutMs: limits.idleTimeoutMs ?? 30_000,
    maxBufferedBytes: maxBufferedAudioBytes ?? 1 << 20,
    signal: abortSignal,
    redact,
  });
  const keyField = keyFieldOf(first);
  const messageKey: Record<string, string> = {};
  if (!link.headersSent && key !== undefined && keyField) messageKey[keyField] = key;
  return { link, format, query, settings, messageKey, label };
}

/** Where the runtime has no WebSocket, a loader of one: the Node entry's gives `ws` (src/node/realtime.ts). */
export type WebSocketFallback = (() => Promise<WebSocketConstructor>) | undefined;

/** The runtime's WebSocket, else the Node entry's fallback (`ws`), else an error that says what to do. */
async function findWebSocket(fallback: WebSocketFallback): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof global === "function") return global;
  if (fallback) return fallback();
  throw new ElevenLabsError(
    "this runtime has no WebSocket: pass options.webSocket (for example the `ws` package's WebSocket class)",
  );
}

/** @internal connectStreamInput(), with the runtime's fallback WebSocket (the Node entry's `ws`). */
export async function connectStreamInputWith(
  fallback: WebSocketFallback,
  client: ElevenLabsClient,
  voiceId: string,
  options?: StreamInputOptions,
): Promise<RealtimeSession> {
  const { link, format, query, settings, messageKey, label } = await open(
    fallback,
    client,
    "stream-input",
    voiceId,
    options,
    true,
  );
  const session = new RealtimeSession(link, format, query.auto_mode === true, label);
  try {
    link.send({ text: " ", ...settings, ...messageKey });
  } catch (error) {
    session.abort(error);
    throw error;
  }
  return session;
}

/** @internal connectMultiStreamInput(), with the runtime's fallback WebSocket. */
export async function connectMultiStreamInputWith(
  fallback: WebSocketFallback,
  client: ElevenLabsClient,
  voiceId: string,
  options?: MultiContextOptions,
): Promise<MultiContextSession> {
  const { link, format, messageKey, label } = await open(
    fallback,
    client,
    "multi-stream-input",
    voiceId,
    options,
    false,
  );
  // A context's settings: those of the socket's first message (a later context's first message takes the same).
  const properties = settingsOf(REALTIME_CHANNELS["multi-stream-input"].publish[0] as RealtimeMessageName);
  const check = (value: unknown): WireSettings =>
    value === undefined ? {} : (toWire(value, { type: ["object"], properties }, "settings") as WireSettings);
  return new MultiContextSession(link, format, label, messageKey, check);
}

/** The tokens of a text source, one string at a time, from any of the shapes it may have. */
async function* tokensOf(text: TextSource): AsyncGenerator<unknown, void, undefined> {
  if (typeof text === "string") {
    yield text;
    return;
  }
  const stream = text as ReadableStream<string>;
  if (typeof stream.getReader === "function") {
    const reader = stream.getReader();
    let done = false;
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      if (!done) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  }
  yield* text as AsyncIterable<string> | Iterable<string>;
}

function checkSource(text: unknown): TextSource {
  const ok =
    typeof text === "string" ||
    (text !== null &&
      typeof text === "object" &&
      (Symbol.asyncIterator in text ||
        Symbol.iterator in text ||
        typeof (text as ReadableStream).getReader === "function"));
  if (!ok) {
    invalid("text", "must be a string, an iterable or async iterable of strings, or a ReadableStream of strings");
  }
  return text as TextSource;
}

/**
 * @internal streamInput(), with the runtime's fallback WebSocket. The text source is read only while the audio waiting
 * unread is within `maxBufferedAudioBytes`; at its end the rest is flushed and the input closed.
 */
export async function streamInputWith(
  fallback: WebSocketFallback,
  client: ElevenLabsClient,
  voiceId: string,
  text: TextSource,
  options?: StreamInputOptions,
): Promise<RealtimeAudioStream> {
  const source = checkSource(text);
  const session = await connectStreamInputWith(fallback, client, voiceId, options);
  const audio = session.audio();
  void (async () => {
    let index = 0;
    for await (const token of tokensOf(source)) {
      if (typeof token !== "string") invalid(`text[${index}]`, `must be a string, got ${typeof token}`);
      index++;
      await session.send(token);
    }
    await session.close();
  })().catch((error: unknown) => {
    // The source failed (or the session did, and its error is already what the audio gives).
    if (error instanceof ElevenLabsError) return session.abort(error);
    session.abort(
      new ElevenLabsError(`the text source failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      }),
    );
  });
  return audio;
}

/**
 * Speaks a text as it is written, over the `stream-input` WebSocket: `text` is an LLM's token stream (an async
 * iterable or a ReadableStream of strings; an iterable or one string too), sent at word boundaries as it arrives.
 * Resolves once the socket is open, with the audio as it arrives (`bytes()`, `for await`, `play()`) and its alignment
 * (`alignmentChunks()`, `alignment()`). See docs/realtime.md.
 *
 * @example
 * const audio = await streamInput(client, voiceId, llmTokens(), { modelId: "eleven_flash_v2_5" });
 * await play(audio);
 */
export function streamInput(
  client: ElevenLabsClient,
  voiceId: string,
  text: TextSource,
  options?: StreamInputOptions,
): Promise<RealtimeAudioStream> {
  return streamInputWith(undefined, client, voiceId, text, options);
}

/**
 * Opens a `stream-input` session: text in with `send()`, `flush()` and `close()`; audio out by
 * `for await (const chunk of session)` or `session.audio()`. Resolves once the socket is open and its first message
 * (the settings) is sent.
 */
export function connectStreamInput(
  client: ElevenLabsClient,
  voiceId: string,
  options?: StreamInputOptions,
): Promise<RealtimeSession> {
  return connectStreamInputWith(undefined, client, voiceId, options);
}

/** Opens a `multi-stream-input` socket: contexts are opened on it with `session.context(id, settings)`. */
export function connectMultiStreamInput(
  client: ElevenLabsClient,
  voiceId: string,
  options?: MultiContextOptions,
): Promise<MultiContextSession> {
  return connectMultiStreamInputWith(undefined, client, voiceId, options);
}
