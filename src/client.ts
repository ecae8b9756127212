/** ElevenLabsClient: options, environment, one openapi-fetch client over every generated path, one transport. */
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "../generated/schema.js";
import { ValidationError } from "./core/errors.js";
import { readEnv } from "./core/env.js";
import { createTransport, type Hooks, type Transport } from "./core/transport.js";
import { TextToSpeech, callOptions } from "./text-to-speech.js";

/** The API's regional addresses, as the official SDK names them. */
export const ElevenLabsEnvironment = {
  Production: "https://api.elevenlabs.io",
  ProductionUs: "https://api.us.elevenlabs.io",
  ProductionEu: "https://api.eu.residency.elevenlabs.io",
  ProductionIndia: "https://api.in.residency.elevenlabs.io",
} as const;

export interface ElevenLabsClientOptions extends Hooks {
  /** Your API key. Default: the `ELEVENLABS_API_KEY` environment variable. */
  apiKey?: string;
  /** The API's address. Default: `ELEVENLABS_BASE_URL`, then `https://api.elevenlabs.io`. */
  baseUrl?: string;
  /** Alias of `baseUrl`, as the official SDK names it (e.g. `ElevenLabsEnvironment.ProductionEu`). */
  environment?: string;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** The fetch to use (a test double, a proxy-aware fetch …). Default: the global fetch. */
  fetch?: typeof fetch;
  /** Seconds until the response headers arrive. Default 60. */
  timeoutInSeconds?: number;
  /** Seconds allowed between two chunks of a response body; a stalled stream fails after this. Default 30. */
  idleTimeoutInSeconds?: number;
  /** Retries of 408, 409, 429, 5xx and connection failures, with exponential backoff. Default 2. */
  maxRetries?: number;
  /** Allow plain `http://` to a host that is not loopback (the key would travel in clear text). Default false. */
  allowInsecureHttp?: boolean;
  /**
   * Debug logging of every attempt (method, URL, status, timing, attempt, request id; never the key): `true` logs
   * with console.debug, a function receives the lines. Default: on when `ELEVENLABS_LOG=debug`.
   */
  debug?: boolean | ((line: string) => void);
}

const DEFAULT_BASE_URL = ElevenLabsEnvironment.Production;
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

function checkApiKey(apiKey: unknown): string {
  if (apiKey === undefined || apiKey === null || (typeof apiKey === "string" && apiKey.trim() === "")) {
    throw new ValidationError(
      "apiKey",
      "no API key: pass new ElevenLabsClient({ apiKey }) or set the ELEVENLABS_API_KEY environment variable " +
        "(to work offline, start the local server with `npx elevenlabs-fetch mock` and point baseUrl at it)",
    );
  }
  if (typeof apiKey !== "string") throw new ValidationError("apiKey", `must be a string, got ${typeof apiKey}`);
  // Reported without echoing the key itself.
  if (/[\r\n]/.test(apiKey)) throw new ValidationError("apiKey", "contains a line break (CR or LF)");
  if (/[^\x21-\x7e]/.test(apiKey.trim())) {
    throw new ValidationError("apiKey", "contains a space, a control character or a non-ASCII character");
  }
  return apiKey.trim();
}

function checkBaseUrl(value: string, field: string, allowInsecureHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(field, `is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ValidationError(field, `must be an http(s) URL, got ${url.protocol}`);
  }
  if (url.username || url.password) throw new ValidationError(field, "must not contain credentials");
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname) && !allowInsecureHttp) {
    throw new ValidationError(
      field,
      `plain http to ${url.hostname} would send the API key in clear text; use https, or pass allowInsecureHttp: true`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

function debugHooks(debug: ElevenLabsClientOptions["debug"]): Hooks {
  const enabled = debug ?? readEnv("ELEVENLABS_LOG") === "debug";
  if (!enabled) return {};
  const log = typeof enabled === "function" ? enabled : (line: string) => console.debug(line);
  return {
    onRequest: (e) => log(`[elevenlabs-fetch] → ${e.method} ${e.url} (attempt ${e.attempt})`),
    onResponse: (e) =>
      log(
        `[elevenlabs-fetch] ← ${e.status} ${e.method} ${e.url} in ${e.elapsedMs} ms (attempt ${e.attempt}` +
          `${e.requestId ? `, request-id ${e.requestId}` : ""})`,
      ),
    onError: (e) =>
      log(
        `[elevenlabs-fetch] ✗ ${e.method} ${e.url} failed in ${e.elapsedMs} ms (attempt ${e.attempt}): ` +
          `${e.error.name}: ${e.error.message}${e.willRetry ? "; retrying" : ""}`,
      ),
  };
}

function both<E>(a?: (e: E) => void, b?: (e: E) => void): ((e: E) => void) | undefined {
  return a && b ? (e) => (a(e), b(e)) : (a ?? b);
}

export class ElevenLabsClient {
  /** Text to speech: `convert(voiceId, request, requestOptions?)`. */
  readonly textToSpeech: TextToSpeech;
  /**
   * The typed low-level client (openapi-fetch) over every path in the spec, with the same auth, retries, timeouts
   * and errors as the facade: a failing status throws an ElevenLabsError, so `data` is always set.
   *
   * @example
   * const { data } = await client.raw.POST("/v1/text-to-speech/{voice_id}", {
   *   params: { path: { voice_id } }, body: { text: "Hi" }, parseAs: "stream" });
   */
  readonly raw: Client<paths>;
  /** The API address in use. */
  readonly baseUrl: string;

  constructor(options: ElevenLabsClientOptions = {}) {
    const apiKey = checkApiKey(options.apiKey ?? readEnv("ELEVENLABS_API_KEY"));
    const baseField =
      options.baseUrl !== undefined
        ? "baseUrl"
        : options.environment !== undefined
          ? "environment"
          : "ELEVENLABS_BASE_URL";
    const base = options.baseUrl ?? options.environment ?? readEnv("ELEVENLABS_BASE_URL") ?? DEFAULT_BASE_URL;
    this.baseUrl = checkBaseUrl(base, baseField, options.allowInsecureHttp === true);
    const call = callOptions(options, "options");
    const debug = debugHooks(options.debug);
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== "function") throw new ValidationError("fetch", "no fetch: pass { fetch } on this runtime");
    const transport: Transport = createTransport({
      apiKey,
      fetch: (input, init) => fetchImpl(input, init),
      timeoutMs: call.timeoutMs ?? 60_000,
      idleTimeoutMs: call.idleTimeoutMs ?? 30_000,
      maxRetries: call.maxRetries ?? 2,
      maxRedirects: 5,
      onRequest: both(debug.onRequest, options.onRequest),
      onResponse: both(debug.onResponse, options.onResponse),
      onError: both(debug.onError, options.onError),
    });
    this.raw = createClient<paths>({
      baseUrl: this.baseUrl,
      fetch: (request: Request) => transport(request),
      ...(options.headers ? { headers: options.headers } : {}),
    });
    this.textToSpeech = new TextToSpeech(this.raw, transport);
  }
}
