/**
 * The transport: the `fetch` that openapi-fetch calls. It owns everything between "a request is ready" and "a
 * response with a body is handed over": the API key header, retries with backoff, the headers timeout, the idle
 * timeout on the body, same-origin redirects, bounded error bodies, key redaction, and mapping every failure to one
 * ElevenLabsError class. The wire itself is a `Send` (src/core/send.ts): fetch, or node:http on the Node entry.
 */
import {
  ConnectionError,
  ElevenLabsAbortError,
  ElevenLabsError,
  ElevenLabsTimeoutError,
  errorFromResponse,
  parseErrorBody,
} from "./errors.js";
import { redactor, type Redactor } from "./redact.js";
import { isRetryableStatus, retryDelayMs, sleep } from "./retry.js";
import { ignore, type BodyReader, type Hop, type Send, type Sent } from "./send.js";

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

/** An attempt that failed. (Not `ErrorEvent`: that name is the DOM's.) */
export interface RequestErrorEvent extends RequestEvent {
  error: ElevenLabsError;
  elapsedMs: number;
  /** Whether another attempt follows. */
  willRetry: boolean;
}

export interface Hooks {
  onRequest?: ((event: RequestEvent) => void) | undefined;
  onResponse?: ((event: ResponseEvent) => void) | undefined;
  onError?: ((event: RequestErrorEvent) => void) | undefined;
}

/** The transport's limits, in milliseconds and counts (the user-facing options are in seconds). */
export interface Limits {
  /** Milliseconds until the response headers arrive. */
  timeoutMs: number;
  /** Milliseconds allowed between two body chunks. */
  idleTimeoutMs: number;
  maxRetries: number;
}

/**
 * A web stream's underlying source, spelled out so that the shipped types need no DOM library (a Node project without
 * `lib: ["DOM"]` has no `UnderlyingDefaultSource`).
 */
export interface BodySource {
  pull(controller: ReadableStreamDefaultController<Uint8Array>): void | PromiseLike<void>;
  cancel?(reason?: unknown): void | PromiseLike<void>;
}

/** What one send through the transport takes: overrides of the client's limits, and how to treat the answer. */
export interface SendOptions extends Partial<Limits> {
  /** The key for this call only: it wins over an `xi-api-key` request header and the client's key. */
  apiKey?: string;
  /**
   * The call expects audio: it asks for `Accept-Encoding: identity` (audio is compressed already, and a lenient
   * decompressor could hand over a cut body as complete), and a success carrying JSON or text is an error.
   */
  audio?: boolean;
  /**
   * Takes the guarded body of a successful response; the transport then returns the response itself, whose own body
   * is already being read. Without it, the transport returns a new Response carrying the guarded body.
   */
  onBody?: (source: BodySource, response: Response) => void;
}

export interface TransportConfig extends Limits {
  apiKey: string;
  /** What sends each hop: `fetchSend(fetch)`, or node:http on the Node entry. */
  send: Send;
  /**
   * The send is a caller's fetch, whose body may not react to the abort: a read waiting for data is then errored by
   * the abort itself. (The runtime's fetch and node:http reject a pending read when the hop's signal aborts.)
   */
  custom?: boolean;
  maxRedirects: number;
  /** Called in this order for every attempt. */
  hooks: Hooks[];
}

/**
 * What the transport sends: a web Request from openapi-fetch (`client.raw`, or any facade call once middleware is
 * registered), or the facade's direct request, whose headers are a plain record of lower-case names and whose body is
 * the serialised JSON as it is.
 */
export type Outgoing = Pick<Request, "method" | "url"> & {
  headers: Headers | Record<string, string>;
  body?: RequestInit["body"];
  signal?: AbortSignal | null | undefined;
};

export type Transport = (request: Outgoing, call?: SendOptions) => Promise<Response>;

/** How much of an error body is read (the rest is cancelled), and for how long at most. */
export const MAX_ERROR_BODY_BYTES = 65_536;
export const MAX_ERROR_BODY_MS = 5_000;

const REDIRECTS = [301, 302, 303, 307, 308];
/** Content types that carry an error or a web page, never audio. */
export const NOT_AUDIO = /json|^text\//i;
const plain = (source: BodySource): ReadableStream<Uint8Array> => new ReadableStream(source, { highWaterMark: 0 });

