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

/** One call's options: overrides of the client's, and who takes a successful body (convert: an AudioStream). */
export interface Call extends Partial<CallOptions> {
  /**
   * Takes the guarded body of a successful response; the transport then returns the response itself, whose own body
   * is already being read. Without it, the transport returns a new Response carrying the guarded body.
   */
  onBody?: (source: UnderlyingDefaultSource<Uint8Array>, response: Response) => void;
}

export interface TransportConfig extends CallOptions {
  apiKey: string;
  fetch: typeof fetch;
  maxRedirects: number;
  /** Called in this order for every attempt. */
  hooks: Hooks[];
}

/**
 * What openapi-fetch hands the transport: a web Request (`client.raw`), or the facade's LightRequest, which has the
 * same fields with the serialised body as it is.
 */
export type Outgoing = Pick<Request, "method" | "url" | "headers"> & {
  body?: BodyInit | null;
  signal?: AbortSignal | null;
};

export type Transport = (request: Outgoing, call?: Call) => Promise<Response>;

/**
 * The facade's request, built by openapi-fetch through its `Request` option. A web Request would turn the JSON body
 * into a stream that the transport then reads back; this keeps the body as openapi-fetch serialised it.
 */
export class LightRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body?: BodyInit | null;
  readonly signal?: AbortSignal | null;

  constructor(url: string, { method = "GET", headers, body, signal }: RequestInit) {
    this.url = url;
    this.method = method;
    this.headers = headers instanceof Headers ? headers : new Headers(headers);
    this.body = body;
    this.signal = signal;
  }
}

const REDIRECTS = [301, 302, 303, 307, 308];
const ignore = (): undefined => undefined;
const plain = (source: UnderlyingDefaultSource<Uint8Array>): ReadableStream<Uint8Array> =>
  new ReadableStream(source, { highWaterMark: 0 });

export function createTransport(config: TransportConfig): Transport {
  // The hooks that are set, in order, per kind: no event is built for a kind nobody listens to.
  const listeners = <K extends keyof Hooks>(kind: K): NonNullable<Hooks[K]>[] =>
    config.hooks.flatMap((hooks) => hooks[kind] ?? []);
  const onRequest = listeners("onRequest");
  const onResponse = listeners("onResponse");
  const onError = listeners("onError");

  return async (request, call = {}) => {
    const timeoutMs = call.timeoutMs ?? config.timeoutMs;
    const idleTimeoutMs = call.idleTimeoutMs ?? config.idleTimeoutMs;
    const maxRetries = call.maxRetries ?? config.maxRetries;
    const { method, url } = request;
    const signal = request.signal ?? undefined;
    // Every attempt sends the same bytes, so a stream body is read once, up front.
    let body = request.body ?? undefined;
    if (body instanceof ReadableStream) body = await new Response(body).arrayBuffer();
    // A plain object: fetch copies one much faster than a Headers object (about 7 % of a request's CPU).
    const headers: Record<string, string> = { ...Object.fromEntries(request.headers), "xi-api-key": config.apiKey };

    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw aborted(signal);
      const event: RequestEvent = { method, url, attempt };
      for (const hook of onRequest) hook(event);
      const started = Date.now();
      const canRetry = attempt <= maxRetries;

      // One controller per attempt: aborted by the caller's signal, the headers timeout, or the idle timeout.
      const controller = new AbortController();
      const onCallerAbort = (): void => controller.abort(signal?.reason);
      signal?.addEventListener("abort", onCallerAbort, { once: true });
      const release = (): void => signal?.removeEventListener("abort", onCallerAbort);
      const timer = setTimeout(
        () => controller.abort(new ElevenLabsTimeoutError(`no response within ${timeoutMs} ms`, "headers")),
        timeoutMs,
      );
      const guarded = (source: ReadableStream<Uint8Array>): UnderlyingDefaultSource<Uint8Array> =>
        guard(source, idleTimeoutMs, controller, signal, release);

      let response: Response | undefined;
      let error!: ElevenLabsError;
      let willRetry!: boolean;
      try {
        response = await follow(config.fetch, method, url, headers, body, controller.signal, config.maxRedirects);
      } catch (cause) {
        release();
        error = classify(cause, signal, controller.signal);
        // Only connection failures before any response are retried; a timeout already spent the caller's budget.
        willRetry = canRetry && error instanceof ConnectionError;
      }
      clearTimeout(timer);

      if (response) {
        const { status, statusText, headers: responseHeaders, body: source } = response;
        if (onResponse.length) {
          const requestId = responseHeaders.get("request-id") ?? undefined;
          const done: ResponseEvent = { ...event, status, elapsedMs: Date.now() - started, requestId };
          for (const hook of onResponse) hook(done);
        }
        if (response.ok) {
          if (!source) {
            release();
            return response;
          }
          if (!call.onBody)
            return new Response(plain(guarded(source)), { status, statusText, headers: responseHeaders });
          call.onBody(guarded(source), response);
          return response;
        }
        willRetry = canRetry && isRetryableStatus(status);
        let text = "";
        if (willRetry || !source) {
          release();
          void source?.cancel().catch(ignore);
        } else {
          text = await new Response(plain(guarded(source))).text();
        }
        error = errorFromResponse(status, statusText, responseHeaders, parseErrorBody(text));
      }
      const failed: ErrorEvent = { ...event, error, elapsedMs: Date.now() - started, willRetry };
      for (const hook of onError) hook(failed);
      if (!willRetry) throw error;
      try {
        await sleep(retryDelayMs(attempt - 1, response?.headers), signal);
      } catch {
        throw aborted(signal);
      }
    }
  };
}

