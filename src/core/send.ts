/**
 * The send seam: the transport (src/core/transport.ts) owns the policy, a `Send` moves one request over the wire. It
 * takes a request whose headers are a plain record and an abort signal, and gives the response's status and headers
 * (as a `Response` whose body it does not read) and a reader of the body. `fetchSend` is the web-standard one, used in browsers,
 * with a caller's `fetch`, and as the fallback of the Node entry's `node:http` send (src/node/send.ts).
 */
import { ConnectionError, ElevenLabsError } from "./errors.js";

/** One hop of a request, as a Send takes it. Redirects are not followed: the transport does that. */
export interface Hop {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: RequestInit["body"];
  /** Aborts the hop, before the headers or while the body is read: a pending read then rejects. */
  signal: AbortSignal;
}

/** The body of a response, pulled chunk by chunk (a ReadableStreamDefaultReader is one). */
export interface BodyReader {
  // Spelled out: a Node project without `lib: ["DOM"]` has no ReadableStreamReadResult.
  read(): Promise<{ done: false; value: Uint8Array } | { done: true; value?: Uint8Array | undefined }>;
  /** Stop reading: the connection is released, not reused. */
  cancel(reason?: unknown): Promise<void>;
}

/**
 * The response's status, status text, headers and url (its own body is not read: fetch's is read through the reader),
 * and the body's reader, null when there is no body (204, 304, HEAD).
 */
export type Sent = [response: Response, body: BodyReader | null];

export type Send = (hop: Hop) => Promise<Sent>;

export const ignore = (): undefined => undefined;

/** A fetch that settles when its signal aborts, even where a custom fetch ignores the signal. */
function abortable(pending: Promise<Response>, signal: AbortSignal): Promise<Response> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(
      (response) => {
        signal.removeEventListener("abort", onAbort);
        // An answer after the abort has no taker: its body is released.
        if (signal.aborted) void response?.body?.cancel().catch(ignore);
        resolve(response);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * The Send over a fetch (the global one, or the caller's): `redirect: "manual"`, the body as fetch's reader. A caller's
 * fetch (`custom`) is raced against the signal, as it may ignore it; the runtime's own settles when it aborts.
 */
export const fetchSend =
  (doFetch: typeof fetch, custom?: boolean): Send =>
  async ({ method, url, headers, body, signal }) => {
    const pending = doFetch(url, { method, headers, body, signal, redirect: "manual" });
    const response = await (custom ? abortable(pending, signal) : pending);
    if (typeof response?.status !== "number" || !response.headers) {
      throw new ElevenLabsError(`fetch resolved with ${typeof response}, not a Response`);
    }
    const { status, type } = response;
    if (type === "error") throw new ConnectionError("connection failed: fetch answered with a network error");
    if (type === "opaqueredirect") {
      throw new ElevenLabsError(`refused to follow a redirect from ${url}: the browser hides its target`, {
        statusCode: status,
      });
    }
    return [response, response.body?.getReader() ?? null];
  };
