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
  /** HTTP status, when a response arrived. */
  readonly statusCode?: number;
  /** The response body: parsed JSON when it was JSON, else the text. */
  readonly body?: unknown;
  /** The `request-id` response header, to quote to ElevenLabs support. */
  readonly requestId?: string;
  /** The response headers, when a response arrived. */
  readonly headers?: Headers;

  constructor(message: string, options: ElevenLabsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options.statusCode !== undefined) this.statusCode = options.statusCode;
    if (options.body !== undefined) this.body = options.body;
    if (options.headers) {
      this.headers = options.headers;
      const id = options.headers.get("request-id") ?? options.headers.get("x-request-id");
      if (id) this.requestId = id;
    }
  }
}

/** 400: the API rejected the request. */
export class BadRequestError extends ElevenLabsError {}
/** 401 or 403: the API key is missing, wrong, or lacks permission. */
export class AuthenticationError extends ElevenLabsError {}
/** 404: unknown voice, or unknown route. */
export class NotFoundError extends ElevenLabsError {}

/** One entry of a 422 response's `detail` list. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type?: string;
}

/** 422: the API found fields it does not accept; `detail` lists them. */
export class UnprocessableEntityError extends ElevenLabsError {
  readonly detail: ValidationIssue[];
  constructor(message: string, detail: ValidationIssue[], options: ElevenLabsErrorOptions) {
    super(message, options);
    this.detail = detail;
  }
}

/** 429: too many requests or concurrent requests; it was retried `maxRetries` times already. */
export class RateLimitError extends ElevenLabsError {}
/** 5xx: the API or a proxy in front of it failed; it was retried `maxRetries` times already. */
export class ServerError extends ElevenLabsError {}

/** No response headers within `timeoutInSeconds`, or no body bytes within `idleTimeoutInSeconds`. */
export class ElevenLabsTimeoutError extends ElevenLabsError {
  readonly phase: "headers" | "body";
  constructor(message: string, phase: "headers" | "body", options: ElevenLabsErrorOptions = {}) {
    super(message, options);
    this.phase = phase;
  }
}

/** The connection failed (refused, reset, DNS, TLS) or the body ended early. `cause` has the low-level error. */
export class ConnectionError extends ElevenLabsError {}

/** The caller aborted through its AbortSignal. `name` is "AbortError", as code that checks `err.name` expects. */
export class ElevenLabsAbortError extends ElevenLabsError {
  constructor(message: string, options: ElevenLabsErrorOptions = {}) {
    super(message, options);
    this.name = "AbortError";
  }
}

/** The request was not sent: an argument is invalid. `field` is the path of the offending field. */
export class ValidationError extends ElevenLabsError {
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.field = field;
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
};

/** Cut long text (an HTML error page) for a message; the full body stays on `error.body`. */
export function snippet(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function describe(body: unknown): string {
  if (typeof body === "string") return snippet(body);
  if (body && typeof body === "object") {
    const detail = (body as { detail?: unknown }).detail;
    if (typeof detail === "string") return snippet(detail);
    if (detail && typeof detail === "object" && "message" in detail) {
      const { status, message } = detail as { status?: unknown; message?: unknown };
      return snippet(`${typeof status === "string" ? `${status}: ` : ""}${String(message)}`);
    }
    return snippet(JSON.stringify(body));
  }
  return "";
}

function issues(body: unknown): ValidationIssue[] {
  const detail = body && typeof body === "object" ? (body as { detail?: unknown }).detail : undefined;
  if (!Array.isArray(detail)) return [];
  return detail.filter((d): d is ValidationIssue => !!d && typeof d === "object" && "msg" in d);
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
  const label = `${status} ${statusText || STATUS_TEXT[status] || ""}`.trim();
  const id = headers.get("request-id");
  const suffix = id ? ` (request-id ${id})` : "";
  if (status === 422) {
    const list = issues(body);
    const text = list.length ? list.map((i) => `${(i.loc ?? []).join(".")}: ${i.msg}`).join("; ") : describe(body);
    return new UnprocessableEntityError(`${label}: ${text}${suffix}`, list, options);
  }
  const message = `${label}${body === undefined || body === "" ? "" : `: ${describe(body)}`}${suffix}`;
  if (status === 400) return new BadRequestError(message, options);
  if (status === 401 || status === 403) return new AuthenticationError(message, options);
  if (status === 404) return new NotFoundError(message, options);
  if (status === 429) return new RateLimitError(message, options);
  if (status >= 500) return new ServerError(message, options);
  return new ElevenLabsError(message, options);
}
