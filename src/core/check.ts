/** Checks of what callers hand the client before anything is sent: API keys and request headers. */
import { invalid } from "./errors.js";

/** A usable API key, trimmed; refused without echoing it. */
export function checkApiKey(apiKey: unknown, field: string): string {
  if (apiKey == null || (typeof apiKey === "string" && apiKey.trim() === "")) {
    invalid(
      field,
      "no API key: pass new ElevenLabsClient({ apiKey }) or set the ELEVENLABS_API_KEY environment variable " +
        "(to work offline, start the local server with `npx elevenlabs-fetch mock` and point baseUrl at it)",
    );
  }
  if (typeof apiKey !== "string") invalid(field, `must be a string, got ${typeof apiKey}`);
  if (/[\r\n]/.test(apiKey)) invalid(field, "contains a line break (CR or LF)");
  const key = apiKey.trim();
  if (/[^\x21-\x7e]/.test(key)) invalid(field, "contains a space, a control character or a non-ASCII character");
  return key;
}

/**
 * Header names and values that fetch's `Headers` accepts, checked up front (by `Headers` itself) so that a bad one is
 * a ValidationError naming the header, not a TypeError from deep inside fetch. The value is never echoed: it may be a
 * secret. `headers` is anything openapi-fetch takes: a Headers object (valid by construction), pairs, or a record
 * whose values may be lists, and null or undefined to leave a header out.
 */
export function checkHeaders(headers: unknown, field: string): void {
  if (headers == null || headers instanceof Headers) return;
  if (typeof headers !== "object")
    invalid(field, `must be an object of header names and values, got ${typeof headers}`);
  const entries: unknown[][] = Array.isArray(headers) ? headers : Object.entries(headers);
  for (const [name, ...values] of entries) {
    for (const value of values.flat()) {
      try {
        new Headers([[String(name), value == null ? "" : String(value)]]);
      } catch {
        invalid(
          `${field}[${JSON.stringify(name)}]`,
          "is not a valid HTTP header: a name is letters, digits and !#$%&'*+-.^_`|~; a value holds no CR, LF, NUL or character outside Latin-1",
        );
      }
    }
  }
}
