/**
 * The realtime channels as the AsyncAPI document describes them (generated/realtime.ts): which path is which
 * channel, its query parameters read and checked, and the messages a client may send checked field by field. Nothing
 * here is copied from the document: a regenerated spec changes the paths, parameters, fields, enums and limits.
 */
import { REALTIME_CHANNELS, REALTIME_MESSAGES, type RealtimeChannelName } from "../../../generated/realtime.js";
import type { FieldSchema } from "../../../generated/runtime.js";

export type ChannelName = RealtimeChannelName;

const CHANNELS = (Object.keys(REALTIME_CHANNELS) as ChannelName[]).map((name) => {
  const { path, params } = REALTIME_CHANNELS[name];
  const names: string[] = [];
  const pattern = path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const param = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (param === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
      names.push(param);
      return "([^/]+)";
    })
    .join("");
  return { name, names, params, regex: new RegExp(`^${pattern}$`) };
});

/** The channel a request path is for, with its path parameters decoded; undefined for any other path. */
export function matchChannel(pathname: string): { channel: ChannelName; params: Record<string, string> } | undefined {
  for (const { name, names, regex } of CHANNELS) {
    const match = regex.exec(pathname);
    if (!match) continue;
    try {
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1] ?? "")]));
      return { channel: name, params };
    } catch {
      return undefined; // a malformed %-escape: no channel has that path
    }
  }
  return undefined;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

/** What is wrong with `value` as `schema` (undefined when nothing), naming the field `name`. */
export function problemOf(value: unknown, schema: FieldSchema, name: string): string | undefined {
  const actual = typeOf(value);
  const { type, enum: allowed, minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema;
  if (type?.length && !type.includes(actual) && !(actual === "integer" && type.includes("number"))) {
    return `${name} must be ${type.join(" or ")}, got ${show(value)}`;
  }
  if (allowed && !allowed.some((a) => a === value)) {
    return `${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${show(value)}`;
  }
  if (typeof value === "number") {
    if (minimum !== undefined && value < minimum) return `${name} must be at least ${minimum}, got ${value}`;
    if (maximum !== undefined && value > maximum) return `${name} must be at most ${maximum}, got ${value}`;
    if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) {
      return `${name} must be more than ${exclusiveMinimum}, got ${value}`;
    }
    if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) {
      return `${name} must be less than ${exclusiveMaximum}, got ${value}`;
    }
  }
  if (typeof value === "string") {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) {
      return `${name} must have at least ${schema.minLength} characters`;
    }
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      return `${name} must have at most ${schema.maxLength} characters, got ${length}`;
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      return `${name} must have at least ${schema.minItems} entries, got ${value.length}`;
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      return `${name} must have at most ${schema.maxItems} entries, got ${value.length}`;
    }
    const items = schema.items;
    if (items) {
      for (const [i, item] of value.entries()) {
        const problem = problemOf(item, items, `${name}[${i}]`);
        if (problem) return problem;
      }
    }
    return undefined;
  }
  if (actual !== "object" || !schema.properties) return undefined;
  const record = value as Record<string, unknown>;
  for (const [key, item] of Object.entries(record)) {
    const sub = schema.properties[key];
    if (!sub) {
      return `${name}.${key} is not a field of ${name}; its fields: ${Object.keys(schema.properties).join(", ")}`;
    }
    // As the API's models take them: null stands for a field left out.
    const problem = item === null ? undefined : problemOf(item, sub, `${name}.${key}`);
    if (problem) return problem;
  }
  for (const field of schema.required ?? []) {
    if (record[field] === undefined || record[field] === null) return `${name}.${field} is required`;
  }
  return undefined;
}

/** A query value as its schema's type: "true"/"false" booleans, integers and numbers; undefined when it is none. */
function coerce(raw: string, schema: FieldSchema): unknown {
  const types = schema.type ?? ["string"];
  if (types.includes("boolean")) {
    const word = raw.toLowerCase();
    if (["true", "1", "yes", "on"].includes(word)) return true;
    if (["false", "0", "no", "off"].includes(word)) return false;
  }
  if ((types.includes("integer") || types.includes("number")) && /^-?\d+(\.\d+)?$/.test(raw.trim())) {
    return Number(raw);
  }
  return raw; // a string, or what the type check names as not what was expected
}

