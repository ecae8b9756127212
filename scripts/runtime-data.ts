/**
 * The small run-time data module (`generated/runtime.ts`): for each operation the facade wraps, exactly what the
 * client needs at run time — the query parameters' names, and a compact, $ref-free validation schema of the query and
 * body (types, enums, limits, required fields, defaults). Descriptions and everything else stay out, so the client bundle
 * never carries the spec (the full spec's JSON is 1.5 MB).
 */
import { SpecError } from "./errors.ts";
import { deref, isObject, operations, type Json, type JsonObject } from "./normalize.ts";

/** The operations the handwritten facade wraps: export name → "METHOD path". */
export const FACADE_OPERATIONS: Record<string, string> = {
  textToSpeechConvert: "POST /v1/text-to-speech/{voice_id}",
};

const KEEP = [
  "enum",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "default",
];

function types(schema: JsonObject): string[] {
  if (Array.isArray(schema.type)) return schema.type.map(String);
  if (typeof schema.type === "string") return [schema.type];
  if ("enum" in schema || "const" in schema) return [];
  if (isObject(schema.properties)) return ["object"];
  return [];
}

/** A validation-only view of a schema: refs resolved, oneOf/anyOf/allOf merged, annotations dropped. */
function compact(doc: JsonObject, node: Json | undefined, depth = 0): JsonObject {
  const schema = deref(doc, node);
  if (!isObject(schema) || depth > 8) return {};
  const out: JsonObject = {};
  const typeSet = new Set(types(schema));
  const branches = [
    schema,
    ...(["oneOf", "anyOf", "allOf"] as const).flatMap((k) => (Array.isArray(schema[k]) ? schema[k] : [])),
  ];
  const properties: JsonObject = {};
  const required = new Set<string>();
  for (const raw of branches) {
    const branch: JsonObject = raw === schema ? schema : compact(doc, raw, depth + 1);
    if (branch !== schema) for (const t of Array.isArray(branch.type) ? branch.type : []) typeSet.add(String(t));
    for (const key of KEEP) if (key in branch && !(key in out)) out[key] = branch[key] as Json;
    if (isObject(branch.properties)) {
      for (const [name, prop] of Object.entries(branch.properties)) {
        properties[name] = branch === schema ? compact(doc, prop, depth + 1) : prop;
      }
      typeSet.add("object");
    }
    if (Array.isArray(branch.required)) for (const r of branch.required) required.add(String(r));
    if (branch.items !== undefined)
      out.items = branch === schema ? compact(doc, branch.items, depth + 1) : branch.items;
  }
  if (typeSet.size > 0) out.type = [...typeSet];
  if (Object.keys(properties).length > 0) out.properties = properties;
  if (required.size > 0) out.required = [...required];
  return out;
}

export function runtimeData(doc: JsonObject): string {
  const byKey = new Map(operations(doc).map((o) => [`${o.path[2]!.toUpperCase()} ${o.path[1]}`, o]));
  const consts: string[] = [];
  for (const [name, key] of Object.entries(FACADE_OPERATIONS)) {
    const found = byKey.get(key);
    if (!found)
      throw new SpecError(`the spec has no operation ${key}, which the facade wraps (scripts/runtime-data.ts)`);
    const params = [
      ...(Array.isArray(found.item.parameters) ? found.item.parameters : []),
      ...(Array.isArray(found.op.parameters) ? found.op.parameters : []),
    ]
      .map((p) => deref(doc, p))
      .filter(isObject);
    const query: JsonObject = {};
    for (const p of params.filter((p) => p.in === "query")) query[String(p.name)] = compact(doc, p.schema);
    const body = deref(doc, found.op.requestBody);
    const content = isObject(body) && isObject(body.content) ? body.content["application/json"] : undefined;
    // Method and path are in the comment only: the facade calls the path through the typed client, so the bundle
    // does not carry them twice.
    const data: JsonObject = {
      query,
      ...(isObject(content) ? { body: compact(doc, content.schema) } : {}),
    };
    consts.push(`/** ${key} */\nexport const ${name}: OperationData = ${JSON.stringify(data)};`);
  }
  return `/** A validation-only view of a JSON Schema: refs resolved, branches merged, annotations dropped. */
export interface FieldSchema {
  type?: readonly string[];
  enum?: readonly (string | number | boolean | null)[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  required?: readonly string[];
  properties?: Readonly<Record<string, FieldSchema>>;
  items?: FieldSchema;
}

export interface OperationData {
  query: Readonly<Record<string, FieldSchema>>;
  body?: FieldSchema;
}

${consts.join("\n\n")}
`;
}