/** The outcome of one attempt: a response to hand over, or an error and whether another attempt follows. */
type Attempt = { response: Response } | { error: ElevenLabsError; willRetry: boolean; headers?: Headers };

export function createTransport(config: TransportConfig): Transport {
  // The hooks that are set, in order, per kind: no event is built for a kind nobody listens to.
  const listeners = <K extends keyof Hooks>(kind: K): NonNullable<Hooks[K]>[] =>
    config.hooks.flatMap((hooks) => hooks[kind] ?? []);
  const onRequest = listeners("onRequest");
  const onResponse = listeners("onResponse");
  const onError = listeners("onError");
  const clientRedact = redactor([config.apiKey]);

  return async (request, call = {}) => {
    const timeoutMs = call.timeoutMs ?? config.timeoutMs;
    // A call that shortens the headers timeout shortens the idle timeout with it, unless it sets both.
    const idleTimeoutMs = call.idleTimeoutMs ?? Math.min(config.idleTimeoutMs, call.timeoutMs ?? config.idleTimeoutMs);
    const maxRetries = call.maxRetries ?? config.maxRetries;
    const { method, url } = request;
    const signal = request.signal ?? undefined;
    // Every attempt sends the same bytes, so a stream body is read once, up front.
    let body = request.body ?? undefined;
    if (body instanceof ReadableStream) body = await new Response(body).arrayBuffer();
    // A plain object: fetch copies one faster than a Headers object, and node:http takes one. A key given for this
    // call (the option, then an `xi-api-key` request header) wins over the client's.
    const headers: Record<string, string> =
      request.headers instanceof Headers ? Object.fromEntries(request.headers) : { ...request.headers };
    const apiKey = call.apiKey ?? (headers["xi-api-key"] || config.apiKey);
    headers["xi-api-key"] = apiKey;
    if (call.audio) headers["accept-encoding"] = "identity";
    // Whatever a server or a custom fetch echoes back, neither key reaches an error. The client's redactor is built
    // once; a call with a key of its own gets one for both keys.
    const redact = apiKey === config.apiKey ? clientRedact : redactor([config.apiKey, apiKey]);

    /** The error for a failed response: its body read bounded (and the rest cancelled), every key redacted. */
    const failure = async (response: Response, source: BodyReader | null, notAudio?: string) => {
      const text = redact.text(await readBounded(source, Math.min(idleTimeoutMs, MAX_ERROR_BODY_MS)));
      const { status } = response;
      const headers = redact.headers(response.headers);
      const body = redact.deep(parseErrorBody(text));
      const error = errorFromResponse(status, redact.text(response.statusText), headers, body);
      return notAudio
        ? new ElevenLabsError(`the API answered ${status} with ${notAudio} instead of audio: ${error.message}`, {
            statusCode: status,
            body: error.body,
            headers,
          })
        : error;
    };

    const attempt = async (number: number): Promise<Attempt> => {
      const event: RequestEvent = { method, url, attempt: number };
      for (const hook of onRequest) hook(event);
      const started = Date.now();
      const canRetry = number <= maxRetries;
      const failed = (error: ElevenLabsError, willRetry: boolean, headers?: Headers): Attempt => {
        const done: RequestErrorEvent = { ...event, error, elapsedMs: Date.now() - started, willRetry };
        for (const hook of onError) hook(done);
        return { error, willRetry, headers };
      };

      // One controller per attempt: aborted by the caller's signal, the headers timeout, or the idle timeout.
      const controller = new AbortController();
      const onCallerAbort = (): void => controller.abort(signal?.reason);
      signal?.addEventListener("abort", onCallerAbort, { once: true });
      const release = (): void => signal?.removeEventListener("abort", onCallerAbort);
      const timer = setTimeout(
        () => controller.abort(new ElevenLabsTimeoutError(`no response within ${timeoutMs} ms`, "headers")),
        timeoutMs,
      );

      let response: Response;
      let source: BodyReader | null;
      try {
        const hop = { method, url, headers, body, signal: controller.signal };
        [response, source] = await follow(config.send, hop, config.maxRedirects, redact);
      } catch (cause) {
        release();
        const error = classify(cause, signal, controller.signal, redact);
        // Only connection failures before any response are retried; a timeout already spent the caller's budget.
        return failed(error, canRetry && error instanceof ConnectionError);
      } finally {
        clearTimeout(timer);
      }

      const { status, statusText, headers: responseHeaders } = response;
      try {
        if (onResponse.length) {
          const requestId = responseHeaders.get("request-id") ?? undefined;
          const done: ResponseEvent = { ...event, status, elapsedMs: Date.now() - started, requestId };
          for (const hook of onResponse) hook(done);
        }
        const type = responseHeaders.get("content-type") ?? "";
        if (response.ok && !(call.audio && NOT_AUDIO.test(type))) {
          if (!source) {
            release();
            return { response };
          }
          const guarded = guard(
            source,
            idleTimeoutMs,
            controller,
            signal,
            release,
            redact,
            call.audio === true,
            config.custom,
          );
          if (!call.onBody)
            return { response: new Response(plain(guarded), { status, statusText, headers: responseHeaders }) };
          call.onBody(guarded, response);
          return { response };
        }
        const willRetry = canRetry && isRetryableStatus(status);
        if (willRetry) void source?.cancel().catch(ignore);
        const error = await failure(response, willRetry ? null : source, response.ok ? type.split(";")[0] : undefined);
        release();
        if (signal?.aborted) return failed(aborted(signal), false);
        return failed(error, willRetry, responseHeaders);
      } catch (cause) {
        // A throwing hook: the body is not left open, nor the listener on the caller's signal.
        void source?.cancel().catch(ignore);
        release();
        throw classify(cause, signal, controller.signal, redact);
      }
    };

    for (let number = 1; ; number++) {
      if (signal?.aborted) throw aborted(signal);
      const result = await attempt(number);
      if ("response" in result) return result.response;
      if (!result.willRetry) throw result.error;
      try {
        await sleep(retryDelayMs(number - 1, result.headers), signal);
      } catch {
        throw aborted(signal);
      }
    }
  };
}

