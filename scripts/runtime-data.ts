/**
 * The small run-time data module (`generated/runtime.ts`): for each operation the facade wraps, exactly what the
 * client needs at run time — the query parameters' names, and a compact, $ref-free validation schema of the query and
 * body (types, enums, limits, required fields, defaults). Descriptions and everything else stay out, so the client bundle
 * never carries the spec (the full spec's JSON is 1.5 MB).
 */
import { SpecError } from "./errors.ts";
import { camel, facadeTable, type FacadeOperation } from "./facade-names.ts";
import type { RealtimeModel } from "./asyncapi.ts";
import { deref, isObject, operations, type Json, type JsonObject } from "./normalize.ts";

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

/** The members of every schema branch: the schema itself and its oneOf/anyOf/allOf branches, refs resolved. */
function branchesOf(doc: JsonObject, node: Json | undefined): JsonObject[] {
  const schema = deref(doc, node);
  if (!isObject(schema)) return [];
  const nested = (["oneOf", "anyOf", "allOf"] as const).flatMap((k) => (Array.isArray(schema[k]) ? schema[k] : []));
  return [schema, ...nested.flatMap((b) => branchesOf(doc, b))];
}

/**
 * Which keys of a JSON answer the facade camelCases: for each declared object, `{ snake_key: child }`, where `0`
 * means "the value as it is". A map-like object (`additionalProperties`, no declared properties, such as a voice's
 * `labels`) keeps its keys and is `{ "*": child }`. Keys that would not change and hold nothing to change are left
 * out, and so is any key the schema does not declare: the answer's own keys pass through as they are.
 */
export function keyMap(doc: JsonObject, node: Json | undefined, depth = 0): Json {
  if (depth > 12) return 0;
  const branches = branchesOf(doc, node);
  const items = branches.find((b) => b.items !== undefined)?.items;
  if (items !== undefined) return keyMap(doc, items, depth + 1);
  const properties = new Map<string, Json>();
  for (const b of branches) {
    if (isObject(b.properties)) for (const [k, v] of Object.entries(b.properties)) properties.set(k, v);
  }
  if (properties.size === 0) {
    const values = branches.find((b) => isObject(b.additionalProperties))?.additionalProperties;
    const child = values === undefined ? 0 : keyMap(doc, values, depth + 1);
    return child === 0 ? 0 : { "*": child };
  }
  const out: JsonObject = {};
  for (const [name, prop] of properties) {
    const child = keyMap(doc, prop, depth + 1);
    if (child !== 0 || camel(name) !== name) out[name] = child;
  }
  return Object.keys(out).length > 0 ? out : 0;
}

interface Found {
  entry: FacadeOperation;
  op: JsonObject;
  item: JsonObject;
  /** Parameters of the operation and its path item, refs resolved. */
  params: JsonObject[];
  body: JsonObject | undefined;
  /** The 2xx JSON answer's schema. */
  answer: Json | undefined;
}

/** An operation whose request body has no JSON form (multipart uploads): the facade cannot send it. */
function bodyNotJson(doc: JsonObject, op: JsonObject): boolean {
  const body = deref(doc, op.requestBody);
  const content = isObject(body) && isObject(body.content) ? body.content : undefined;
  return content !== undefined && Object.keys(content).length > 0 && !isObject(content["application/json"]);
}

function find(doc: JsonObject): Found[] {
  const byKey = new Map(operations(doc).map((o) => [`${o.path[2]!.toUpperCase()} ${o.path[1]}`, o]));
  const entries = facadeTable(doc).operations.filter((entry) => !bodyNotJson(doc, byKey.get(entry.key)!.op));
  return entries.map((entry) => {
    const { op, item } = byKey.get(entry.key)!;
    const params = [
      ...(Array.isArray(item.parameters) ? item.parameters : []),
      ...(Array.isArray(op.parameters) ? op.parameters : []),
    ]
      .map((p) => deref(doc, p))
      .filter(isObject);
    const body = deref(doc, op.requestBody);
    const responses = isObject(op.responses) ? op.responses : {};
    const ok = deref(doc, responses["200"] ?? responses["201"]);
    const json = isObject(ok) && isObject(ok.content) ? ok.content["application/json"] : undefined;
    return {
      entry,
      op,
      item,
      params,
      body: isObject(body) ? body : undefined,
      answer: isObject(json) ? json.schema : undefined,
    };
  });
}

