/**
 * `npm run spec:extract`: a self-contained spec file with just the named operations of a larger OpenAPI document, and
 * every component they reach, for spec/.
 *
 *   npm run spec:extract -- --from FILE_OR_URL --op "POST /v1/text-to-speech/{voice_id}/stream" [--op …] --out FILE
 *
 * - The operations keep everything of theirs (parameters, request body, responses, security, tags, extensions such
 *   as x-fern-sdk-method-name), and their path item's parameters.
 * - `components` keeps only what the operations reach through `$ref`, followed transitively, and the security schemes
 *   they (or the document) name. Every `$ref` of the output resolves inside it.
 * - `info.x-extracted` records the provenance: the source, its sha256, the date, and the operations. Re-running on a
 *   newer public spec updates the file; re-running on the same content changes nothing (the date is kept).
 *
 * The file is JSON, which `npm run generate` reads beside the seed YAML.
 */
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { load } from "js-yaml";
import { isObject, type Json, type JsonObject } from "./normalize.ts";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export interface Extracted {
  doc: JsonObject;
  /** The components kept, as `#/components/<kind>/<name>` pointers, sorted. */
  kept: string[];
}

/** Throws an Error naming the operation that is not in the document, with the nearest paths. */
export function extract(source: JsonObject, operations: readonly string[], origin: string, sha256: string): Extracted {
  const paths: JsonObject = {};
  const sourcePaths = isObject(source.paths) ? source.paths : {};
  for (const spec of operations) {
    const match = /^([A-Za-z]+)\s+(\/\S*)$/.exec(spec.trim());
    if (!match) throw new Error(`--op ${JSON.stringify(spec)}: expected "METHOD /path", e.g. "GET /v1/models"`);
    const method = match[1]!.toLowerCase();
    const path = match[2]!;
    const item = sourcePaths[path];
    if (!METHODS.includes(method) || !isObject(item) || !isObject(item[method])) {
      // The paths that share the longest start with the one asked for.
      const common = (p: string): number => [...path].findIndex((c, i) => p[i] !== c) >>> 0;
      const near = Object.keys(sourcePaths)
        .sort((a, b) => common(b) - common(a))
        .slice(0, 3);
      throw new Error(
        `${origin} has no operation ${method.toUpperCase()} ${path}${near.length ? `; paths near it: ${near.join(", ")}` : ""}`,
      );
    }
    const out = isObject(paths[path]) ? (paths[path] as JsonObject) : {};
    // The path item's own fields (parameters, summary …) and the operation: no other method of the path.
    for (const [key, value] of Object.entries(item)) if (!METHODS.includes(key)) out[key] = value;
    out[method] = item[method] as Json;
    paths[path] = out;
  }

  // Components reached through $ref, transitively, in the order first reached.
  const components = isObject(source.components) ? source.components : {};
  const kept = new Set<string>();
  const visit = (node: Json | undefined): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    const ref = node.$ref;
    if (typeof ref === "string" && ref.startsWith("#/components/") && !kept.has(ref)) {
      kept.add(ref);
      visit(resolvePointer(source, ref));
    }
    for (const [key, value] of Object.entries(node)) if (key !== "$ref") visit(value);
  };
  visit(paths);
  const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
  const security = [...Object.values(paths).flatMap((item) => Object.values(item as JsonObject))]
    .flatMap((op) => (isObject(op) && Array.isArray(op.security) ? op.security : []))
    .concat(Array.isArray(source.security) ? source.security : []);
  for (const requirement of security) {
    for (const name of Object.keys(isObject(requirement) ? requirement : {})) {
      if (name in schemes) kept.add(`#/components/securitySchemes/${name}`);
    }
  }

  const outComponents: JsonObject = {};
  for (const ref of [...kept].sort()) {
    const [kind = "", ...rest] = ref.slice("#/components/".length).split("/");
    const name = rest.join("/").replaceAll("~1", "/").replaceAll("~0", "~");
    const value = resolvePointer(source, ref);
    if (value === undefined) throw new Error(`${origin}: ${ref} is referenced but not defined`);
    const group = (outComponents[kind] ??= {}) as JsonObject;
    group[name] = value;
  }
  const tags = new Set(
    Object.values(paths).flatMap((item) =>
      Object.values(item as JsonObject).flatMap((op) =>
        isObject(op) && Array.isArray(op.tags) ? op.tags.filter((t) => typeof t === "string") : [],
      ),
    ),
  );
  const info = isObject(source.info) ? source.info : {};
  const doc: JsonObject = {
    openapi: source.openapi ?? "3.1.0",
    info: {
      title: `${typeof info.title === "string" ? info.title : "API"} (extract)`,
      version: info.version ?? "unknown",
      description: `Operations extracted from ${origin} by scripts/spec-extract.ts; regenerate with npm run spec:extract.`,
      "x-extracted": { source: origin, sha256, date: today(), operations: [...operations] },
    },
    ...(source.servers ? { servers: source.servers } : {}),
    ...(Array.isArray(source.security) ? { security: source.security } : {}),
    ...(Array.isArray(source.tags)
      ? { tags: source.tags.filter((t) => isObject(t) && typeof t.name === "string" && tags.has(t.name)) }
      : {}),
    paths,
    components: outComponents,
  };
  return { doc, kept: [...kept].sort() };
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The value a local JSON pointer (`#/a/b~1c`) names, or undefined. */
function resolvePointer(doc: JsonObject, ref: string): Json | undefined {
  let node: Json | undefined = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    node = isObject(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined;
  }
  return node;
}

/** The text of a file or an http(s) URL. */
async function fetchSource(from: string): Promise<string> {
  if (/^https?:\/\//.test(from)) {
    const response = await fetch(from);
    if (!response.ok) throw new Error(`${from}: ${response.status} ${response.statusText}`);
    return response.text();
  }
  return readFile(from, "utf8");
}

/** Write `doc` to `out`, keeping the previous date when nothing but the date would change. */
export async function writeExtract(doc: JsonObject, out: string): Promise<"written" | "unchanged"> {
  const previous = await readFile(out, "utf8").catch(() => undefined);
  const provenance = (d: JsonObject) => (d.info as JsonObject)["x-extracted"] as JsonObject;
  if (previous) {
    const old = JSON.parse(previous) as JsonObject;
    provenance(doc).date = provenance(old).date ?? today();
    if (JSON.stringify(old) === JSON.stringify(doc)) return "unchanged";
    provenance(doc).date = today();
  }
  await writeFile(out, `${JSON.stringify(doc, null, 2)}\n`);
  return "written";
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      from: { type: "string" },
      op: { type: "string", multiple: true },
      out: { type: "string" },
    },
  });
  try {
    if (!values.from || !values.op?.length || !values.out) {
      throw new Error('usage: npm run spec:extract -- --from FILE_OR_URL --op "METHOD /path" [--op …] --out FILE');
    }
    const text = await fetchSource(values.from);
    const source = load(text) as unknown;
    if (!isObject(source)) throw new Error(`${values.from}: not an OpenAPI document`);
    const sha256 = createHash("sha256").update(text).digest("hex");
    const origin = /^https?:/.test(values.from) ? values.from : values.from.split("/").at(-1)!;
    const { doc, kept } = extract(source, values.op, origin, sha256);
    const result = await writeExtract(doc, values.out);
    console.log(
      `${values.out}: ${result}; ${values.op.length} operation(s), ${kept.length} component(s) kept from ${origin}`,
    );
  } catch (error) {
    console.error(`spec:extract: ${(error as Error).message}`);
    process.exit(1);
  }
}