/**
 * At most MAX_ERROR_BODY_BYTES of a body, as text, within `ms`; the rest is cancelled. A body that breaks or stalls
 * gives what arrived: the error it belongs to is already decided by the status.
 */
async function readBounded(reader: BodyReader | null, ms: number): Promise<string> {
  if (!reader) return "";
  const decoder = new TextDecoder();
  let text = "";
  let left = MAX_ERROR_BODY_BYTES;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    while (left > 0) {
      const next = await Promise.race([reader.read(), deadline]);
      if (!next || next.done) break;
      const part = next.value.subarray(0, left);
      left -= part.byteLength;
      text += decoder.decode(part, { stream: true });
    }
  } catch {
    // keep what arrived
  } finally {
    clearTimeout(timer);
    void reader.cancel().catch(ignore);
  }
  return text + decoder.decode();
}

function aborted(signal: AbortSignal | undefined): ElevenLabsAbortError {
  return new ElevenLabsAbortError("the request was aborted by the caller", { cause: signal?.reason });
}

/**
 * Codes of network failures: errno names of sockets and DNS, undici's, TLS and certificate failures, and Bun's. Only
 * these, and fetch's own network TypeErrors, are connection failures; anything else thrown (a bug in a custom fetch,
 * ENOENT, `ERR_INVALID_ARG_TYPE` …) is not retried.
 */
const NETWORK_CODES =
  /^(E(CONNRESET|CONNREFUSED|CONNABORTED|PIPE|TIMEDOUT|HOSTUNREACH|HOSTDOWN|NETUNREACH|NETDOWN|NETRESET|AI_AGAIN|AI_FAIL|NOTFOUND|ADDRNOTAVAIL|PROTO)$|UND_ERR_|ERR_(TLS|SSL|HTTP2)|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|Connection(Refused|Closed|Reset)$|FailedToOpenSocket$)/;
/** fetch's own network TypeErrors: Node, Chromium, Firefox, Safari, Deno, and undici's cut body ("terminated"). */
const NETWORK_MESSAGES =
  /^(fetch failed|failed to fetch|networkerror|network ?error|load failed|error sending|terminated)/i;