/** What the three printers below need of a document, worked out once: its operations and each one's run-time data. */
export interface Analysis {
  found: Found[];
  data: Map<Found, JsonObject>;
}

export function analyse(doc: JsonObject): Analysis {
  const found = find(doc);
  return { found, data: new Map(found.map((f) => [f, opData(doc, f)])) };
}

/** The name of an operation's data constant: `textToSpeechConvert`, `userSubscriptionGet`. */
const constName = (entry: FacadeOperation): string => camel([...entry.group, entry.method].join(" "));

/** Names a client already uses: a group of the spec cannot take them. */
const CLIENT_MEMBERS = new Set(["raw", "baseUrl", "constructor"]);

/** The facade's tree: group → … → method → operation. Throws when a group and a method would share a name. */
function tree(found: Found[]): Map<string, unknown> {
  const root = new Map<string, unknown>();
  for (const f of found) {
    const { group, method, key } = f.entry;
    if (CLIENT_MEMBERS.has(group[0]!)) {
      throw new SpecError(`${key}: its group "${group[0]}" is a member of ElevenLabsClient; rename it in the spec`);
    }
    let node = root;
    for (const g of group) {
      const next = node.get(g);
      if (next !== undefined && !(next instanceof Map)) {
        throw new SpecError(`${key}: the group ${group.join(".")} has the name of an operation (${g})`);
      }
      if (next === undefined) node.set(g, new Map());
      node = node.get(g) as Map<string, unknown>;
    }
    if (node.get(method) instanceof Map) {
      throw new SpecError(`${key}: the method ${[...group, method].join(".")} has the name of a group`);
    }
    node.set(method, f);
  }
  return root;
}

/** One operation's run-time data. */
function opData(doc: JsonObject, f: Found): JsonObject {
  const { entry, params, body, answer } = f;
  const query: JsonObject = {};
  for (const p of params.filter((p) => p.in === "query")) query[String(p.name)] = compact(doc, p.schema);
  const content = isObject(body) && isObject(body.content) ? body.content["application/json"] : undefined;
  const [method, path] = entry.key.split(" ") as [string, string];
  const result = answer === undefined ? 0 : keyMap(doc, answer);
  let kind: string = entry.kind;
  let page: Json | undefined;
  if (kind === "paged") {
    // The page token goes back as the query parameter of the same name; the items are the answer's list.
    const list = branchesOf(doc, answer)
      .flatMap((b) => (isObject(b.properties) ? Object.entries(b.properties) : []))
      .find(([, v]) => branchesOf(doc, v).some((b) => b.type === "array" || b.items !== undefined));
    if (entry.pageToken && entry.pageToken in query && list) page = [entry.pageToken, list[0]];
    else kind = "json";
  }
  return {
    method,
    path,
    kind,
    query,
    ...(isObject(content) ? { body: compact(doc, content.schema) } : {}),
    ...(result !== 0 ? { result } : {}),
    ...(page ? { page } : {}),
  };
}

/** An identifier in printed code: a shared constant's or an operation's name. */
class Name {
  constructor(readonly name: string) {}
}

type Value = Json | Name | Value[] | { [key: string]: Value };

const WIDTH = 120; // .prettierrc.json's printWidth

/**
 * Code as prettier prints it, for the values runtime.ts holds: an object or array stays on one line when it fits in
 * 120 columns (with what follows it up to the line's end), else has one entry per line and a trailing comma; an array
 * of two or more objects (or arrays) of two or more entries each always breaks, and so does all that holds it. What
 * prettier could print otherwise (a quote or non-ASCII character in a string, a number such as 1e+21, a list of numbers
 * that does not fit, a key too long for `{` to follow it) makes `exact` false: the caller gives the file to prettier.
 * test/generate compares this printer with prettier.
 */
class Printer {
  exact = true;

  flat(value: Value): string {
    if (value instanceof Name) return value.name;
    if (value === null || typeof value !== "object") return this.primitive(value);
    if (Array.isArray(value)) return `[${value.map((v) => this.flat(v)).join(", ")}]`;
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    return `{ ${entries.map(([k, v]) => `${this.key(k)}: ${this.flat(v)}`).join(", ")} }`;
  }

