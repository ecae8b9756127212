/**
 * Normaliser passes: each fixes one known quirk of the ElevenLabs (Fern-exported) OpenAPI documents and reports
 * every change it makes, so that a new spec with a new quirk shows up in the output instead of being absorbed.
 *
 * A pass mutates the document in place and calls `report` once per change. A pass that finds nothing says nothing.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Change {
  pass: string;
  pointer: string;
  before: string;
  after: string;
}

export interface Pass {
  name: string;
  description: string;
  run(doc: JsonObject, report: (pointer: string, before: unknown, after: unknown) => void): void;
}

export const API_KEY_HEADER = "xi-api-key";
export const API_KEY_SCHEME = "ApiKeyAuth";
const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** RFC 6901 JSON pointer from path segments. */
export function pointer(segments: readonly (string | number)[]): string {
  return "/" + segments.map((s) => String(s).replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
}

/**
 * Visit every object node (depth first) with its JSON pointer segments. The segments are one array, reused for the
 * whole walk (a copy per node made the walks the normaliser's main cost): copy it to keep it beyond the call.
 */
function walk(
  node: Json,
  path: (string | number)[],
  visit: (obj: JsonObject, path: readonly (string | number)[]) => void,
): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      path.push(i);
      walk(node[i]!, path, visit);
      path.pop();
    }
  } else if (isObject(node)) {
    visit(node, path);
    for (const key of Object.keys(node)) {
      path.push(key);
      walk(node[key]!, path, visit);
      path.pop();
    }
  }
}

/** Every operation object with its pointer segments (`paths`, path, method). */
export function operations(doc: JsonObject): { op: JsonObject; path: string[]; item: JsonObject }[] {
  const out: { op: JsonObject; path: string[]; item: JsonObject }[] = [];
  const paths = doc.paths;
  if (!isObject(paths)) return out;
  for (const [route, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (isObject(op)) out.push({ op, path: ["paths", route, method], item });
    }
  }
  return out;
}

/** Resolve a local `$ref` (`#/components/...`); returns the node itself when it is not a reference. */
export function deref(doc: JsonObject, node: Json | undefined, seen = new Set<string>()): Json | undefined {
  if (!isObject(node) || typeof node.$ref !== "string" || !node.$ref.startsWith("#/")) return node;
  if (seen.has(node.$ref)) return undefined;
  seen.add(node.$ref);
  let target: Json | undefined = doc;
  for (const raw of node.$ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    target = isObject(target) ? target[key] : Array.isArray(target) ? target[Number(key)] : undefined;
  }
  return deref(doc, target, seen);
}

const show = (value: unknown): string => JSON.stringify(value) ?? "undefined";

/** Fern writes enums as `- value: X`; JSON Schema wants plain values. */
const fernEnums: Pass = {
  name: "fern-enums",
  description: "enum items of the form { value: X } become X",
  run(doc, report) {
    walk(doc, [], (obj, path) => {
      const values = obj.enum;
      if (!Array.isArray(values) || values.length === 0) return;
      if (!values.every((v) => isObject(v) && "value" in v && Object.keys(v).length <= 2)) return;
      const plain = values.map((v) => (v as JsonObject).value as Json);
      report(pointer([...path, "enum"]), values, plain);
      obj.enum = plain;
    });
  },
};

/** Fern nests operation tags (`tags: [[a]]`); OpenAPI wants a flat list of strings. */
const flattenTags: Pass = {
  name: "flatten-tags",
  description: "nested operation tags lists are flattened",
  run(doc, report) {
    for (const { op, path } of operations(doc)) {
      const tags = op.tags;
      if (!Array.isArray(tags) || !tags.some(Array.isArray)) continue;
      const flat = (tags as Json[]).flat(Infinity as 1) as Json[];
      report(pointer([...path, "tags"]), tags, flat);
      op.tags = flat;
    }
  },
};

/** `content: {}` says nothing and makes generators emit `never` bodies; drop it. */
const dropEmptyContent: Pass = {
  name: "drop-empty-content",
  description: "empty `content: {}` maps are removed",
  run(doc, report) {
    walk(doc, [], (obj, path) => {
      if (isObject(obj.content) && Object.keys(obj.content).length === 0 && "description" in obj) {
        report(pointer([...path, "content"]), obj.content, undefined);
        delete obj.content;
      }
    });
  },
};

/**
 * The API key is declared as a required header parameter on every operation. Turn it into one apiKey security
 * scheme so clients configure it once instead of passing it on every call.
 */
