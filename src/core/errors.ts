/**
 * One error hierarchy, rooted at ElevenLabsError. Every error the client raises is one of these; the original failure
 * (a fetch TypeError, an AbortSignal reason) is kept as `cause`. No error ever carries the API key: errors hold the
 * server's response (status, body, headers), never the request's headers.
 */

export interface ElevenLabsErrorOptions {
  statusCode?: number;
  body?: unknown;
  headers?: Headers;
  cause?: unknown;
}

/** The base class: `catch (e) { if (e instanceof ElevenLabsError) … }` catches everything this client throws. */
export class ElevenLabsError extends Error {
  // Names are spelled out: `new.target.name` would be a minifier's short name in users' bundles.
  override name = "ElevenLabsError";
  /** HTTP status, when a response arrived. */
  readonly statusCode?: number;
  /** The response body: parsed JSON when it was JSON, else the text. */
  readonly body?: unknown;
  /** The `request-id` response header, to quote to ElevenLabs support. */
  readonly requestId?: string;
  /** The response headers, when a response arrived. */
  readonly headers?: Headers;

  constructor(message: string, { cause, statusCode, body, headers }: ElevenLabsErrorOptions = {}) {
    super(message, cause === undefined ? undefined : { cause });
    // The fields above are own properties from the start (undefined until set), so assigning undefined is a no-op.
    Object.assign(this, {
      statusCode,
      body,
      headers,
      requestId: (headers?.get("request-id") ?? headers?.get("x-request-id")) || undefined,
    });
  }
}

/** 400: the API rejected the request. */
export class BadRequestError extends ElevenLabsError {
  override name = "BadRequestError";
}
/** 401 or 403: the API key is missing, wrong, or lacks permission. */
export class AuthenticationError extends ElevenLabsError {
  override name = "AuthenticationError";
}
/**
 * 401 with `detail.status` `quota_exceeded`: the account's characters (credits) are used up. `requested` and
 * `remaining` are read from the API's message when it states them.
 */
export class QuotaExceededError extends AuthenticationError {
  override name = "QuotaExceededError";
  /** Characters (credits) this request needed. */
  readonly requested?: number;
  /** Characters (credits) left on the account. */
  readonly remaining?: number;
  constructor(message: string, options: ElevenLabsErrorOptions) {
    const text = JSON.stringify(options?.body ?? "");
    const counts = /(\d+) (?:credits|characters) remaining, while (\d+) (?:credits|characters) are required/.exec(text);
    const [remaining, requested] = counts ? [Number(counts[1]), Number(counts[2])] : [];
    super(counts ? `${message} (requested ${requested} characters, ${remaining} remain)` : message, options);
    Object.assign(this, { requested, remaining });
  }
}

/** 404: unknown voice, or unknown route. */
export class NotFoundError extends ElevenLabsError {
  override name = "NotFoundError";
}

/** One entry of a 422 response's `detail` list. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type?: string;
}

/** 422: the API found fields it does not accept; `detail` lists them. */
export class UnprocessableEntityError extends ElevenLabsError {
  override name = "UnprocessableEntityError";
  readonly detail: ValidationIssue[];
  constructor(message: string, detail: ValidationIssue[], options: ElevenLabsErrorOptions) {
    super(message, options);
    this.detail = detail;
  }
}

/** 429: too many requests or concurrent requests; it was retried `maxRetries` times already. */
export class RateLimitError extends ElevenLabsError {
  override name = "RateLimitError";
}
/** 5xx: the API or a proxy in front of it failed; it was retried `maxRetries` times already. */
export class ServerError extends ElevenLabsError {
  override name = "ServerError";
}

/** No response headers within `timeoutInSeconds`, or no body bytes within `idleTimeoutInSeconds`. */
export class ElevenLabsTimeoutError extends ElevenLabsError {
  override name = "ElevenLabsTimeoutError";
  readonly phase: "headers" | "body";
  constructor(message: string, phase: "headers" | "body", options: ElevenLabsErrorOptions = {}) {
    super(message, options);
    this.phase = phase;
  }
}

/** The connection failed (refused, reset, DNS, TLS) or the body ended early. `cause` has the low-level error. */
export class ConnectionError extends ElevenLabsError {
  override name = "ConnectionError";
}

