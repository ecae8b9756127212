/**
 * Keys out of errors: whatever a server or a custom fetch echoes back, the API keys a request used never reach an
 * error's message, body, headers or cause. A key under 8 characters is no real key (test keys such as "k"), and
 * replacing it everywhere would garble messages, so it is not searched for.
 */
const REDACTED = "[redacted]";

export interface Redactor {
  /** A text with every key, and a key cut off at its end (a bounded read), replaced. */
  text(text: string): string;
  /** A parsed body with the keys replaced in every string: JSON escapes (`\/`, `\u0073`) are undone by then. */
  deep(value: unknown, depth?: number): unknown;
  headers(headers: Headers): Headers;
  /** The cause itself when it carries no key; else a copy (name, code, message, stack, cause) without them. */
  cause(cause: unknown, depth?: number): unknown;
}

export function redactor(candidates: string[]): Redactor {
  const keys = candidates.filter((key) => key.length >= 8);
  const text = (input: string): string => {
    let out = input;
    for (const key of keys) {
      out = out.replaceAll(key, REDACTED);
      // The start of a key where a bounded read cut the text.
      for (let n = key.length - 1; n >= 4; n--) {
        if (out.endsWith(key.slice(0, n))) {
          out = out.slice(0, -n) + REDACTED;
          break;
        }
      }
    }
    return out;
  };
  const deep = (value: unknown, depth = 0): unknown => {
    if (typeof value === "string") return text(value);
    if (!value || typeof value !== "object" || depth > 32) return value;
    if (Array.isArray(value)) return value.map((item) => deep(item, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [text(k), deep(v, depth + 1)]));
  };
  const cause = (input: unknown, depth = 0): unknown => {
    if (!keys.length || !(input instanceof Error) || depth > 4) return typeof input === "string" ? text(input) : input;
    const inner = cause(input.cause, depth + 1);
    const message = text(input.message);
    const stack = input.stack === undefined ? undefined : text(input.stack);
    if (message === input.message && stack === input.stack && inner === input.cause) return input;
    const copy = new Error(message, inner === undefined ? undefined : { cause: inner });
    return Object.assign(copy, { name: input.name, stack }, "code" in input ? { code: input.code } : {});
  };
  return {
    text,
    deep,
    cause,
    headers(headers) {
      const out = new Headers();
      headers.forEach((value, name) => out.append(name, text(value)));
      return out;
    },
  };
}