  private primitive(value: string | number | boolean | null): string {
    const text = JSON.stringify(value);
    if (/[^\x20-\x7e]|\\"/.test(text) || (typeof value === "number" && /e/i.test(text))) this.exact = false;
    return text;
  }

  private key(key: string): string {
    if (/^[A-Za-z_$][\w$]*$/.test(key)) return key;
    return this.primitive(key);
  }

  /** Whether prettier breaks `value` whatever the width (see above). */
  private forced(value: Value): boolean {
    if (value === null || typeof value !== "object" || value instanceof Name) return false;
    const items = Array.isArray(value) ? value : Object.values(value);
    if (items.some((v) => this.forced(v))) return true;
    if (!Array.isArray(value) || value.length < 2) return false;
    const kind = (v: Value) =>
      Array.isArray(v) ? "array" : isObject(v as Json) && !(v instanceof Name) ? "object" : "";
    return value.every(
      (v) => kind(v) !== "" && kind(v) === kind(value[0]!) && (Array.isArray(v) ? v : Object.keys(v!)).length > 1,
    );
  }

  /** `value` printed from column `column`, followed by `after` characters before the line can end. */
  print(value: Value, column: number, after: number, indent = ""): string {
    const flat = this.flat(value);
    if (value === null || typeof value !== "object" || value instanceof Name) return flat;
    if (!this.forced(value) && column + flat.length + after <= WIDTH) return flat;
    const inner = indent + "  ";
    if (Array.isArray(value)) {
      if (value.every((v) => typeof v === "number")) this.exact = false; // prettier fills the lines
      return `[\n${value.map((v) => `${inner}${this.print(v, inner.length, 1, inner)},`).join("\n")}\n${indent}]`;
    }
    const lines = Object.entries(value).map(([k, v]) => {
      const key = this.key(k);
      const start = inner.length + key.length + 2;
      const text = this.print(v, start, 1, inner);
      if (start + 2 > WIDTH) this.exact = false; // no room for `{` after the key: prettier breaks after `:`
      // A string, null or name that does not fit after its key goes on the next line, unless the key is shorter than
      // 5 columns; a number or boolean stays.
      const next = !text.includes("\n") && start + text.length + 1 > WIDTH && key.length >= 5;
      if (next && typeof v !== "number" && typeof v !== "boolean") return `${inner}${key}:\n${inner}  ${text},`;
      return `${inner}${key}: ${text},`;
    });
    return `{\n${lines.join("\n")}\n${indent}}`;
  }

  /** A statement `head` + value + `tail`, e.g. `const S0 = ` … ` as const;`. */
  statement(head: string, value: Value, tail: string): string {
    return head + this.print(value, head.length, tail.length) + tail;
  }
}

/**
 * Values as code, with every object or list that occurs more than once (and is not tiny) printed once, as a shared
 * constant: the text-to-speech operations share their query parameters and most of their body, so the data (and a
 * client bundle) carries them once.
 */
function shareRepeats(values: Json[], printer: Printer): { shared: string[]; named: (value: Json) => Value } {
  // Each object's JSON text, built once from its children's (JSON.stringify of every subtree costs its depth times).
  const texts = new WeakMap<object, string>();
  const json = (value: Json): string => {
    if (value === null || typeof value !== "object") return JSON.stringify(value);
    let text = texts.get(value);
    if (text === undefined) {
      text = Array.isArray(value)
        ? `[${value.map(json).join(",")}]`
        : `{${Object.entries(value)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${JSON.stringify(k)}:${json(v)}`)
            .join(",")}}`;
      texts.set(value, text);
    }
    return text;
  };
  const counts = new Map<string, number>();
  const count = (value: Json): void => {
    if (value === null || typeof value !== "object") return;
    const text = json(value);
    counts.set(text, (counts.get(text) ?? 0) + 1);
    for (const child of Object.values(value)) count(child);
  };
  for (const value of values) count(value);
  const names = new Map<string, Name>();
  const repeated = [...counts].filter(([text, n]) => n > 1 && text.length >= 60).map(([text]) => text);
  // Shorter first: a shared value's parts are defined before it.
  repeated.sort((a, b) => a.length - b.length);
  const shared: string[] = [];
  /** `value` with each shared part replaced by its name. */
  const named = (value: Json, top = false): Value => {
    if (value === null || typeof value !== "object") return value;
    const name = top ? undefined : names.get(json(value));
    if (name) return name;
    if (Array.isArray(value)) return value.map((v) => named(v));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, named(v)]));
  };
  for (const text of repeated) {
    const name = new Name(`S${names.size}`);
    shared.push(printer.statement(`const ${name.name} = `, named(JSON.parse(text) as Json, true), " as const;"));
    names.set(text, name);
  }
  return { shared, named: (value) => named(value) };
}

/**
 * What `npm run generate` says about the facade: name clashes and how they were resolved, operations left out (a
 * request body with no JSON form: use client.raw), and lists with `has_more` that are plain JSON because their page
 * token is not a query parameter of the same name.
 */
export function facadeReport(doc: JsonObject, { found, data } = analyse(doc)): string[] {
  const table = facadeTable(doc);
  const byKey = new Map(operations(doc).map((o) => [`${o.path[2]!.toUpperCase()} ${o.path[1]}`, o]));
  const left = table.operations.filter((e) => bodyNotJson(doc, byKey.get(e.key)!.op)).map((e) => e.key);
  const demoted = found
    .filter((f) => f.entry.kind === "paged" && data.get(f)!.kind !== "paged")
    .map((f) => [...f.entry.group, f.entry.method].join("."));
  const lines = [`[facade] ${table.operations.length - left.length} methods`];
  for (const clash of table.clashes) lines.push(`  name clash: ${clash}`);
  if (left.length > 0) {
    lines.push(
      `  ${left.length} not in the facade (a request body that is not JSON; use client.raw): ${left.join(", ")}`,
    );
  }
  if (demoted.length > 0) {
    lines.push(
      `  ${demoted.length} lists with has_more given as one page (no query parameter for the token): ${demoted.join(", ")}`,
    );
  }
  return lines;
}

/**
 * `generated/runtime.ts`. `exact`: whether the code is as prettier prints it (else the caller formats it with prettier).
 */
export function runtimeData(doc: JsonObject, { found, data } = analyse(doc)): { code: string; exact: boolean } {
  const printer = new Printer();
  const { shared, named } = shareRepeats([...data.values()], printer);
  const consts = [...shared];
  for (const f of found) {
    consts.push(
      `/** ${f.entry.key} */\n${printer.statement(`export const ${constName(f.entry)}: OperationData = `, named(data.get(f)!), ";")}`,
    );
  }
  const facade = (node: Map<string, unknown>): Value =>
    Object.fromEntries(
      [...node].map(([k, v]) => [k, v instanceof Map ? facade(v) : new Name(constName((v as Found).entry))]),
    );
  const table = printer.statement("export const FACADE: FacadeGroup = ", facade(tree(found)), ";");
  const code = `/** A validation-only view of a JSON Schema: refs resolved, branches merged, annotations dropped. */
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

/** Which keys of an answer are camelCased: \`0\` keeps a value as it is; \`{ "*": … }\` is a map whose keys are kept. */
export type KeyMap = 0 | { readonly [key: string]: KeyMap };

/** What the facade's runtime for a kind of answer needs of one operation. */
export interface OperationData {
  method: "GET" | "PUT" | "POST" | "DELETE" | "OPTIONS" | "HEAD" | "PATCH" | "TRACE";
  path: string;
  /** audio: an AudioStream; json: an object; json-stream: one object per line; paged: a page and every item; other: the Response. */
  kind: "audio" | "json" | "json-stream" | "paged" | "other";
  query: Readonly<Record<string, FieldSchema>>;
  body?: FieldSchema;
  result?: KeyMap;
  /** For paged: the page token (answer property and query parameter), and the answer's list of items. */
  page?: readonly [token: string, items: string];
}

/** A group of the facade: methods and nested groups. */
export interface FacadeGroup {
  readonly [name: string]: OperationData | FacadeGroup;
}

${consts.join("\n\n")}

/** The facade: \`client.<group>.<method>\` → its operation. */
${table}
`;
  return { code, exact: printer.exact };
}

/** A JSDoc comment from an operation's summary and description. */
function jsdoc(f: Found, indent: string): string {
  const text = [f.op.summary, f.op.description]
    .filter((t): t is string => typeof t === "string" && t.trim() !== "")
    .map((t) => t.trim());
  const unique = text.filter((t, i) => !text.slice(0, i).some((o) => o.startsWith(t)));
  const lines = [...unique.join("\n\n").split("\n"), "", `\`${f.entry.key}\``];
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? ` ${l.replaceAll("*/", "*\\/")}` : ""}`).join("\n")}\n${indent} */`;
}

