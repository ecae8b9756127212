/** ElevenLabsClient: options, environment, one openapi-fetch client over every generated path, one transport. */
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "../generated/schema.js";
import type { Facade } from "../generated/facade.js";
import { FACADE } from "../generated/runtime.js";
import { checkApiKey, checkHeaders } from "./core/check.js";
import { invalid } from "./core/errors.js";
import { readEnv } from "./core/env.js";
import { fetchSend, type Send } from "./core/send.js";
import { createTransport, type Hooks, type RequestEvent } from "./core/transport.js";
import { buildFacade } from "./facade.js";
import { shield, type RawClient } from "./raw.js";
import { checkRequestOptions } from "./request-options.js";

/** The API's regional addresses, as the official SDK names them. */
export const ElevenLabsEnvironment = {
  Production: "https://api.elevenlabs.io",
  ProductionUs: "https://api.us.elevenlabs.io",
  ProductionEu: "https://api.eu.residency.elevenlabs.io",
  ProductionIndia: "https://api.in.residency.elevenlabs.io",
} as const;

export interface ElevenLabsClientOptions extends Hooks {
  /** Your API key. Default: the `ELEVENLABS_API_KEY` environment variable. */
  apiKey?: string | undefined;
  /** The API's address. Default: `ELEVENLABS_BASE_URL`, then `https://api.elevenlabs.io`. */
  baseUrl?: string | undefined;
  /** Alias of `baseUrl`, as the official SDK names it (e.g. `ElevenLabsEnvironment.ProductionEu`). */
  environment?: string | undefined;
  /** Headers sent with every request. An `xi-api-key` here is sent instead of `apiKey`. */
  headers?: Record<string, string> | undefined;
  /** The fetch to use (a test double, a proxy-aware fetch …). Default: the global fetch. */
  fetch?: typeof fetch | undefined;
  /**
   * How requests go out. `"fetch"`: fetch (the default in browsers, and whenever `fetch` is given). `"node"`:
   * node:http on keep-alive agents, for every request, ignoring proxy settings (the Node entry only). Default on
   * Node: node:http, except through fetch when HTTP(S)_PROXY applies (NO_PROXY considered) or an undici global
   * dispatcher is installed.
   */
  transport?: "fetch" | "node" | undefined;
  /** Seconds until the response headers arrive. Default 60; at most 2147483 (the longest timer runtimes keep). */
  timeoutInSeconds?: number | undefined;
  /**
   * Seconds allowed between two chunks of a response body; a stalled stream fails after this. Default 30, or
   * `timeoutInSeconds` when that is set lower.
   */
  idleTimeoutInSeconds?: number | undefined;
  /** Retries of 408, 409, 429, 5xx and connection failures, with exponential backoff. Default 2. */
  maxRetries?: number | undefined;
  /** Allow plain `http://` to a host that is not loopback (the key would travel in clear text). Default false. */
  allowInsecureHttp?: boolean | undefined;
  /**
   * Debug logging of every attempt (method, URL, status, timing, attempt, request id; never the key): `true` logs
   * with console.debug, a function receives the lines. Default: on when `ELEVENLABS_LOG=debug`.
   */
  debug?: (boolean | ((line: string) => void)) | undefined;
}

/**
 * @internal Each client's key and headers, as its constructor checked them, for the realtime WebSockets
 * (src/realtime/), which open their own connections beside the transport.
 */
export const CREDENTIALS = new WeakMap<object, [apiKey: string, headers?: Record<string, string>]>();

// A literal, not ElevenLabsEnvironment.Production, so that a bundle which does not use ElevenLabsEnvironment drops it.
const DEFAULT_BASE_URL = "https://api.elevenlabs.io";
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

