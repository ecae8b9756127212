/**
 * The transport: the `fetch` that openapi-fetch calls. It owns everything between "a request is ready" and "a
 * response with a body is handed over": the API key header, retries with backoff, the headers timeout, the idle
 * timeout on the body, same-origin redirects, and mapping every failure to one ElevenLabsError class.
 */
import {
  ConnectionError,
  ElevenLabsAbortError,
  ElevenLabsError,
  ElevenLabsTimeoutError,
  errorFromResponse,
  parseErrorBody,
} from "./errors.js";
import { isRetryableStatus, retryDelayMs, sleep } from "./retry.js";

export const API_KEY_HEADER = "xi-api-key";

/** What the hooks see of an attempt. The API key is never part of it. */
export interface RequestEvent {
  method: string;
  url: string;
  /** 1 for the first try, 2 for the first retry … */
  attempt: number;
}

export interface ResponseEvent extends RequestEvent {
  status: number;
  elapsedMs: number;
  requestId?: string;
}

export interface ErrorEvent extends RequestEvent {
  error: ElevenLabsError;
  elapsedMs: number;
  /** Whether another attempt follows. */
  willRetry: boolean;
}

export interface Hooks {
  onRequest?: (event: RequestEvent) => void;
  onResponse?: (event: ResponseEvent) => void;
  onError?: (event: ErrorEvent) => void;
}

export interface CallOptions {
  /** Milliseconds until the response headers arrive. */
  timeoutMs: number;
  /** Milliseconds allowed between two body chunks. */
  idleTimeoutMs: number;
  maxRetries: number;
}

export interface TransportConfig extends CallOptions, Hooks {
  apiKey: string;
  fetch: typeof fetch;
  maxRedirects: number;
}

export type Transport = (request: Request, call?: Partial<CallOptions>) => Promise<Response>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function createTransport(config: TransportConfig): Transport {
  const { apiKey, fetch: doFetch, maxRedirects } = config;

  return async function transport(request, call = {}) {
    const timeoutMs = call.timeoutMs ?? config.timeoutMs;
    const idleTimeoutMs = call.idleTimeoutMs ?? config.idleTimeoutMs;
    const maxRetries = call.maxRetries ?? config.maxRetries;
    const signal = request.signal;
    const body = request.body ? await request.arrayBuffer() : undefined;
    const headers = new Headers(request.headers);
    headers.set(API_KEY_HEADER, apiKey);

    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw aborted(signal);
      const event: RequestEvent = { method: request.method, url: request.url, attempt };
      config.onRequest?.(event);
      const started = Date.now();
      const canRetry = attempt <= maxRetries;

      // One controller per attempt: aborted by the caller's signal, the headers timeout, or the idle timeout.
      const controller = new AbortController();
      const onCallerAbort = (): void => controller.abort(signal.reason);
      signal.addEventListener("abort", onCallerAbort, { once: true });
      const release = (): void => signal.removeEventListener("abort", onCallerAbort);
      const timer = setTimeout(
        () => controller.abort(new ElevenLabsTimeoutError(`no response within ${timeoutMs} ms`, "headers")),
        timeoutMs,
      );

      let response: Response;
      try {
        response = await fetchFollowingRedirects(
          doFetch,
          request.method,
          request.url,
          headers,
          body,
          controller.signal,
          maxRedirects,
        );
      } catch (cause) {
        clearTimeout(timer);
        release();
        const error = classify(cause, signal, controller.signal);
        // Only connection failures before any response are retried; a timeout already spent the caller's budget.
        const willRetry = canRetry && error instanceof ConnectionError;
        config.onError?.({ ...event, error, elapsedMs: Date.now() - started, willRetry });
        if (!willRetry) throw error;
        await wait(retryDelayMs(attempt - 1), signal);
        continue;
      }
      clearTimeout(timer);
      const requestId = response.headers.get("request-id") ?? undefined;
      config.onResponse?.({ ...event, status: response.status, elapsedMs: Date.now() - started, requestId });

      if (response.ok) {
        if (!response.body) {
          release();
          return response;
        }
        const guarded = guardBody(response.body, idleTimeoutMs, controller, signal, release);
        return new Response(guarded, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
      }

      if (canRetry && isRetryableStatus(response.status)) {
        release();
        void response.body?.cancel().catch(() => undefined);
        const error = errorFromResponse(response.status, response.statusText, response.headers, undefined);
        config.onError?.({ ...event, error, elapsedMs: Date.now() - started, willRetry: true });
        await wait(retryDelayMs(attempt - 1, response.headers), signal);
        continue;
      }
      const text = response.body
        ? await new Response(guardBody(response.body, idleTimeoutMs, controller, signal, release)).text()
        : (release(), "");
      const error = errorFromResponse(response.status, response.statusText, response.headers, parseErrorBody(text));
      config.onError?.({ ...event, error, elapsedMs: Date.now() - started, willRetry: false });
      throw error;
    }
  };
}