const apiKeyHeaderToSecurity: Pass = {
  name: "api-key-security",
  description: `the \`${API_KEY_HEADER}\` header parameter becomes the \`${API_KEY_SCHEME}\` apiKey security scheme`,
  run(doc, report) {
    let converted = 0;
    for (const { op, path, item } of operations(doc)) {
      for (const [owner, ownerPath] of [
        [op, path],
        [item, path.slice(0, 2)],
      ] as const) {
        const params = owner.parameters;
        if (!Array.isArray(params)) continue;
        const index = params.findIndex((p) => {
          const param = deref(doc, p);
          return isObject(param) && param.in === "header" && String(param.name).toLowerCase() === API_KEY_HEADER;
        });
        if (index === -1) continue;
        report(pointer([...ownerPath, "parameters", index]), params[index], undefined);
        params.splice(index, 1);
        if (params.length === 0) delete owner.parameters;
        if (!Array.isArray(op.security)) {
          op.security = [{ [API_KEY_SCHEME]: [] }];
          report(pointer([...path, "security"]), undefined, op.security);
        }
        converted++;
      }
    }
    if (converted === 0) return;
    const components = isObject(doc.components) ? doc.components : (doc.components = {});
    const schemes = isObject(components.securitySchemes)
      ? components.securitySchemes
      : (components.securitySchemes = {});
    if (!isObject(schemes[API_KEY_SCHEME])) {
      const scheme = { type: "apiKey", in: "header", name: API_KEY_HEADER };
      schemes[API_KEY_SCHEME] = scheme;
      report(pointer(["components", "securitySchemes", API_KEY_SCHEME]), undefined, scheme);
    }
  },
};

/** A body whose schema has required fields cannot be omitted; say so, or generators make the body optional. */
const requireBodies: Pass = {
  name: "required-bodies",
  description: "requestBody is marked required where its schema has required fields",
  run(doc, report) {
    for (const { op, path } of operations(doc)) {
      const body = deref(doc, op.requestBody);
      if (!isObject(body) || body.required === true || !isObject(body.content)) continue;
      const hasRequired = Object.values(body.content).some((media) => {
        const schema = isObject(media) ? deref(doc, media.schema) : undefined;
        return isObject(schema) && Array.isArray(schema.required) && schema.required.length > 0;
      });
      if (!hasRequired) continue;
      const where = isObject(op.requestBody) && "$ref" in op.requestBody ? String(op.requestBody.$ref) : null;
      report(where ? where.slice(1) + "/required" : pointer([...path, "requestBody", "required"]), body.required, true);
      body.required = true;
    }
  },
};

function isType(schema: JsonObject, type: string): boolean {
  return schema.type === type || (Array.isArray(schema.type) && schema.type.includes(type));
}

/**
 * Some limits are stated only in prose ("Must be integer between 0 and 4294967295", "up to 3 locators", a list of
 * "0 - …" … "4 - …" possible values). Lift them into JSON Schema keywords so validators and the client enforce them.
 * Only keywords that are absent are added, so a spec that states the limit properly is left alone.
 */
const describedLimits: Pass = {
  name: "described-limits",
  description: "limits stated only in descriptions become minimum/maximum/maxItems",
  run(doc, report) {
    walk(doc, [], (obj, path) => {
      // A parameter carries its description beside its schema; a property carries it inside.
      const schema = isObject(obj.schema) && typeof obj.in === "string" ? obj.schema : obj;
      const schemaPath = schema === obj ? path : [...path, "schema"];
      const description = typeof obj.description === "string" ? obj.description : undefined;
      if (!description || "$ref" in schema) return;
      const set = (key: string, value: number, target = schema, at = schemaPath): void => {
        if (key in target) return;
        report(pointer([...at, key]), undefined, value);
        target[key] = value;
      };
      const numeric = isType(schema, "integer") || isType(schema, "number");
      const range = numeric ? /\brange from (-?\d+(?:\.\d+)?) to (-?\d+(?:\.\d+)?)\b/i.exec(description) : null;
      if (range) {
        set("minimum", Number(range[1]));
        set("maximum", Number(range[2]));
      } else if (isType(schema, "integer")) {
        const between = /\bbetween (\d+) and (\d+)\b/i.exec(description);
        const listed = [...description.matchAll(/^\s*(\d+) - /gm)].map((m) => Number(m[1]));
        const upTo = /\bup to (\d+)\b/i.exec(description);
        if (between) {
          set("minimum", Number(between[1]));
          set("maximum", Number(between[2]));
        } else if (/possible values/i.test(description) && listed.length >= 2) {
          set("minimum", Math.min(...listed));
          set("maximum", Math.max(...listed));
        } else if (upTo) set("maximum", Number(upTo[1]));
      }
      if (isType(schema, "array")) {
        const most = /\b(?:up to|a maximum of|at most) (\d+)\b/i.exec(description);
        if (most) set("maxItems", Number(most[1]));
        const each = /\beach item (?:should|must) be in the range (\d+) ?- ?(\d+)\b/i.exec(description);
        if (each && isObject(schema.items) && !("$ref" in schema.items)) {
          set("minimum", Number(each[1]), schema.items, [...schemaPath, "items"]);
          set("maximum", Number(each[2]), schema.items, [...schemaPath, "items"]);
        }
      }
    });
  },
};

