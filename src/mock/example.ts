/**
 * A value valid against a JSON Schema of the spec, for the operations the local server has no handler for: so a
 * dropped-in spec gives a working server for every path. It takes what the schema offers first (`const`, `example`,
 * `examples`, `default`, the first `enum` value), then builds one from the type: every property an object declares,
 * one item per array (or `minItems`), strings of `minLength` in the declared `format`, numbers at their `minimum`.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: unknown };

const isSchema = (value: unknown): value is Schema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const FORMATS: Record<string, string> = {
  "date-time": "2026-01-01T00:00:00Z",
  date: "2026-01-01",
  time: "00:00:00",
  email: "user@example.com",
  uri: "https://example.com/",
  url: "https://example.com/",
  uuid: "00000000-0000-4000-8000-000000000000",
  byte: "",
};

export function exampleFor(doc: Schema, node: unknown, depth = 0): Json {
  let schema = node;
  for (let hops = 0; isSchema(schema) && typeof schema.$ref === "string" && hops < 32; hops++) {
    let target: unknown = doc;
    for (const key of schema.$ref.slice(2).split("/"))
      target = isSchema(target) ? target[key.replaceAll("~1", "/").replaceAll("~0", "~")] : undefined;
    schema = target;
  }
  if (!isSchema(schema)) return null;
  if ("const" in schema) return schema.const as Json;
  if ("example" in schema) return schema.example as Json;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0] as Json;
  if ("default" in schema) return schema.default as Json;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0] as Json;
  // A branch: all of allOf merged; the first of anyOf/oneOf that is not null.
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map((part) => exampleFor(doc, part, depth + 1));
    return parts.every((p) => isSchema(p)) ? Object.assign({}, ...parts) : (parts[0] ?? null);
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length) {
      const chosen = branches.find((b) => !(isSchema(b) && b.type === "null")) ?? branches[0];
      return exampleFor(doc, chosen, depth + 1);
    }
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const type = types.find((t) => t !== "null") ?? (isSchema(schema.properties) ? "object" : types[0]);
  if (depth > 12) return type === "null" || type === undefined ? null : type === "array" ? [] : null;
  switch (type) {
    case "object": {
      const out: { [key: string]: Json } = {};
      const properties = isSchema(schema.properties) ? schema.properties : {};
      for (const [name, property] of Object.entries(properties)) out[name] = exampleFor(doc, property, depth + 1);
      return out;
    }
    case "array": {
      const count = Math.max(1, typeof schema.minItems === "number" ? schema.minItems : 1);
      return Array.from({ length: count }, () => exampleFor(doc, schema.items, depth + 1));
    }
    case "string": {
      const base = FORMATS[String(schema.format)] ?? "string";
      const min = typeof schema.minLength === "number" ? schema.minLength : 0;
      return base.length >= min ? base : base.padEnd(min, "x");
    }
    case "integer":
    case "number": {
      if (typeof schema.minimum === "number") return schema.minimum;
      if (typeof schema.exclusiveMinimum === "number") return schema.exclusiveMinimum + 1;
      return typeof schema.maximum === "number" && schema.maximum < 0 ? schema.maximum : 0;
    }
    case "boolean":
      return false;
    default:
      return null;
  }
}