/** `generated/facade.ts`: the facade's types, one method signature per operation, documented from the spec. */
export function facadeTypes(doc: JsonObject, { found, data } = analyse(doc)): string {
  const signature = (f: Found, indent: string): string => {
    const [verb, path] = f.entry.key.split(" ") as [string, string];
    const ref = `${JSON.stringify(path)}, ${JSON.stringify(verb.toLowerCase())}`;
    const args = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => `${camel(m[1]!)}: string`);
    const query = f.params.filter((p) => p.in === "query");
    const content = f.body && isObject(f.body.content) ? f.body.content["application/json"] : undefined;
    if (query.length > 0 || content !== undefined) {
      const schema = isObject(content) ? deref(doc, content.schema) : undefined;
      const needed =
        query.some((p) => p.required === true) ||
        (f.body?.required === true && isObject(schema) && Array.isArray(schema.required) && schema.required.length > 0);
      args.push(`request${needed ? "" : "?"}: Request<${ref}>`);
    }
    args.push("requestOptions?: RequestOptions");
    const result = `Result<${ref}, ${JSON.stringify(String(data.get(f)!.kind))}>;`;
    const flat = `${indent}${f.entry.method}(${args.join(", ")}): ${result}`;
    // As prettier prints a signature over 120 columns: one parameter per line. When a line is still too long, prettier
    // breaks type arguments too: the signature stays on one line, and generate.ts's layoutTypes() gives it to prettier.
    const broken = [`${indent}${f.entry.method}(`, ...args.map((a) => `${indent}  ${a},`), `${indent}): ${result}`];
    const lines = flat.length <= WIDTH || broken.some((l) => l.length > WIDTH) ? [flat] : broken;
    return `${jsdoc(f, indent)}\n${lines.join("\n")}`;
  };
  const print = (node: Map<string, unknown>, indent: string): string =>
    [...node]
      .map(([k, v]) =>
        v instanceof Map
          ? `${indent}readonly ${k}: {\n${print(v, indent + "  ")}\n${indent}};`
          : signature(v as Found, indent),
      )
      .join("\n");
  return `import type { Request, RequestOptions, Result } from "../src/facade.js";

/** The facade's groups and methods, generated from the spec: \`client.<group>.<method>(…)\`. */
export interface Facade {
${print(tree(found), "  ")}
}
`;
}

