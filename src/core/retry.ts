/** Retry policy: which failures are retried, and how long to wait before the next attempt. */

/** 408 Request Timeout, 409 Conflict, 429 Too Many Requests and every 5xx are worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** The longest wait honoured from `Retry-After` / `retry-after-ms`, and the backoff ceiling. */
export const MAX_RETRY_DELAY_MS = 30_000;
const INITIAL_DELAY_MS = 500;
const MAX_BACKOFF_MS = 8_000;

/**
 * Milliseconds to wait before retry number `retry` (0 for the first retry): the server's `retry-after-ms` or
 * `Retry-After` (seconds or an HTTP date) when present, capped at MAX_RETRY_DELAY_MS; otherwise exponential backoff
 * (0.5 s, 1 s, 2 s … up to 8 s) with up to 25 % jitter taken off, so clients that failed together spread out.
 */
export function retryDelayMs(retry: number, headers?: Headers, now = Date.now(), random = Math.random): number {
  const fromServer = serverDelayMs(headers, now);
  if (fromServer !== undefined) return Math.min(fromServer, MAX_RETRY_DELAY_MS);
  const backoff = Math.min(INITIAL_DELAY_MS * 2 ** retry, MAX_BACKOFF_MS);
  return Math.round(backoff * (1 - 0.25 * random()));
}

const DIGITS = /^\d+$/;

/** RFC 9110's HTTP-date in its three forms: IMF-fixdate, RFC 850 and asctime (which has no zone: it is GMT). */
const HTTP_DATE =
  /^([A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT|[A-Z][a-z]{5,8}, \d\d-[A-Z][a-z]{2}-\d\d \d\d:\d\d:\d\d GMT|[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4})$/;

/**
 * The server's wait: `retry-after-ms` (digits only), else `Retry-After` as delta-seconds (digits only) or an
 * HTTP-date. Anything else (`0x10`, `1e3`, `1.5`, `-1`, `Wed 2099`) is ignored, and the backoff applies.
 */
function serverDelayMs(headers: Headers | undefined, now: number): number | undefined {
  const ms = headers?.get("retry-after-ms")?.trim();
  if (ms && DIGITS.test(ms)) return Number(ms);
  const value = headers?.get("retry-after")?.trim();
  if (!value) return undefined;
  if (DIGITS.test(value)) return Number(value) * 1000;
  const date = HTTP_DATE.test(value) ? Date.parse(value.endsWith("GMT") ? value : `${value} GMT`) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Wait `ms`, or reject with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
