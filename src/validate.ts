/**
 * Client-side validation against the compact schemas in `generated/runtime.ts`: types, enums, ranges, list lengths,
 * required fields, and unknown keys (a snake_case key gets its camelCase name suggested). It converts camelCase to
 * the wire's snake_case as it goes, so validation and mapping are one walk.
 */
import type { FieldSchema } from "../generated/runtime.js";
import { toCamel, toSnake } from "./casing.js";
import { ValidationError } from "./core/errors.js";

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : Number.isNaN(value) ? "NaN" : "number";
  return typeof value;
}

function accepts(types: readonly string[], actual: string): boolean {
  return types.includes(actual) || (actual === "integer" && types.includes("number"));
}

const show = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return typeOf(value);
};

/** Validate `value` (camelCase keys) against `schema` and return its wire form (snake_case keys). */
export function toWire(value: unknown, schema: FieldSchema, field: string): unknown {
  const actual = typeOf(value);
  if (schema.type && schema.type.length > 0 && !accepts(schema.type, actual)) {
    const expected = schema.type.map((t) =>
      t === "integer" ? "an integer" : t === "array" ? "a list" : t === "null" ? "null" : `a ${t}`,
    );
    throw new ValidationError(field, `must be ${expected.join(" or ")}, got ${show(value)}`);
  }
  if (schema.enum && !schema.enum.includes(value as string)) {
    throw new ValidationError(field, `must be one of ${schema.enum.join(", ")}; got ${show(value)}`);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new ValidationError(field, `must be a finite number, got ${value}`);
    if (schema.minimum !== undefined && value < schema.minimum) {
      throw new ValidationError(field, `must be at least ${schema.minimum}, got ${value}`);
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      throw new ValidationError(field, `must be at most ${schema.maximum}, got ${value}`);
    }
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      throw new ValidationError(field, `must have at least ${schema.minLength} characters`);
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      throw new ValidationError(field, `must have at most ${schema.maxLength} characters, got ${value.length}`);
    }
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      throw new ValidationError(field, `must have at most ${schema.maxItems} entries, got ${value.length}`);
    }
    const items = schema.items;
    return items ? value.map((item, i) => toWire(item, items, `${field}[${i}]`)) : value;
  }
  if (actual === "object" && schema.properties) return objectToWire(value as Record<string, unknown>, schema, field);
  return value;
}

function objectToWire(value: Record<string, unknown>, schema: FieldSchema, field: string): Record<string, unknown> {
  const properties = schema.properties ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const wire = toSnake(key);
    const sub = properties[wire];
    if (!sub || (wire === key && key.includes("_"))) {
      const known = properties[key] ? ` (did you mean ${toCamel(key)}?)` : "";
      const hint = known || suggest(key, Object.keys(properties));
      throw new ValidationError(`${field}.${key}`, `unknown field${hint}`);
    }
    out[wire] = toWire(item, sub, `${field}.${key}`);
  }
  for (const name of schema.required ?? []) {
    if (!(name in out)) throw new ValidationError(`${field}.${toCamel(name)}`, "is required");
  }
  return out;
}

function suggest(key: string, names: string[]): string {
  const lower = key.toLowerCase().replace(/_/g, "");
  const match = names.find((n) => n.replace(/_/g, "") === lower);
  return match ? ` (did you mean ${toCamel(match)}?)` : `; known fields: ${names.map(toCamel).join(", ")}`;
}