/** Keywords of JSON Schema 2020-12 and the OpenAPI schema vocabulary; anything else in a schema is not standard. */
const SCHEMA_KEYWORDS = new Set(
  (
    "$schema $id $ref $anchor $dynamicRef $dynamicAnchor $vocabulary $comment $defs allOf anyOf oneOf not if then else " +
    "dependentSchemas prefixItems items contains properties patternProperties additionalProperties propertyNames " +
    "unevaluatedItems unevaluatedProperties type const enum multipleOf maximum exclusiveMaximum minimum " +
    "exclusiveMinimum maxLength minLength pattern maxItems minItems uniqueItems maxContains minContains maxProperties " +
    "minProperties required dependentRequired format contentEncoding contentMediaType contentSchema title " +
    "description default deprecated readOnly writeOnly examples discriminator xml externalDocs example nullable"
  ).split(" "),
);
const SUBSCHEMA_LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"];
const SUBSCHEMA = [
  "not",
  "if",
  "then",
  "else",
  "items",
  "contains",
  "additionalProperties",
  "propertyNames",
  "unevaluatedItems",
  "unevaluatedProperties",
  "contentSchema",
];
const SUBSCHEMA_MAPS = ["properties", "patternProperties", "$defs", "dependentSchemas"];

/** Every schema object in the document (components, parameters, media types, and their subschemas). */
function schemas(doc: JsonObject, visit: (schema: JsonObject, path: (string | number)[]) => void): void {
  const seen = new Set<JsonObject>();
  const visitSchema = (node: Json | undefined, path: (string | number)[]): void => {
    if (!isObject(node) || seen.has(node)) return;
    seen.add(node);
    visit(node, path);
    for (const key of SUBSCHEMA) if (key in node) visitSchema(node[key], [...path, key]);
    for (const key of SUBSCHEMA_LISTS) {
      const list = node[key];
      if (Array.isArray(list)) list.forEach((s, i) => visitSchema(s, [...path, key, i]));
    }
    for (const key of SUBSCHEMA_MAPS) {
      const map = node[key];
      if (isObject(map)) for (const [name, s] of Object.entries(map)) visitSchema(s, [...path, key, name]);
    }
  };
  const components = isObject(doc.components) ? doc.components : {};
  if (isObject(components.schemas)) {
    for (const [name, s] of Object.entries(components.schemas)) visitSchema(s, ["components", "schemas", name]);
  }
  walk(doc, [], (obj, path) => {
    // Parameters, headers and media types hold a `schema`; a schema's own `properties` never have one named so.
    if (path.includes("schemas") || path.includes("properties")) return;
    if (isObject(obj.schema)) visitSchema(obj.schema, [...path, "schema"]);
  });
}

/**
 * The public spec puts non-standard keywords in schemas (`embed`, `optional`, `name`). JSON Schema tolerates them
 * as annotations but OpenAPI validators reject them; keep them as vendor extensions (`x-…`).
 */
const nonstandardSchemaKeywords: Pass = {
  name: "schema-extensions",
  description: "non-standard schema keywords become x- vendor extensions",
  run(doc, report) {
    schemas(doc, (schema, path) => {
      for (const key of Object.keys(schema)) {
        if (SCHEMA_KEYWORDS.has(key) || key.startsWith("x-")) continue;
        report(pointer([...path, key]), key, `x-${key}`);
        schema[`x-${key}`] = schema[key] as Json;
        Reflect.deleteProperty(schema, key);
      }
    });
  },
};

export const PASSES: readonly Pass[] = [
  fernEnums,
  flattenTags,
  dropEmptyContent,
  apiKeyHeaderToSecurity,
  requireBodies,
  describedLimits,
  nonstandardSchemaKeywords,
];

/** Run every pass over `doc` (in place) and return the changes in order. */
export function normalize(doc: JsonObject, passes: readonly Pass[] = PASSES): Change[] {
  const changes: Change[] = [];
  for (const pass of passes) {
    pass.run(doc, (ptr, before, after) =>
      changes.push({ pass: pass.name, pointer: ptr, before: show(before), after: show(after) }),
    );
  }
  return changes;
}