function checkBaseUrl(value: string, field: string, allowInsecureHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    invalid(field, `is not a URL: ${JSON.stringify(value)}`);
  }
  const { protocol, hostname } = url;
  if (protocol !== "https:" && protocol !== "http:") invalid(field, `must be an http(s) URL, got ${protocol}`);
  if (url.username || url.password) invalid(field, "must not contain credentials");
  if (protocol === "http:" && !LOOPBACK.test(hostname) && !allowInsecureHttp) {
    invalid(
      field,
      `plain http to ${hostname} would send the API key in clear text; use https, or pass allowInsecureHttp: true`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

function debugHooks(debug: ElevenLabsClientOptions["debug"]): Hooks {
  const enabled = debug ?? readEnv("ELEVENLABS_LOG") === "debug";
  if (!enabled) return {};
  // `[elevenlabs-fetch] <what> <method> <url><timing> (attempt <n><rest>`
  const log = (what: string, e: RequestEvent, timing: string, rest: string): void => {
    const line = `[elevenlabs-fetch] ${what} ${e.method} ${e.url}${timing} (attempt ${e.attempt}${rest}`;
    if (typeof enabled === "function") enabled(line);
    else console.debug(line);
  };
  return {
    onRequest: (e) => log("→", e, "", ")"),
    onResponse: (e) =>
      log(`← ${e.status}`, e, ` in ${e.elapsedMs} ms`, `${e.requestId ? `, request-id ${e.requestId}` : ""})`),
    onError: (e) =>
      log(
        "✗",
        e,
        ` failed in ${e.elapsedMs} ms`,
        `): ${e.error.name}: ${e.error.message}${e.willRetry ? "; retrying" : ""}`,
      ),
  };
}

// The spec's groups (textToSpeech, models, voices, user …) are the client's members: generated/facade.ts types them,
// and the constructor builds them from generated/runtime.ts. A class cannot implement members it does not declare, so
// the interface is merged into the class.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface ElevenLabsClient extends Facade {}

/**
 * The client: `client.textToSpeech.convert(…)`, `client.models.list()`, `client.voices.search()` … one method per
 * operation of the spec, with the official SDK's names; `client.raw` for the typed low-level client.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ElevenLabsClient {
  /**
   * The typed low-level client (openapi-fetch) over every path in the spec, with the same auth, retries, timeouts
   * and errors as the facade: a failing status throws an ElevenLabsError, so `data` is always set.
   *
   * @example
   * const { data } = await client.raw.POST("/v1/text-to-speech/{voice_id}", {
   *   params: { path: { voice_id } }, body: { text: "Hi" }, parseAs: "stream" });
   */
  readonly raw: RawClient;
  /** The API address in use. */
  readonly baseUrl: string;
  /**
   * @internal The Node entry's client has it: the Send for these options (node:http, or undefined for fetch's), given
   * the fetch to fall back to; it checks the `transport` option. Without it, fetch is the only send.
   */
  protected nodeSend?(doFetch: typeof fetch, options: ElevenLabsClientOptions): Send | undefined;

  constructor(options: ElevenLabsClientOptions = {}) {
    // `null` too (a careless call from JavaScript): a ValidationError, never a TypeError.
    options ??= {};
    if (typeof options !== "object") invalid("options", `must be an object, got ${typeof options}`);
    const apiKey = checkApiKey(options.apiKey ?? readEnv("ELEVENLABS_API_KEY"), "apiKey");
    const baseField =
      options.baseUrl !== undefined
        ? "baseUrl"
        : options.environment !== undefined
          ? "environment"
          : "ELEVENLABS_BASE_URL";
    const base = options.baseUrl ?? options.environment ?? readEnv("ELEVENLABS_BASE_URL") ?? DEFAULT_BASE_URL;
    this.baseUrl = checkBaseUrl(base, baseField, options.allowInsecureHttp === true);
    const limits = checkRequestOptions(options, "options");
    const headers = checkHeaders(options.headers, "options.headers");
    const { onRequest, onResponse, onError } = options;
    for (const [name, hook] of Object.entries({ onRequest, onResponse, onError })) {
      if (hook !== undefined && typeof hook !== "function")
        invalid(`options.${name}`, `must be a function, got ${typeof hook}`);
    }
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== "function") invalid("fetch", "no fetch: pass { fetch } on this runtime");
    const doFetch: typeof fetch = (input, init) => fetchImpl(input, init);
    const custom = options.fetch !== undefined;
    const transport = createTransport({
      apiKey,
      send: this.nodeSend?.(doFetch, options) ?? fetchSend(doFetch, custom),
      custom,
      timeoutMs: limits.timeoutMs ?? 60_000,
      // Setting only the headers timeout lower caps the idle timeout too: a body may not stall longer than it.
      idleTimeoutMs: limits.idleTimeoutMs ?? Math.min(30_000, limits.timeoutMs ?? 30_000),
      maxRetries: limits.maxRetries ?? 2,
      maxRedirects: 5,
      // The hooks as given now: a later change to the options object changes nothing.
      hooks: [debugHooks(options.debug), { onRequest, onResponse, onError }],
    });
    const raw = createClient<paths>({
      baseUrl: this.baseUrl,
      fetch: (request: Request) => transport(request),
      ...(headers ? { headers } : {}),
    });
    const middleware: Middleware[] = [];
    this.raw = shield(raw, middleware, this.baseUrl);
    Object.assign(this, buildFacade({ raw, transport, baseUrl: this.baseUrl, headers, middleware }, FACADE));
    CREDENTIALS.set(this, [apiKey, headers]);
  }
}