/**
 * The types realtime.ts exports beside openapi-typescript's `components`: one per schema, channel and message. Indented
 * as openapi-typescript indents (4 spaces), for generate.ts's layoutTypes().
 */
export function realtimeTypes(model: RealtimeModel): string {
  const names = new Set(["components", ...REALTIME_NAMES]);
  const declare = (name: string): string => {
    if (names.has(name))
      throw new SpecError(`the realtime type ${name} would be declared twice; rename it in the spec`);
    names.add(name);
    return name;
  };
  const alias = (name: string) => `export type ${declare(name)} = components["schemas"][${JSON.stringify(name)}];`;
  const union = (list: string[]) => (list.length === 0 ? "never" : list.join(" | "));
  const schemaOf = new Map(model.messages.map((m) => [m.name, m.schema]));
  const channels = model.channels.map((c) => {
    const lines = [`/** \`${c.path}\`: the path parameters, as an object. */`];
    lines.push(
      c.params === undefined ? `export type ${declare(`${c.name}Params`)} = Record<string, never>;` : alias(c.params),
    );
    lines.push(`/** \`${c.path}\`: the query parameters. */`);
    lines.push(
      c.query === undefined ? `export type ${declare(`${c.name}Query`)} = Record<string, never>;` : alias(c.query),
    );
    lines.push(`/** What the client sends on \`${c.key}\`. */`);
    lines.push(`export type ${declare(`${c.name}Publish`)} = ${union(c.publish.map((m) => schemaOf.get(m)!))};`);
    lines.push(`/** What the server sends on \`${c.key}\`. */`);
    lines.push(`export type ${declare(`${c.name}Subscribe`)} = ${union(c.subscribe.map((m) => schemaOf.get(m)!))};`);
    return lines.join("\n");
  });
  const schemas = model.schemas.map(alias);
  const channelTypes = model.channels.map(
    (c) =>
      `    /** \`${c.path}\` */\n    ${JSON.stringify(c.key)}: {\n` +
      ["Params", "Query", "Publish", "Subscribe"].map((k) => `        ${k.toLowerCase()}: ${c.name}${k};\n`).join("") +
      "    };",
  );
  const messageTypes = model.messages.map((m) => `    ${m.name}: ${m.schema};`);
  return `/** The types of each message payload and shared schema of the AsyncAPI document. */
${schemas.join("\n")}

${channels.join("\n\n")}

/** Each channel's types, by the channel's name (the last segment of its path). */
export interface RealtimeChannelTypes {
${channelTypes.join("\n")}
}

/** Each message's payload type, by the message's name. */
export interface RealtimeMessageTypes {
${messageTypes.join("\n")}
}

export type RealtimeChannelName = keyof RealtimeChannelTypes;
export type RealtimeMessageName = keyof RealtimeMessageTypes;
`;
}