/**
 * A realtime WebSocket ended for a reason no other class names: `closeCode` and `reason` are the close frame's, and
 * `errorType` the `error` of the message the API sent before it (`input_timeout_exceeded`, `internal_error` …; the
 * whole message is `body`). A refused key is an AuthenticationError, a quota a QuotaExceededError, and a connection
 * that ends without a close frame (1006) a ConnectionError.
 */
export class RealtimeError extends ElevenLabsError {
  override name = "RealtimeError";
  readonly closeCode: number;
  readonly reason: string;
  readonly errorType?: string;
  constructor(
    message: string,
    closeCode: number,
    reason: string,
    options: ElevenLabsErrorOptions & { errorType?: string } = {},
  ) {
    super(message, options);
    this.closeCode = closeCode;
    this.reason = reason;
    if (options?.errorType !== undefined) this.errorType = options.errorType;
  }
}

/** An optional package that this feature needs is not installed: `packages` names it, `installCommand` installs it. */
export class MissingDependencyError extends ElevenLabsError {
  override name = "MissingDependencyError";
  readonly packages: readonly string[];
  readonly installCommand: string;
  constructor(message: string, packages: readonly string[] = [], installCommand = `npm install ${packages.join(" ")}`) {
    super(message);
    this.packages = packages;
    this.installCommand = installCommand;
  }
}

/** The caller aborted through its AbortSignal. `name` is "AbortError", as code that checks `err.name` expects. */
export class ElevenLabsAbortError extends ElevenLabsError {
  override name = "AbortError";
}

/** The request was not sent: an argument is invalid. `field` is the path of the offending field. */
export class ValidationError extends ElevenLabsError {
  override name = "ValidationError";
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.field = field;
  }
}

/** Status texts for HTTP/2 responses (which carry none), and the class of each status. */
const STATUS: Record<number, [string, typeof ElevenLabsError?]> = {
  400: ["Bad Request", BadRequestError],
  401: ["Unauthorized", AuthenticationError],
  403: ["Forbidden", AuthenticationError],
  404: ["Not Found", NotFoundError],
  422: ["Unprocessable Entity"],
  429: ["Too Many Requests", RateLimitError],
};

type Detail = { detail?: unknown } | null | undefined;

/** A short text for a failed response's body (an HTML error page is cut); the full body stays on `error.body`. */
function describe(body: unknown): string {
  const detail = (body as Detail)?.detail as { status?: unknown; message?: unknown } | undefined;
  const text =
    typeof body === "string"
      ? body
      : !body || typeof body !== "object"
        ? ""
        : typeof detail === "string"
          ? detail
          : detail && typeof detail === "object" && "message" in detail
            ? `${typeof detail.status === "string" ? `${detail.status}: ` : ""}${String(detail.message)}`
            : JSON.stringify(body);
  // Cut before cleaning: a megabyte of HTML costs one slice, not a whole-body regular expression.
  const flat = text.slice(0, 1000).replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** Parse a response body that failed: JSON when it is JSON, else the text. */
export function parseErrorBody(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return text;
  }
}

/** The error for a response with a failing status (or a 200 carrying an error). */
export function errorFromResponse(
  status: number,
  statusText: string,
  headers: Headers,
  body: unknown,
): ElevenLabsError {
  const options = { statusCode: status, body, headers };
  const [text, Class = status >= 500 ? ServerError : ElevenLabsError] = STATUS[status] ?? [];
  const label = `${status} ${statusText || text || ""}`.trim();
  const id = headers.get("request-id");
  const suffix = id ? ` (request-id ${id})` : "";
  if (status === 422) {
    const detail = (body as Detail)?.detail;
    const list = Array.isArray(detail)
      ? detail.filter((d): d is ValidationIssue => !!d && typeof d === "object" && "msg" in d)
      : [];
    const issues = list.length ? list.map((i) => `${(i.loc ?? []).join(".")}: ${i.msg}`).join("; ") : describe(body);
    return new UnprocessableEntityError(`${label}: ${issues}${suffix}`, list, options);
  }
  const message = `${label}${body === undefined || body === "" ? "" : `: ${describe(body)}`}${suffix}`;
  const detail = (body as Detail)?.detail as { status?: unknown } | undefined;
  if (status === 401 && detail?.status === "quota_exceeded") return new QuotaExceededError(message, options);
  return new Class(message, options);
}

/** Throw a ValidationError: the request is not sent. */
export function invalid(field: string, problem: string): never {
  throw new ValidationError(field, problem);
}