function aborted(signal: AbortSignal | undefined): ElevenLabsAbortError {
  return new ElevenLabsAbortError("the request was aborted by the caller", { cause: signal?.reason });
}

/** Map whatever fetch or a body read threw to one ElevenLabsError. */
function classify(cause: unknown, caller: AbortSignal | undefined, attempt: AbortSignal): ElevenLabsError {
  if (caller?.aborted) return aborted(caller);
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
async function follow(
  doFetch: typeof fetch,
  method: string,
  url: string,
  headers: HeadersInit,
  body: BodyInit | undefined,
  signal: AbortSignal,
  maxRedirects: number,
): Promise<Response> {
  const first = url;
  for (let hop = 0; ; hop++) {
    const response = await doFetch(url, { method, headers, body, signal, redirect: "manual" });
    const { status, type } = response;
    if (type === "opaqueredirect") {
      throw new ElevenLabsError(`refused to follow a redirect from ${url}: the browser hides its target`, {
        statusCode: status,
      });
    }
    const location = REDIRECTS.includes(status) && response.headers.get("location");
    if (!location) return response;
    void response.body?.cancel().catch(ignore);
    const next = new URL(location, url);
    const options = { statusCode: status, headers: response.headers };
    // The origin is worked out only when there is a redirect: no URL parse on the common path.
    if (next.origin !== new URL(first).origin) {
      throw new ElevenLabsError(
        `refused to follow a ${status} redirect to another origin (${next.origin}): the API key would be sent there; set baseUrl to the final address if you trust it`,
        options,
      );
    }
    if (hop >= maxRedirects) throw new ElevenLabsError(`more than ${maxRedirects} redirects`, options);
    if (status === 303 || (status < 303 && method === "POST")) {
      method = "GET";
      body = undefined;
      const without = new Headers(headers);
      without.delete("content-type");
      headers = without;
    }
    url = next.href;
  }
}

/**
 * The body, pulled chunk by chunk as the reader asks (no buffering: the stream is built with highWaterMark 0),
 * erroring with the timeout error when the server sends nothing for `idleMs` while the caller waits, and mapping
 * resets to ConnectionError. It is the only layer between fetch's body and the caller.
 *
 * The idle timer is one per body, not one per chunk: a read records when it began, and the timer, when it fires,
 * either aborts (a read has waited `idleMs`), re-arms for the time left, or lapses (no read is waiting; the next one
 * arms it again). It is unref'd where the runtime can: a body nobody reads must not keep Node alive.
 */
function guard(
  body: ReadableStream<Uint8Array>,
  idleMs: number,
  controller: AbortController,
  caller: AbortSignal | undefined,
  release: () => void,
): UnderlyingDefaultSource<Uint8Array> {
  const reader = body.getReader();
  let since: number | undefined; // when the waiting read began; undefined while none waits
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (ms: number): void => {
    timer = setTimeout(watch, ms);
    (timer as { unref?: () => void }).unref?.();
  };
  const watch = (): void => {
    timer = undefined;
    if (since === undefined) return;
    const left = since + idleMs - Date.now();
    if (left > 0) arm(left);
    else controller.abort(new ElevenLabsTimeoutError(`no body data for ${idleMs} ms`, "body"));
  };
  const end = (): void => {
    clearTimeout(timer);
    release();
  };
  return {
    async pull(out) {
      since = Date.now();
      if (!timer) arm(idleMs);
      try {
        const { done, value } = await reader.read();
        since = undefined;
        if (done) {
          end();
          out.close();
        } else {
          out.enqueue(value);
        }
      } catch (cause) {
        end();
        const error = classify(cause, caller, controller.signal);
        out.error(
          error instanceof ConnectionError
            ? new ConnectionError(`the connection broke before the whole body arrived: ${error.message}`, { cause })
            : error,
        );
      }
    },
    cancel(reason) {
      end();
      return reader.cancel(reason);
    },
  };
}
