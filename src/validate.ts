/**
 * Client-side validation against the compact schemas in `generated/runtime.ts`: types, enums, ranges, list lengths,
 * required fields, and unknown keys (a snake_case key gets its camelCase name suggested). It converts camelCase to
 * the wire's snake_case as it goes, so validation and mapping are one walk.
 */
import type { FieldSchema } from "../generated/runtime.js";
import { toCamel, toWireName } from "./casing.js";
import { invalid } from "./core/errors.js";

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : Number.isNaN(value) ? "NaN" : "number";
  return typeof value;
}

const show = (value: unknown): string =>
  typeof value === "string"
    ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
    : typeof value === "number" || typeof value === "boolean" || value === null
      ? String(value)
      : typeOf(value);

/** How a JSON Schema type reads in a message: "an integer", "a list", "null", "a string" … */
const TYPE_NAMES: Record<string, string> = {
  integer: "an integer",
  array: "a list",
  null: "null",
  object: "an object",
};

/** " (did you mean modelId?)" */
export const didYouMean = (name: string): string => ` (did you mean ${toCamel(name)}?)`;

/** Validate `value` (camelCase keys) against `schema` and return its wire form (snake_case keys). */
export function toWire(value: unknown, schema: FieldSchema, field: string): unknown {
  const actual = typeOf(value);
  const { type, enum: allowed, minimum, maximum, minLength, maxLength, maxItems, items, properties } = schema;
  if (type?.length && !type.includes(actual) && !(actual === "integer" && type.includes("number"))) {
    invalid(field, `must be ${type.map((t) => TYPE_NAMES[t] ?? `a ${t}`).join(" or ")}, got ${show(value)}`);
  }
  if (allowed && !allowed.includes(value as string)) {
    invalid(field, `must be one of ${allowed.join(", ")}; got ${show(value)}`);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) invalid(field, `must be a finite number, got ${value}`);
    if (minimum !== undefined && value < minimum) invalid(field, `must be at least ${minimum}, got ${value}`);
    if (maximum !== undefined && value > maximum) invalid(field, `must be at most ${maximum}, got ${value}`);
  }
  if (typeof value === "string") {
    if (minLength !== undefined && value.length < minLength) {
      invalid(field, `must have at least ${minLength} characters`);
    }
    if (maxLength !== undefined && value.length > maxLength) {
      invalid(field, `must have at most ${maxLength} characters, got ${value.length}`);
    }
  }
  if (Array.isArray(value)) {
    if (maxItems !== undefined && value.length > maxItems) {
      invalid(field, `must have at most ${maxItems} entries, got ${value.length}`);
    }
    return items ? value.map((item, i) => toWire(item, items, `${field}[${i}]`)) : value;
  }
  if (actual !== "object" || !properties) return value;

  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === undefined) continue;
    const wire = key.includes("_") ? undefined : toWireName(properties, key);
    const sub = wire === undefined ? undefined : properties[wire];
    if (wire === undefined || !sub) {
      const names = Object.keys(properties);
      const lower = key.toLowerCase().replace(/_/g, "");
      const match = properties[key] ? key : names.find((n) => n.replace(/_/g, "") === lower);
      invalid(
        `${field}.${key}`,
        `unknown field${match ? didYouMean(match) : `; known fields: ${names.map(toCamel).join(", ")}`}`,
      );
    }
    out[wire] = toWire(item, sub, `${field}.${key}`);
  }
  for (const name of schema.required ?? []) {
    if (!(name in out)) invalid(`${field}.${toCamel(name)}`, "is required");
  }
  return out;
}
