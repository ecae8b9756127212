/** Checks of what callers hand the client before anything is sent: API keys and request headers. */
import { invalid } from "./errors.js";

/** A usable API key, trimmed; refused without echoing it. */
export function checkApiKey(apiKey: unknown, field: string): string {
  if (apiKey == null || (typeof apiKey === "string" && apiKey.trim() === "")) {
    if (field !== "apiKey") invalid(field, "must be a non-empty API key");
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

/** RFC 9110: a header name is a token; a value is visible ASCII, Latin-1, spaces and tabs, not at either end. */
const NAME = /^[!#$%&'*+\-.^_`|~\w]+$/;
const VALUE = /^([\x21-\x7e\x80-\xff]([\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/;

/**
 * Headers as a plain record, checked before anything is sent, so that a bad one is a ValidationError naming the
 * header (its value never echoed: it may be a secret), not a TypeError from deep inside fetch or a header that fetch
 * trims or the HTTP layer refuses later. Takes what callers pass: a record (values may be lists; null and undefined
 * leave a header out), a Headers object, or pairs. An `xi-api-key` header is checked as a key.
 */
export function checkHeaders(headers: unknown, field: string): Record<string, string> | undefined {
  if (headers == null) return undefined;
  if (typeof headers !== "object")
    invalid(field, `must be an object of header names and values, got ${typeof headers}`);
  const entries: unknown[] =
    Symbol.iterator in headers ? Array.from(headers as Iterable<unknown>) : Object.entries(headers);
  const out: Record<string, string> = {};
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2)
      invalid(field, "must be an object, a Headers or [name, value] pairs");
    const [name, value] = entry as [unknown, unknown];
    const where = `${field}[${JSON.stringify(String(name))}]`;
    if (typeof name !== "string" || !NAME.test(name)) invalid(where, "is not a valid header name");
    if (value == null) continue;
    const values = (Array.isArray(value) ? value : [value]).map((v) => {
      if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean")
        invalid(where, `must be a string, got ${typeof v}`);
      const text = String(v);
      if (!VALUE.test(text)) {
        invalid(where, "contains a control character, a line break, a character outside Latin-1, or space at an end");
      }
      return text;
    });
    const lower = name.toLowerCase();
    out[lower] = out[lower] === undefined ? values.join(", ") : `${out[lower]}, ${values.join(", ")}`;
    if (lower === "xi-api-key") out[lower] = checkApiKey(out[lower], where);
  }
  return out;
}
