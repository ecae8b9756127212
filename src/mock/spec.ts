/**
 * The mock server's view of the spec: routes and ajv (JSON Schema 2020-12) validators compiled at start-up from
 * generated/openapi.json. Nothing is hand-copied: a regenerated spec changes the routes and the validation. The limits
 * the spec states only in prose (seed range, latency 0–4, at most 3 ids) are in that file as JSON Schema keywords,
 * lifted there by the generator's `described-limits` pass, so ajv enforces them like any other.
 */
import { readFile } from "node:fs/promises";
import type { ErrorObject, ValidateFunction } from "ajv";
import { requireOptional } from "./deps.js";

export type JsonObject = { [key: string]: unknown };

/** An error in the shape the real API (FastAPI/pydantic) sends in a 422's `detail` list. */
export interface DetailItem {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export interface Operation {
  method: string;
  /** The spec's path template, e.g. /v1/text-to-speech/{voice_id} */
  path: string;
  operationId?: string;
  /** Matches a request path; returns the decoded path parameters. */
  match(pathname: string): Record<string, string> | undefined;
  /** Validate path, query and body; an empty list means valid. Query values are coerced from strings. */
  validate(input: {
    path: Record<string, string>;
    query: Record<string, string | string[]>;
    body: unknown;
  }): DetailItem[];
  /** The security scheme's header name (e.g. xi-api-key), when the operation is secured by an apiKey header. */
  apiKeyHeader?: string;
  /** The response content types the spec declares for 200. */
  successTypes: string[];
  /** Whether the request body is JSON (an object schema under application/json). */
  jsonBody: boolean;
  /** The 200 response's JSON schema (refs unresolved), when it answers JSON and not audio. */
  successJson?: unknown;
  /** Defaults of the query parameters, from their schemas (e.g. output_format → mp3_44100_128). */
  queryDefaults: Record<string, unknown>;
  /** Defaults of the JSON body's top-level fields, from their schemas (e.g. model_id → eleven_multilingual_v2). */
  bodyDefaults: Record<string, unknown>;
  /** Validate a response: status and content type against the spec's responses. */
  checkResponse(status: number, contentType: string | undefined): string | undefined;
  /** Validate a JSON answer against the 200 response's schema: undefined when valid, else the first problem. */
  checkAnswer(value: unknown): string | undefined;
  /** The query parameters whose schema takes a list (sent as repeated keys: `voice_ids=a&voice_ids=b`). */
  listQuery: string[];
}

export interface LoadedSpec {
  doc: JsonObject;
  operations: Operation[];
}

const SPEC_URL = new URL("../../generated/openapi.json", import.meta.url);
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const OPENAPI_FORMATS = ["double", "float", "int32", "int64", "binary", "byte", "password"];

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Point local refs (#/components/…) at the whole document, registered in ajv as "openapi". */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `openapi${v}` : rebase(v);
  }
  return out;
}

function deref(doc: JsonObject, node: unknown): unknown {
  if (!isObject(node) || typeof node.$ref !== "string" || !node.$ref.startsWith("#/")) return node;
  let target: unknown = doc;
  for (const key of node.$ref.slice(2).split("/")) {
    target = isObject(target) ? target[key.replaceAll("~1", "/").replaceAll("~0", "~")] : undefined;
  }
  return deref(doc, target);
}

const TYPE_MESSAGES: Record<string, [string, string]> = {
  string: ["Input should be a valid string", "string_type"],
  integer: ["Input should be a valid integer", "int_type"],
  number: ["Input should be a valid number", "float_type"],
  boolean: ["Input should be a valid boolean", "bool_type"],
  array: ["Input should be a valid list", "list_type"],
  object: ["Input should be a valid dictionary or object", "dict_type"],
  null: ["Input should be None", "null_type"],
};