async function wait(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, signal);
  } catch {
    throw aborted(signal);
  }
}

function aborted(signal: AbortSignal): ElevenLabsAbortError {
  return new ElevenLabsAbortError("the request was aborted by the caller", { cause: signal.reason });
}

/** Map whatever fetch or a body read threw to one ElevenLabsError. */
export function classify(cause: unknown, caller: AbortSignal, attempt: AbortSignal): ElevenLabsError {
  if (caller.aborted) return aborted(caller);
  if (attempt.aborted && attempt.reason instanceof ElevenLabsError) return attempt.reason;
  if (cause instanceof ElevenLabsError) return cause;
  const low = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  const code = low && typeof low === "object" && "code" in low ? String(low.code) : undefined;
  const what = low instanceof Error ? low.message : String(low);
  return new ConnectionError(`connection failed: ${code ? `${code}: ` : ""}${what}`, { cause });
}

/**
 * fetch with `redirect: "manual"`, following same-origin redirects only, at most `maxRedirects` hops. A redirect to
 * another origin is refused: fetch would carry the `xi-api-key` header there.
 */
async function fetchFollowingRedirects(
  doFetch: typeof fetch,
  method: string,
  url: string,
  headers: Headers,
  body: ArrayBuffer | undefined,
  signal: AbortSignal,
  maxRedirects: number,
): Promise<Response> {
  const origin = new URL(url).origin;
  for (let hop = 0; ; hop++) {
    const response = await doFetch(url, { method, headers, body, signal, redirect: "manual" });
    if (response.type === "opaqueredirect") {
      throw new ElevenLabsError(`refused to follow a redirect from ${url}: the browser hides its target`, {
        statusCode: response.status,
      });
    }
    if (!REDIRECTS.has(response.status)) return response;
    const location = response.headers.get("location");
    if (!location) return response;
    void response.body?.cancel().catch(() => undefined);
    const next = new URL(location, url);
    const options = { statusCode: response.status, headers: response.headers };
    if (next.origin !== origin) {
      throw new ElevenLabsError(
        `refused to follow a ${response.status} redirect to another origin (${next.origin}): the API key would be sent there; set baseUrl to the final address if you trust it`,
        options,
      );
    }
    if (hop >= maxRedirects) throw new ElevenLabsError(`more than ${maxRedirects} redirects`, options);
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
      method = "GET";
      body = undefined;
      headers = new Headers(headers);
      headers.delete("content-type");
    }
    url = next.href;
  }
}

/**
 * Hand the body over chunk by chunk as it arrives (no buffering: highWaterMark 0), erroring with the timeout error
 * when the server sends nothing for `idleMs` while the caller waits, and mapping resets to ConnectionError.
 */
function guardBody(
  source: ReadableStream<Uint8Array>,
  idleMs: number,
  controller: AbortController,
  caller: AbortSignal,
  release: () => void,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(out) {
        const timer = setTimeout(
          () => controller.abort(new ElevenLabsTimeoutError(`no body data for ${idleMs} ms`, "body")),
          idleMs,
        );
        try {
          const { done, value } = await reader.read();
          if (done) {
            release();
            out.close();
          } else {
            out.enqueue(value);
          }
        } catch (cause) {
          release();
          const error = classify(cause, caller, controller.signal);
          out.error(
            error instanceof ConnectionError
              ? new ConnectionError(`the connection broke before the whole body arrived: ${error.message}`, { cause })
              : error,
          );
        } finally {
          clearTimeout(timer);
        }
      },
      cancel(reason) {
        release();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