/** The names realtime.ts declares whatever the spec: the spec's schemas cannot take them. */
const REALTIME_NAMES = [
  "RealtimeChannelData",
  "RealtimeMessageData",
  "RealtimeChannelTypes",
  "RealtimeMessageTypes",
  "RealtimeChannelName",
  "RealtimeMessageName",
  "FieldSchema",
  "KeyMap",
];

/** The interfaces of realtime.ts's run-time data. */
export const REALTIME_DATA_TYPES = `/** A channel's run-time data: its path, its parameters, and which messages go which way. */
export interface RealtimeChannelData {
    /** The channel's path, its parameters in braces: \`/v1/text-to-speech/{voice_id}/stream-input\`. */
    path: string;
    /** Its path parameters. */
    params: Readonly<Record<string, FieldSchema>>;
    /** Its query parameters (the \`ws\` binding's \`query\`), as runtime.ts gives an operation's. */
    query: Readonly<Record<string, FieldSchema>>;
    /** The query parameters it requires, when there are any. */
    required?: readonly string[];
    /** The messages the client sends (AsyncAPI's \`publish\`), in the spec's order. */
    publish: readonly RealtimeMessageName[];
    /** The messages the server sends (AsyncAPI's \`subscribe\`), in the spec's order. */
    subscribe: readonly RealtimeMessageName[];
}

/** A message's run-time data. */
export interface RealtimeMessageData {
    /** Its payload's compact validation schema: properties, required fields, types, enums, limits, defaults. */
    payload: FieldSchema;
    /** For a message a channel's server sends: which keys to camelCase, when any (as runtime.ts's \`result\`). */
    result?: KeyMap;
}
`;

/** realtime.ts's run-time data: REALTIME_MESSAGES and REALTIME_CHANNELS, from the AsyncAPI document's OpenAPI view. */
export function realtimeData(model: RealtimeModel): { code: string; exact: boolean } {
  const { doc } = model;
  const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
  const received = new Set(model.channels.flatMap((c) => c.subscribe));
  const messages: JsonObject = {};
  for (const m of model.messages) {
    const result = received.has(m.name) ? keyMap(doc, ref(m.schema)) : 0;
    messages[m.name] = { payload: compact(doc, ref(m.schema)), ...(result !== 0 ? { result } : {}) };
  }
  const channels: JsonObject = {};
  for (const c of model.channels) {
    const fields = (name: string | undefined): JsonObject => {
      const schema = name === undefined ? undefined : deref(doc, ref(name));
      const properties = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
      return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, compact(doc, v)]));
    };
    const query = c.query === undefined ? undefined : deref(doc, ref(c.query));
    const required = isObject(query) && Array.isArray(query.required) ? query.required : [];
    channels[c.key] = {
      path: c.path,
      params: fields(c.params),
      query: fields(c.query),
      ...(required.length > 0 ? { required } : {}),
      publish: c.publish,
      subscribe: c.subscribe,
    };
  }
  const printer = new Printer();
  const { shared, named } = shareRepeats([messages, channels], printer);
  const code = [
    ...shared,
    `/** Each message's run-time data, by the message's name. */\n${printer.statement(
      "export const REALTIME_MESSAGES: Readonly<Record<RealtimeMessageName, RealtimeMessageData>> = ",
      named(messages),
      ";",
    )}`,
    `/** Each channel's run-time data, by the channel's name (the last segment of its path). */\n${printer.statement(
      "export const REALTIME_CHANNELS: Readonly<Record<RealtimeChannelName, RealtimeChannelData>> = ",
      named(channels),
      ";",
    )}`,
  ];
  return { code: code.join("\n\n") + "\n", exact: printer.exact };
}
