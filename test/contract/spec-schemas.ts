/**
 * ajv (JSON Schema 2020-12) over generated/openapi.json, for tests: validate a value against a component schema, or
 * against an operation's 200 JSON schema. Answers are checked with formats on, and without type coercion.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import * as formats from "ajv-formats";

export type JsonObject = { [key: string]: unknown };

export const SPEC = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../../generated/openapi.json"), "utf8"),
) as JsonObject & {
  paths: Record<string, Record<string, JsonObject>>;
  components: { schemas: Record<string, unknown> };
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its function is the default export, or that export's own default.
const addFormats = ((formats as { default?: unknown }).default ?? formats) as (ajv: Ajv2020) => void;
addFormats(ajv);
for (const name of ["double", "float", "int32", "int64", "binary", "byte", "password"]) ajv.addFormat(name, true);
ajv.addSchema(SPEC, "openapi");

const compiled = new Map<string, ValidateFunction>();
function validator(ref: string): ValidateFunction {
  let check = compiled.get(ref);
  if (!check) {
    check = ajv.compile({ $ref: `openapi${ref}` });
    compiled.set(ref, check);
  }
  return check;
}

/** A JSON pointer segment, percent-encoded for the URI fragment ajv resolves (paths hold `{` and `}`). */
const escape = (key: string) => encodeURIComponent(key.replaceAll("~", "~0").replaceAll("/", "~1"));

/** The errors of `value` against components/schemas/`name`: [] when valid. */
export function schemaErrors(name: string, value: unknown): ErrorObject[] {
  const check = validator(`#/components/schemas/${escape(name)}`);
  return check(value) ? [] : (check.errors ?? []);
}

/** The errors of `value` against the 200 application/json schema of `method path`: [] when valid. */
export function answerErrors(method: string, path: string, value: unknown): ErrorObject[] {
  const check = validator(
    `#/paths/${escape(path)}/${method.toLowerCase()}/responses/200/content/${escape("application/json")}/schema`,
  );
  return check(value) ? [] : (check.errors ?? []);
}

/** Every operation of the spec: method, path, and its 200 response's content types. */
export function operations(): { method: string; path: string; types: string[]; op: JsonObject }[] {
  const out: { method: string; path: string; types: string[]; op: JsonObject }[] = [];
  for (const [path, item] of Object.entries(SPEC.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      const ok = (op.responses as Record<string, { content?: Record<string, unknown> }>)["200"];
      out.push({ method: method.toUpperCase(), path, types: Object.keys(ok?.content ?? {}), op });
    }
  }
  return out;
}