/** The channel's query parameters from `search`, checked, with the spec's defaults; or what is wrong. */
export function readQuery(
  channel: ChannelName,
  search: URLSearchParams,
): { values: Record<string, unknown> } | { problem: string } {
  const { query, required = [] } = REALTIME_CHANNELS[channel];
  const values: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(query)) {
    const raw = search.get(name);
    if (raw === null) {
      if (required.includes(name)) return { problem: `The query parameter ${name} is required` };
      if (schema.default !== undefined) values[name] = schema.default;
      continue;
    }
    const value = coerce(raw, schema);
    const problem = problemOf(value, schema, name);
    if (problem) return { problem: `Invalid query parameter: ${problem}` };
    values[name] = value;
  }
  return { values };
}

/** Names that stand for the same field (the document spells the key field two ways). */
const ALIASES: Readonly<Record<string, string>> = { xi_api_key: "xi-api-key", "xi-api-key": "xi_api_key" };

/** Every field a client may send on the channel, with the schemas the channel's messages give it. */
function fieldsOf(channel: ChannelName): Map<string, FieldSchema[]> {
  const fields = new Map<string, FieldSchema[]>();
  for (const message of REALTIME_CHANNELS[channel].publish) {
    for (const [name, schema] of Object.entries(REALTIME_MESSAGES[message].payload.properties ?? {})) {
      fields.set(name, [...(fields.get(name) ?? []), schema]);
    }
  }
  for (const [name, other] of Object.entries(ALIASES)) {
    const schemas = fields.get(other);
    if (schemas && !fields.has(name)) fields.set(name, schemas);
  }
  return fields;
}

const FIELDS = new Map(CHANNELS.map(({ name }) => [name, fieldsOf(name)]));

/**
 * What is wrong with a message for the channel (undefined when nothing): it must be an object whose every field is
 * one of the channel's messages' fields, and valid as at least one of them gives it. A null field counts as left out.
 */
export function messageProblem(channel: ChannelName, message: unknown): string | undefined {
  if (typeOf(message) !== "object") return `A message must be a JSON object, got ${show(message)}`;
  const fields = FIELDS.get(channel) ?? new Map<string, FieldSchema[]>();
  for (const [key, value] of Object.entries(message as Record<string, unknown>)) {
    const schemas = fields.get(key);
    if (!schemas) return `Unknown field ${JSON.stringify(key)}; the fields are ${[...fields.keys()].join(", ")}`;
    if (value === null) continue;
    const problems = schemas.map((schema) => problemOf(value, schema, key));
    if (!problems.includes(undefined)) return problems[0];
  }
  return undefined;
}

/** What is wrong with the first message of the channel as its initialising message (the first the document lists). */
export function initProblem(channel: ChannelName, message: Record<string, unknown>): string | undefined {
  const first = REALTIME_CHANNELS[channel].publish[0];
  if (first === undefined) return undefined;
  const { properties = {}, required = [] } = REALTIME_MESSAGES[first].payload;
  for (const field of required) {
    if (message[field] === undefined || message[field] === null) {
      return `The first message initialises the connection: ${field} is required`;
    }
  }
  for (const [field, schema] of Object.entries(properties)) {
    const value = message[field];
    const problem = value === undefined || value === null ? undefined : problemOf(value, schema, field);
    if (problem) return `The first message initialises the connection: ${problem}`;
  }
  return undefined;
}

/** The default of a field of the channel's messages (e.g. generation_config.chunk_length_schedule), when one is set. */
export function fieldDefault(channel: ChannelName, path: readonly string[]): unknown {
  const [head = "", ...rest] = path;
  for (const schema of FIELDS.get(channel)?.get(head) ?? []) {
    let at: FieldSchema | undefined = schema;
    for (const key of rest) at = at?.properties?.[key];
    if (at?.default !== undefined) return at.default;
  }
  return undefined;
}
