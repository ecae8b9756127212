/** The options every call takes, and their validation: both the client's and one call's. */
import { invalid } from "./core/errors.js";
import type { SendOptions } from "./core/transport.js";

/** Options for one call; each overrides the client's. (`undefined` means "not set", also with exactOptionalPropertyTypes.) */
export interface RequestOptions {
  /** Abort the request, including while the audio streams. */
  abortSignal?: AbortSignal | undefined;
  /** Seconds until the response headers arrive (at most 2147483). */
  timeoutInSeconds?: number | undefined;
  /** Seconds allowed between two chunks of the body. Default: the client's, capped by this call's timeoutInSeconds. */
  idleTimeoutInSeconds?: number | undefined;
  /** Retries of 408/409/429/5xx and connection failures. */
  maxRetries?: number | undefined;
  /** Extra request headers. An `xi-api-key` here is sent instead of the client's key. */
  headers?: Record<string, string> | undefined;
  /** The API key for this call only (a multi-tenant server's per-user key), instead of the client's. */
  apiKey?: string | undefined;
}

/** The longest timeout, in seconds: runtimes keep a timer for at most 2³¹−1 ms, and fire a longer one at once. */
export const MAX_TIMEOUT_SECONDS = 2_147_483;

const shown = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : String(value));

/**
 * Validate the client's options or one call's (an object; the timeouts, retries, abort signal and key) and give what
 * the transport takes. Headers are checked apart, by checkHeaders.
 */
export function checkRequestOptions(options: unknown, prefix = "requestOptions"): SendOptions {
  if (options == null) return {};
  if (typeof options !== "object") invalid(prefix, `must be an object, got ${typeof options}`);
  const call: SendOptions = {};
  const { timeoutInSeconds, idleTimeoutInSeconds, maxRetries, abortSignal } = options as RequestOptions;
  for (const [name, value, key] of [
    ["timeoutInSeconds", timeoutInSeconds, "timeoutMs"],
    ["idleTimeoutInSeconds", idleTimeoutInSeconds, "idleTimeoutMs"],
  ] as const) {
    if (value === undefined) continue;
    if (typeof value !== "number" || !(value > 0)) {
      invalid(`${prefix}.${name}`, `must be a positive number of seconds, got ${shown(value)}`);
    }
    if (!(value <= MAX_TIMEOUT_SECONDS)) {
      invalid(
        `${prefix}.${name}`,
        `must be at most ${MAX_TIMEOUT_SECONDS} seconds (about 24.8 days, the longest timer runtimes keep), got ${value}`,
      );
    }
    call[key] = value * 1000;
  }
  if (maxRetries !== undefined) {
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      invalid(`${prefix}.maxRetries`, `must be a whole number ≥ 0, got ${shown(maxRetries)}`);
    }
    call.maxRetries = maxRetries;
  }
  if (abortSignal !== undefined && !(abortSignal instanceof AbortSignal)) {
    invalid(`${prefix}.abortSignal`, "must be an AbortSignal (e.g. new AbortController().signal)");
  }
  return call;
}