/** Turn ajv errors into pydantic-style detail items, one per field, most specific first. */
function toDetail(errors: ErrorObject[], where: string, root: (string | number)[] = []): DetailItem[] {
  const out: DetailItem[] = [];
  const seen = new Set<string>();
  // oneOf/anyOf report every branch; the branch errors underneath say more, so skip the summary when they exist.
  const specific = errors.filter((e) => e.keyword !== "oneOf" && e.keyword !== "anyOf" && e.keyword !== "if");
  for (const e of specific.length ? specific : errors) {
    const loc: (string | number)[] = [where, ...root];
    for (const part of e.instancePath.split("/").slice(1)) {
      const key = part.replaceAll("~1", "/").replaceAll("~0", "~");
      loc.push(/^\d+$/.test(key) ? Number(key) : key);
    }
    const p = e.params as Record<string, unknown>;
    let msg: string;
    let type: string;
    switch (e.keyword) {
      case "required":
        loc.push(String(p.missingProperty));
        [msg, type] = ["Field required", "missing"];
        break;
      case "type":
        [msg, type] = TYPE_MESSAGES[String(p.type).split(",")[0] ?? ""] ?? [
          `Input should be ${String(p.type)}`,
          "type_error",
        ];
        break;
      case "enum": {
        const values = (p.allowedValues as unknown[]).map((v) => `'${String(v)}'`);
        msg = `Input should be ${values.length > 1 ? `${values.slice(0, -1).join(", ")} or ${values.at(-1)}` : values[0]}`;
        type = "enum";
        break;
      }
      case "minimum":
        [msg, type] = [`Input should be greater than or equal to ${String(p.limit)}`, "greater_than_equal"];
        break;
      case "maximum":
        [msg, type] = [`Input should be less than or equal to ${String(p.limit)}`, "less_than_equal"];
        break;
      case "maxItems":
        [msg, type] = [`List should have at most ${String(p.limit)} items after validation`, "too_long"];
        break;
      case "minItems":
        [msg, type] = [`List should have at least ${String(p.limit)} items after validation`, "too_short"];
        break;
      default:
        [msg, type] = [e.message ?? "Invalid value", e.keyword];
    }
    const key = JSON.stringify(loc);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ loc, msg, type });
  }
  // "Input should be null" for a nullable object is noise when the object's own fields say what is wrong.
  return out.filter(
    (d) =>
      d.type !== "null_type" ||
      !out.some((o) => o !== d && o.loc.length > d.loc.length && d.loc.every((part, i) => o.loc[i] === part)),
  );
}

interface AjvLike {
  addSchema(schema: JsonObject, key?: string): unknown;
  compile(schema: JsonObject): ValidateFunction;
  addFormat(name: string, format: boolean): unknown;
}
type AjvClass = new (options: JsonObject) => AjvLike;

async function ajvClass(): Promise<AjvClass> {
  const mod = (await requireOptional("ajv", () => import("ajv/dist/2020.js"))) as {
    default: AjvClass | { default: AjvClass };
  };
  const Ajv = mod.default;
  return typeof Ajv === "function" ? Ajv : Ajv.default;
}

function newAjv(Ajv: AjvClass, doc: JsonObject, coerce: boolean): AjvLike {
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: coerce, validateFormats: false });
  for (const name of OPENAPI_FORMATS) ajv.addFormat(name, true);
  ajv.addSchema({ $id: "openapi", components: rebase(doc.components ?? {}) as JsonObject });
  return ajv;
}

