/**
 * The AsyncAPI 2.x document of the realtime WebSockets (`spec/*.asyncapi.yml`): its quirks fixed by named passes that
 * report each change, as for the OpenAPI spec, then seen as an OpenAPI 3.1 document of components only, so that the
 * same openapi-typescript path writes its types and runtime-data.ts its compact validation data:
 *
 * - every schema of `components.schemas` stays a component schema of the same name;
 * - a message whose payload is written inline gets a component schema named after the message;
 * - each channel's path parameters and `bindings.ws.query` become the component schemas `<Channel>Params` and
 *   `<Channel>Query`, where `<Channel>` is the channel's last path segment in PascalCase (`stream-input` →
 *   `StreamInput`).
 */
import { SpecError } from "./errors.ts";
import { camel } from "./facade-names.ts";
import { deref, isObject, pointer, type Json, type JsonObject, type Pass } from "./normalize.ts";

/** Visit every object of `node`, depth first, with its path (copied: the walk is over small documents). */
function walk(
  node: Json,
  path: (string | number)[],
  visit: (obj: JsonObject, path: (string | number)[]) => void,
): void {
  if (Array.isArray(node)) node.forEach((child, i) => walk(child, [...path, i], visit));
  else if (isObject(node)) {
    visit(node, path);
    for (const [key, child] of Object.entries(node)) walk(child, [...path, key], visit);
  }
}

const PRIMITIVES: Record<string, JsonObject> = {
  string: { type: "string" },
  boolean: { type: "boolean" },
  integer: { type: "integer" },
  long: { type: "integer" },
  uint: { type: "integer", minimum: 0 },
  uint64: { type: "integer", minimum: 0 },
  double: { type: "number" },
  float: { type: "number" },
  datetime: { type: "string", format: "date-time" },
  date: { type: "string", format: "date" },
  uuid: { type: "string", format: "uuid" },
  base64: { type: "string", contentEncoding: "base64" },
  unknown: {},
};

/**
 * A Fern type expression (`literal<" ">`, `literal<true>`, `list<integer>`, `optional<map<string, double>>`) as JSON
 * Schema; undefined for anything else (a named Fern type, which only Fern's own definitions can resolve).
 */
export function fernType(text: string): JsonObject | undefined {
  let at = 0;
  const fail = (): never => {
    throw new Error("unknown");
  };
  const space = () => {
    while (text[at] === " ") at++;
  };
  const expect = (c: string) => {
    space();
    if (text[at] !== c) fail();
    at++;
  };
  const parse = (): JsonObject => {
    space();
    const name = /^[A-Za-z][A-Za-z0-9]*/.exec(text.slice(at))?.[0] ?? fail();
    at += name.length;
    if (name === "literal") {
      expect("<");
      space();
      const raw = /^("(?:[^"\\]|\\.)*"|true|false)/.exec(text.slice(at))?.[0] ?? fail();
      at += raw.length;
      expect(">");
      const value = JSON.parse(raw) as string | boolean;
      return { type: typeof value, enum: [value] };
    }
    const args = (n: number): JsonObject[] => {
      expect("<");
      const out = [parse()];
      while (out.length < n) {
        expect(",");
        out.push(parse());
      }
      expect(">");
      return out;
    };
    if (name === "list") return { type: "array", items: args(1)[0]! };
    if (name === "set") return { type: "array", items: args(1)[0]!, uniqueItems: true };
    if (name === "optional") return args(1)[0]!;
    if (name === "nullable") return { anyOf: [args(1)[0]!, { type: "null" }] };
    if (name === "map") return { type: "object", additionalProperties: args(2)[1]! };
    return structuredClone(PRIMITIVES[name] ?? fail());
  };
  try {
    const schema = parse();
    space();
    return at === text.length ? schema : undefined;
  } catch {
    return undefined;
  }
}

/** Fern's `x-fern-type` gives a property's type in Fern's own syntax, with no JSON Schema beside it. */
const fernTypes: Pass = {
  name: "fern-types",
  description: "`x-fern-type` (literal<…>, list<…>, map<…>, primitives) becomes JSON Schema",
  run(doc, report) {
    walk(doc, [], (obj, path) => {
      const text = obj["x-fern-type"];
      if (typeof text !== "string") return;
      const schema = fernType(text);
      if (schema === undefined) {
        throw new SpecError(
          `${pointer([...path, "x-fern-type"])}: the Fern type ${JSON.stringify(text)} has no JSON Schema form here`,
        );
      }
      const added: JsonObject = {};
      for (const [key, value] of Object.entries(schema)) {
        if (!(key in obj)) obj[key] = added[key] = value;
      }
      delete obj["x-fern-type"];
      report(pointer([...path, "x-fern-type"]), text, added);
    });
  },
};

/**
 * `nullable: true` is OpenAPI 3.0's keyword, which AsyncAPI's schemas (JSON Schema draft 7) do not have: the type
 * gains `null` (a `$ref` becomes `anyOf: [ref, null]`).
 */