/** The network failure's code and message, from the error or its causes, when it is one. */
function networkFailure(cause: unknown): string | undefined {
  for (let e = cause, depth = 0; e && typeof e === "object" && depth < 4; e = (e as Error).cause, depth++) {
    const code = "code" in e ? String(e.code) : "";
    if (NETWORK_CODES.test(code)) return `${code}: ${(e as Error).message}`;
  }
  if (cause instanceof TypeError && NETWORK_MESSAGES.test(cause.message)) {
    // undici's reason, when it gives one ("fetch failed (bad port)").
    return cause.cause instanceof Error ? `${cause.message} (${cause.cause.message})` : cause.message;
  }
  return undefined;
}

/** Map whatever fetch, a body read or a hook threw to one ElevenLabsError, with no key in it. */
function classify(
  cause: unknown,
  caller: AbortSignal | undefined,
  attempt: AbortSignal,
  redact: Redactor,
): ElevenLabsError {
  if (caller?.aborted) return aborted(caller);
  if (attempt.aborted && attempt.reason instanceof ElevenLabsError) return attempt.reason;
  if (cause instanceof ElevenLabsError) return cause;
  const network = networkFailure(cause);
  const safe = { cause: redact.cause(cause) };
  if (network !== undefined) return new ConnectionError(redact.text(`connection failed: ${network}`), safe);
  const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new ElevenLabsError(redact.text(`the request failed with an unexpected error (not retried): ${what}`), safe);
}

/**
 * One request, following same-origin redirects only, at most `maxRedirects` hops. A redirect to another origin is
 * refused: the `xi-api-key` header would go there.
 */
async function follow(send: Send, hop: Hop, maxRedirects: number, redact: Redactor): Promise<Sent> {
  for (let hops = 0; ; hops++) {
    const sent = await send(hop);
    const [{ status, headers }, body] = sent;
    const location = REDIRECTS.includes(status) && headers.get("location");
    if (!location) return sent;
    void body?.cancel().catch(ignore);
    const next = new URL(location, hop.url);
    const options = { statusCode: status, headers: redact.headers(headers) };
    // The origin is worked out only when there is a redirect: no URL parse on the common path. (Every hop before this
    // one was on the first hop's origin.)
    if (next.origin !== new URL(hop.url).origin) {
      throw new ElevenLabsError(
        `refused to follow a ${status} redirect to another origin (${next.origin}): the API key would be sent there; set baseUrl to the final address if you trust it`,
        options,
      );
    }
    if (hops >= maxRedirects) throw new ElevenLabsError(`more than ${maxRedirects} redirects`, options);
    hop = { ...hop, url: next.href };
    if (status === 303 || (status < 303 && hop.method === "POST")) {
      hop = { ...hop, method: "GET", body: undefined, headers: { ...hop.headers } };
      delete hop.headers["content-type"];
    }
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
  reader: BodyReader,
  idleMs: number,
  controller: AbortController,
  caller: AbortSignal | undefined,
  release: () => void,
  redact: Redactor,
  audio: boolean,
  custom?: boolean,
): BodySource {
  let received = 0; // bytes: an audio body that ends empty is an error, not silence
  // The read waiting for data: an abort (the caller's, or a timeout) errors it at once, even where the body's own
  // stream (a custom fetch's) does not react to the abort.
  let waiting: ReadableStreamDefaultController<Uint8Array> | undefined;
  const fail = (out: ReadableStreamDefaultController<Uint8Array>, cause: unknown): void => {
    waiting = undefined;
    end();
    const error = classify(cause, caller, controller.signal, redact);
    out.error(
      error instanceof ConnectionError
        ? new ConnectionError(`the connection broke before the whole body arrived: ${error.message}`, {
            cause: error.cause,
          })
        : error,
    );
  };
  if (custom) {
    controller.signal.addEventListener(
      "abort",
      () => {
        if (!waiting) return;
        fail(waiting, controller.signal.reason);
        void reader.cancel().catch(ignore);
      },
      { once: true },
    );
  }
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
      waiting = out;
      try {
        const { done, value } = await reader.read();
        if (waiting !== out) return; // already errored by an abort
        waiting = undefined;
        since = undefined;
        if (done) {
          end();
          if (audio && received === 0) out.error(new ElevenLabsError("the API answered with an empty body, not audio"));
          else out.close();
        } else {
          received += value.byteLength;
          out.enqueue(value);
        }
      } catch (cause) {
        if (waiting === out) fail(out, cause);
      }
    },
    cancel(reason) {
      end();
      return reader.cancel(reason);
    },
  };
}