export async function loadSpec(specPath?: string | URL): Promise<LoadedSpec> {
  const doc = JSON.parse(await readFile(specPath ?? SPEC_URL, "utf8")) as JsonObject;
  const Ajv = await ajvClass();
  const strict = newAjv(Ajv, doc, false);
  const coercing = newAjv(Ajv, doc, true);
  const schemes =
    isObject(doc.components) && isObject(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  const operations: Operation[] = [];

  for (const [template, item] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    if (!isObject(item)) continue;
    const names: string[] = [];
    const pattern = new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([^}]+)\}/g, (_, name: string) => (names.push(name), "([^/]+)"))}$`,
    );
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const params = [
        ...(Array.isArray(item.parameters) ? item.parameters : []),
        ...(Array.isArray(op.parameters) ? op.parameters : []),
      ]
        .map((p) => deref(doc, p))
        .filter(isObject);
      const group = (where: string) => {
        const list = params.filter((p) => p.in === where);
        const schema = {
          type: "object",
          properties: Object.fromEntries(list.map((p) => [String(p.name), rebase(p.schema ?? {})])),
          required: list.filter((p) => p.required === true).map((p) => String(p.name)),
        };
        return coercing.compile(schema);
      };
      const pathValidator = group("path");
      const queryValidator = group("query");
      const body = deref(doc, op.requestBody);
      const media = isObject(body) && isObject(body.content) ? body.content["application/json"] : undefined;
      const bodySchema = isObject(media) && media.schema ? (rebase(media.schema) as JsonObject) : undefined;
      const bodyValidator = bodySchema ? strict.compile(bodySchema) : undefined;
      const bodyRequired = isObject(body) && body.required === true;

      const security = Array.isArray(op.security) ? op.security : Array.isArray(doc.security) ? doc.security : [];
      let apiKeyHeader: string | undefined;
      for (const requirement of security) {
        for (const name of Object.keys(isObject(requirement) ? requirement : {})) {
          const scheme = schemes[name];
          if (isObject(scheme) && scheme.type === "apiKey" && scheme.in === "header")
            apiKeyHeader = String(scheme.name).toLowerCase();
        }
      }
      const responses = isObject(op.responses) ? op.responses : {};
      const ok = responses["200"];
      const successTypes = isObject(ok) && isObject(ok.content) ? Object.keys(ok.content) : [];

      const queryDefaults: Record<string, unknown> = {};
      const listQuery: string[] = [];
      for (const p of params.filter((p) => p.in === "query")) {
        const schema = deref(doc, p.schema);
        if (isObject(schema) && schema.default !== undefined) queryDefaults[String(p.name)] = schema.default;
        const branches = isObject(schema) ? [schema, ...(Array.isArray(schema.anyOf) ? schema.anyOf : [])] : [];
        if (
          branches.some(
            (b) => isObject(b) && (b.type === "array" || (Array.isArray(b.type) && b.type.includes("array"))),
          )
        )
          listQuery.push(String(p.name));
      }
      const answerSchema =
        isObject(ok) && isObject(ok.content) && isObject(ok.content["application/json"])
          ? (ok.content["application/json"] as JsonObject).schema
          : undefined;
      let answerValidator: ValidateFunction | undefined;

      const bodyDefaults: Record<string, unknown> = {};
      const resolvedBody = deref(doc, isObject(media) ? media.schema : undefined);
      if (isObject(resolvedBody) && isObject(resolvedBody.properties)) {
        for (const [name, property] of Object.entries(resolvedBody.properties)) {
          const schema = deref(doc, property);
          if (isObject(schema) && schema.default !== undefined) bodyDefaults[name] = schema.default;
        }
      }

      operations.push({
        method: method.toUpperCase(),
        queryDefaults,
        bodyDefaults,
        path: template,
        ...(typeof op.operationId === "string" ? { operationId: op.operationId } : {}),
        ...(apiKeyHeader ? { apiKeyHeader } : {}),
        successTypes,
        jsonBody: bodySchema !== undefined,
        ...(isObject(ok) && isObject(ok.content) && isObject(ok.content["application/json"])
          ? { successJson: answerSchema ?? {} }
          : {}),
        listQuery,
        checkAnswer(value) {
          if (!isObject(answerSchema)) return undefined;
          answerValidator ??= strict.compile(rebase(answerSchema) as JsonObject);
          if (answerValidator(value)) return undefined;
          const [first] = answerValidator.errors ?? [];
          return first ? `${first.instancePath || "/"} ${first.message ?? first.keyword}` : "invalid";
        },
        match(pathname) {
          const m = pattern.exec(pathname);
          if (!m) return undefined;
          try {
            return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? "")]));
          } catch {
            return undefined;
          }
        },
        validate({ path, query, body: input }) {
          const detail: DetailItem[] = [];
          const pathCopy: JsonObject = { ...path };
          if (!pathValidator(pathCopy)) detail.push(...toDetail(pathValidator.errors ?? [], "path"));
          const queryCopy: JsonObject = { ...query };
          // "null" in a query string means null for nullable parameters.
          for (const [k, v] of Object.entries(queryCopy)) if (v === "null") queryCopy[k] = null;
          if (!queryValidator(queryCopy)) detail.push(...toDetail(queryValidator.errors ?? [], "query"));
          if (input === undefined) {
            if (bodyRequired) detail.push({ loc: ["body"], msg: "Field required", type: "missing" });
          } else if (bodyValidator && !bodyValidator(input)) {
            detail.push(...toDetail(bodyValidator.errors ?? [], "body"));
          }
          return detail;
        },
        checkResponse(status, contentType) {
          const declared = responses[String(status)] ?? responses.default;
          if (!isObject(declared)) return `status ${status} is not declared`;
          const types = isObject(declared.content) ? Object.keys(declared.content) : [];
          if (types.length === 0) return undefined;
          const base = (contentType ?? "").split(";")[0]?.trim() ?? "";
          // A binary response may come in any audio type: the spec says octet-stream, the real API sends audio/*.
          const binary = types.some((t) => t === "application/octet-stream" || t.startsWith("audio/"));
          if (types.includes(base) || (binary && (base.startsWith("audio/") || base === "application/octet-stream")))
            return undefined;
          return `content type ${base} is not declared for ${status} (${types.join(", ")})`;
        },
      });
    }
  }
  return { doc, operations };
}