const nullableKeyword: Pass = {
  name: "nullable",
  description: "OpenAPI 3.0's `nullable: true` becomes a `null` type",
  run(doc, report) {
    walk(doc, [], (obj, path) => {
      if (!("nullable" in obj)) return;
      const at = pointer([...path, "nullable"]);
      const before = obj.nullable;
      delete obj.nullable;
      if (before !== true) return report(at, before, undefined);
      if (typeof obj.$ref === "string") {
        obj.anyOf = [{ $ref: obj.$ref }, { type: "null" }];
        delete obj.$ref;
        return report(at, true, { anyOf: obj.anyOf });
      }
      for (const key of ["anyOf", "oneOf"] as const) {
        const list = obj[key];
        if (Array.isArray(list)) {
          list.push({ type: "null" });
          return report(at, true, { [key]: list });
        }
      }
      if (Array.isArray(obj.enum) && !obj.enum.includes(null)) obj.enum.push(null);
      if (typeof obj.type === "string") obj.type = [obj.type, "null"];
      else if (Array.isArray(obj.type) && !obj.type.includes("null")) obj.type.push("null");
      report(at, true, "type" in obj ? { type: obj.type } : { enum: obj.enum ?? null });
    });
  },
};

/** A default that its own enum refuses (`mp3_44100` for a list of `mp3_44100_128`, …) would be sent as invalid. */
const defaultNotInEnum: Pass = {
  name: "default-not-in-enum",
  description: "a default that is not one of the schema's enum values is dropped",
  run(doc, report) {
    walk(doc, [], (obj, path) => {
      if (!Array.isArray(obj.enum) || !("default" in obj)) return;
      const text = JSON.stringify(obj.default);
      if (obj.enum.some((v) => JSON.stringify(v) === text)) return;
      report(pointer([...path, "default"]), obj.default, undefined);
      delete obj.default;
    });
  },
};

/** The AsyncAPI document's own passes; generate.ts runs normalize.ts's PASSES after them. */
export const ASYNCAPI_PASSES: readonly Pass[] = [fernTypes, nullableKeyword, defaultNotInEnum];

export interface RealtimeChannelModel {
  /** The channel's last path segment: `stream-input`. */
  key: string;
  /** `StreamInput`: the prefix of its types' names. */
  name: string;
  path: string;
  /** The component schemas of its path parameters and its query parameters (`bindings.ws.query`). */
  params: string | undefined;
  query: string | undefined;
  /** Message names: client → server (AsyncAPI's `publish`), server → client (`subscribe`). */
  publish: string[];
  subscribe: string[];
}

export interface RealtimeMessageModel {
  name: string;
  /** Its payload's component schema. */
  schema: string;
}

/** What generate.ts prints realtime.ts from. */
export interface RealtimeModel {
  /** An OpenAPI 3.1 document whose components hold every schema. */
  doc: JsonObject;
  channels: RealtimeChannelModel[];
  messages: RealtimeMessageModel[];
  /** The component schemas of the AsyncAPI document and its inline payloads, each exported as a type of its name. */
  schemas: string[];
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const pascal = (name: string): string => {
  const c = camel(name);
  return c.charAt(0).toUpperCase() + c.slice(1);
};
const SCHEMA_REF = /^#\/components\/schemas\/([^/]+)$/;
const MESSAGE_REF = /^#\/components\/messages\/([^/]+)$/;

/** Several AsyncAPI documents become one: channels and components merged, a conflicting duplicate is an error. */
export function mergeAsyncApi(specs: { path: string; doc: JsonObject }[]): JsonObject {
  const [first, ...rest] = specs;
  const doc = first!.doc;
  for (const spec of rest) {
    for (const [section, group] of [
      ["channels", ""],
      ["components", "schemas"],
      ["components", "messages"],
    ] as const) {
      const from = isObject(spec.doc[section]) && group !== "" ? spec.doc[section][group] : spec.doc[section];
      if (!isObject(from)) continue;
      const top = isObject(doc[section]) ? doc[section] : (doc[section] = {});
      const into = group === "" ? top : isObject(top[group]) ? top[group] : (top[group] = {});
      for (const [key, value] of Object.entries(from)) {
        if (key in into && JSON.stringify(into[key]) !== JSON.stringify(value)) {
          const at = pointer(group === "" ? [section, key] : [section, group, key]);
          throw new SpecError(`${spec.path}: ${at}: conflicts with the same key in ${first!.path}`);
        }
        into[key] = value;
      }
    }
  }
  return doc;
}

/** The OpenAPI view of a normalised AsyncAPI document, and its channels and messages. `file` names it in errors. */
export function realtimeModel(source: JsonObject, file: string): RealtimeModel {
  const fail = (at: (string | number)[], what: string): never => {
    throw new SpecError(`${file}: ${pointer(at)}: ${what}`);
  };
  const components = isObject(source.components) ? source.components : {};
  const schemas: JsonObject = structuredClone(isObject(components.schemas) ? components.schemas : {});
  const own = Object.keys(schemas);
  for (const name of own) if (!IDENTIFIER.test(name)) fail(["components", "schemas", name], "not a TypeScript name");
  const messageComponents = isObject(components.messages) ? components.messages : {};
  const messages = new Map<string, RealtimeMessageModel>();
  /** A new component schema: an error when the name is taken. */
  const addSchema = (name: string, schema: Json, at: (string | number)[]): string => {
    if (name in schemas) fail(at, `its schema would be named ${name}, which components.schemas already has`);
    schemas[name] = schema;
    return name;
  };
  /** A channel's parameters: a reference to an earlier channel's when they are the same (both channels' queries). */
  const seen = new Map<string, string>();
  const addChannelSchema = (name: string, schema: Json, at: (string | number)[]): string => {
    const text = JSON.stringify(schema);
    const earlier = seen.get(text);
    if (earlier === undefined) seen.set(text, name);
    return addSchema(name, earlier === undefined ? schema : { $ref: `#/components/schemas/${earlier}` }, at);
  };
  /** The message `node` (a component's name, or an inline message), registered under its name. */
  const message = (node: Json, at: (string | number)[], fallback?: string): string => {
    const ref = isObject(node) && typeof node.$ref === "string" ? MESSAGE_REF.exec(node.$ref)?.[1] : undefined;
    if (isObject(node) && "$ref" in node && ref === undefined) fail(at, "a message $ref must name components.messages");
    const name = ref ?? (isObject(node) && typeof node.name === "string" ? pascal(node.name) : fallback);
    if (name === undefined) return fail(at, "an inline message needs a name");
    if (!IDENTIFIER.test(name)) fail(at, `the message name ${name} is not a TypeScript name`);
    const where = ref === undefined ? at : ["components", "messages", ref];
    const body = ref === undefined ? node : messageComponents[ref];
    if (!isObject(body)) return fail(where, "no such message");
    if (messages.has(name)) return name;
    const format = body.schemaFormat;
    if (typeof format === "string" && !/json|asyncapi/i.test(format))
      fail([...where, "schemaFormat"], "not JSON Schema");
    const payload = body.payload;
    if (payload === undefined) return fail([...where, "payload"], "a message needs a payload");
    const named =
      isObject(payload) && typeof payload.$ref === "string" ? SCHEMA_REF.exec(payload.$ref)?.[1] : undefined;
    if (named !== undefined && !(named in schemas)) fail([...where, "payload"], `no schema ${named}`);
    if (named === undefined) own.push(addSchema(name, payload, [...where, "payload"]));
    messages.set(name, { name, schema: named ?? name });
    return name;
  };
  for (const name of Object.keys(messageComponents)) message({ $ref: `#/components/messages/${name}` }, []);

  const channels: RealtimeChannelModel[] = [];
  for (const [path, item] of Object.entries(isObject(source.channels) ? source.channels : {})) {
    const at = ["channels", path];
    if (!isObject(item)) continue;
    const key =
      path
        .split("/")
        .filter((s) => s !== "" && !s.startsWith("{"))
        .at(-1) ?? fail(at, "no path segment");
    const name = pascal(key);
    const taken = channels.find((c) => c.key === key);
    if (taken) fail(at, `its name ${key} is also ${taken.path}'s`);
    const parameters = isObject(item.parameters) ? item.parameters : {};
    const params = Object.entries(parameters).map(([param, value]) => {
      const p = deref(source, value);
      return [param, isObject(p) && p.schema !== undefined ? p.schema : { type: "string" }] as const;
    });
    for (const [param] of params)
      if (!path.includes(`{${param}}`)) fail([...at, "parameters", param], "not in the path");
    const ws = isObject(item.bindings) && isObject(item.bindings.ws) ? item.bindings.ws : {};
    const query = ws.query === undefined ? undefined : deref(source, ws.query);
    if (query !== undefined && !(isObject(query) && isObject(query.properties))) {
      fail([...at, "bindings", "ws", "query"], "expected an object schema with properties");
    }
    const directions = (op: "publish" | "subscribe"): string[] => {
      const operation = item[op];
      if (!isObject(operation)) return [];
      const node = operation.message;
      const list = isObject(node) && Array.isArray(node.oneOf) ? node.oneOf : [node ?? null];
      return list.map((m, i) =>
        message(m, [...at, op, "message", ...(list.length > 1 ? ["oneOf", i] : [])], `${name}${pascal(op)}${i}`),
      );
    };
    channels.push({
      key,
      name,
      path,
      params:
        params.length === 0
          ? undefined
          : addChannelSchema(
              `${name}Params`,
              {
                type: "object",
                properties: Object.fromEntries(params) as JsonObject,
                required: params.map(([p]) => p),
              },
              [...at, "parameters"],
            ),
      query:
        query === undefined ? undefined : addChannelSchema(`${name}Query`, query, [...at, "bindings", "ws", "query"]),
      publish: directions("publish"),
      subscribe: directions("subscribe"),
    });
  }
  if (channels.length === 0) fail(["channels"], "no channel");
  const info = isObject(source.info) ? source.info : {};
  const doc: JsonObject = {
    openapi: "3.1.0",
    info: { title: info.title ?? "realtime", version: info.version ?? "0" },
    paths: {},
    components: { schemas },
  };
  return { doc, channels, messages: [...messages.values()], schemas: own };
}
