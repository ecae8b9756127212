/**
 * `npm run generate`: spec/*.{yaml,yml,json} → generated/openapi.json, schema.ts, runtime.ts, facade.ts, and, from an
 * AsyncAPI document (the realtime WebSockets), realtime.ts.
 *
 *   npm run generate                      write generated/
 *   npm run generate -- --check           exit 1 and list the files when generated/ is stale
 *   npm run generate -- --spec FILE       use FILE (repeatable) instead of spec/
 *   npm run generate -- --out DIR         write somewhere else than generated/
 *   npm run generate -- --no-normalize    skip the normaliser (to see what it fixes)
 *   npm run generate -- --verbose         list every change instead of a summary per pass
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire, Module } from "node:module";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Script } from "node:vm";
import { Worker } from "node:worker_threads";
import { load, YAMLException } from "js-yaml";
import type { GlobalContext, OpenAPI3, OpenAPITSOptions } from "openapi-typescript";
import { ASYNCAPI_PASSES, mergeAsyncApi, realtimeModel, type RealtimeModel } from "./asyncapi.ts";
import { deref, isObject, normalize, PASSES, pointer, type Change, type Json, type JsonObject } from "./normalize.ts";
import { SpecError } from "./errors.ts";
import {
  analyse,
  facadeReport,
  facadeTypes,
  REALTIME_DATA_TYPES,
  realtimeData,
  realtimeTypes,
  runtimeData,
  type Analysis,
} from "./runtime-data.ts";

const ROOT = resolve(import.meta.dirname, "..");
const SPEC_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

interface SpecFile {
  path: string; // relative to the project root when inside it
  /** An OpenAPI document (the HTTP API), or an AsyncAPI one (the realtime WebSockets). */
  kind: "openapi" | "asyncapi";
  text: string;
  sha256: string;
  doc: JsonObject;
}

function display(path: string): string {
  const rel = relative(ROOT, path);
  return rel.startsWith("..") ? path : rel;
}

async function findSpecs(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => SPEC_EXTENSIONS.has(extname(n).toLowerCase())).sort();
  if (names.length === 0) throw new SpecError(`${display(dir)}: no *.yaml, *.yml or *.json spec found`);
  return names.map((n) => join(dir, n));
}

/**
 * A spec file's document. A .json file goes through JSON.parse (about a tenth of js-yaml's time on the full public
 * spec); when JSON.parse refuses it, js-yaml reads it as before (JSON with comments, say), and reports the error as
 * before. One difference: a duplicate key, which js-yaml refuses, is taken as JSON.parse takes it (the last wins).
 */
function parse(text: string, path: string): unknown {
  if (extname(path).toLowerCase() === ".json") {
    try {
      return JSON.parse(text);
    } catch {
      // js-yaml below: the same result or the same error as before.
    }
  }
  return load(text, { filename: display(path) });
}

async function loadSpec(path: string): Promise<SpecFile> {
  const text = await readFile(path, "utf8");
  let doc: unknown;
  try {
    doc = parse(text, path);
  } catch (error) {
    if (error instanceof YAMLException) {
      const at = error.mark ? `:${error.mark.line + 1}:${error.mark.column + 1}` : "";
      throw new SpecError(`${display(path)}${at}: not valid YAML/JSON: ${error.reason}`);
    }
    throw error;
  }
  if (!isObject(doc))
    throw new SpecError(`${display(path)}: /: expected an OpenAPI document (an object), got ${typeof doc}`);
  const sha256 = createHash("sha256").update(text).digest("hex");
  if ("asyncapi" in doc && !("openapi" in doc)) {
    if (typeof doc.asyncapi !== "string" || !doc.asyncapi.startsWith("2.")) {
      throw new SpecError(
        `${display(path)}: /asyncapi: expected an AsyncAPI 2.x version string, got ${JSON.stringify(doc.asyncapi)}`,
      );
    }
    return { path: display(path), kind: "asyncapi", text, sha256, doc };
  }
  if (typeof doc.openapi !== "string" || !doc.openapi.startsWith("3.")) {
    throw new SpecError(
      `${display(path)}: /openapi: expected an OpenAPI 3.x version string, got ${JSON.stringify(doc.openapi ?? null)}`,
    );
  }
  return { path: display(path), kind: "openapi", text, sha256, doc };
}

/** Whether a spec file was written by `npm run spec:extract` (it records its provenance in `info.x-extracted`). */
const isExtracted = (spec: SpecFile): boolean => isObject(spec.doc.info) && "x-extracted" in spec.doc.info;

/** The shape that matters when two files define one component: its property names and required fields. */
function outline(value: Json): string {
  if (!isObject(value)) return JSON.stringify(value);
  const props = isObject(value.properties) ? Object.keys(value.properties).sort() : [];
  const required = Array.isArray(value.required) ? value.required.map(String).sort() : [];
  return JSON.stringify({ props, required, ref: value.$ref ?? null });
}

/**
 * Several spec files become one document: paths and components are merged. Hand-kept files (the seed) come first and
 * their document is the base; extracted files (`npm run spec:extract`) follow. A component that an extracted file
 * spells differently from a hand-kept one (the public spec's `anyOf: [number, null]` against the seed's
 * `type: [number, "null"]`) keeps the hand-kept definition when both have the same properties and required fields,
 * and is reported; any other conflicting duplicate is an error. The base document is changed in place (nothing reads
 * it afterwards; a copy cost ~20 ms).
 */
function merge(specs: SpecFile[], report: (c: Change) => void): JsonObject {
  const ordered = [...specs.filter((s) => !isExtracted(s)), ...specs.filter(isExtracted)];
  const [first, ...rest] = ordered;
  const doc = first!.doc;
  const owner = new Map<string, SpecFile>();
  for (const spec of rest) {
    for (const section of ["paths", "components"] as const) {
      const from = spec.doc[section];
      if (!isObject(from)) continue;
      const into = isObject(doc[section]) ? doc[section] : (doc[section] = {});
      const entries =
        section === "paths"
          ? [["", from] as const]
          : Object.entries(from).filter((e): e is [string, JsonObject] => isObject(e[1]));
      for (const [group, values] of entries) {
        const target = group === "" ? into : isObject(into[group]) ? into[group] : (into[group] = {});
        for (const [key, value] of Object.entries(values)) {
          const ptr = pointer(group === "" ? [section, key] : [section, group, key]);
          const earlier = owner.get(ptr) ?? first!;
          if (key in target && JSON.stringify(target[key]) !== JSON.stringify(value)) {
            const lenient = section === "components" && isExtracted(spec) && !isExtracted(earlier);
            if (!lenient || outline(target[key]!) !== outline(value)) {
              throw new SpecError(`${spec.path}: ${ptr}: conflicts with the same key in ${earlier.path}`);
            }
            report({ pass: "merge", pointer: ptr, before: `${spec.path}'s`, after: `${earlier.path}'s (same fields)` });
            continue;
          }
          if (!(key in target)) owner.set(ptr, spec);
          target[key] = value;
        }
      }
    }
  }
  return doc;
}

/** The second thread (scripts/generate-worker.mjs): Redocly validation and prettier, overlapping the main thread. */
function startWorker() {
  // Plain JS: no tsx loader in that thread (it would cost ~100 ms of start-up before prettier and Redocly load).
  const worker = new Worker(new URL("./generate-worker.mjs", import.meta.url), { execArgv: [] });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  worker.on("message", ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
    const call = pending.get(id);
    pending.delete(id);
    if (error !== undefined) call?.reject(new Error(error));
    else call?.resolve(result);
  });
  worker.on("error", (error) => {
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  });
  return {
    run<T>(task: "validate" | "format", input: unknown): Promise<T> {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ id, task, input });
      });
    },
    stop: () => worker.terminate(),
  };
}

type Worker2 = ReturnType<typeof startWorker>;

/**
 * What openapiTS()'s own Redocly pass rejects (toTypeScript mostly skips that pass): fatal even with --no-normalize,
 * which only warns about the rest.
 */
const ALWAYS_FATAL = new Set(["no-unresolved-refs", "operation-operationId-unique"]);

/** Validate with Redocly's structural rules; every problem is reported as file, JSON pointer, message. */
async function validate(
  worker: Worker2,
  doc: JsonObject,
  label: string,
  strict: boolean,
  kind = "OpenAPI",
): Promise<void> {
  const errors = await worker.run<{ rule: string; pointer: string; message: string }[]>("validate", { doc, label });
  const report = (problems: typeof errors): string => {
    const lines = problems.slice(0, 20).map((p) => `  ${label}: ${p.pointer}: ${p.message}`);
    if (problems.length > 20) lines.push(`  … and ${problems.length - 20} more`);
    return lines.join("\n");
  };
  const fatal = strict ? errors : errors.filter((p) => ALWAYS_FATAL.has(p.rule));
  if (fatal.length > 0) {
    throw new SpecError(
      `the ${strict ? "normalised " : ""}spec is not valid ${kind} (${fatal.length} error${fatal.length === 1 ? "" : "s"}):\n${report(fatal)}`,
    );
  }
  if (errors.length > 0) {
    console.warn(
      `warning: the spec is not valid ${kind} without the normaliser (going on, --no-normalize):\n${report(errors)}`,
    );
  }
}

const CACHE = join(ROOT, "node_modules/.cache/elevenlabs-fetch");

/** Writes the code cache of the last module loaded by requireWithCodeCache() when it had none; else nothing. */
let saveCodeCache = (): void => undefined;

/**
 * Load the CommonJS module `id` (typescript.js: 9 MB, whose compilation is most of its loading time) with a V8 code
 * cache kept in node_modules/.cache, as Node 22's module.enableCompileCache() would (Node 20 has none). The cache is
 * written after the generator's first run (saveCodeCache()), so that it holds the functions the generator used, under
 * the module's version and Node's; V8 rejects a cache that does not fit, and it is written anew. The module goes into
 * require's cache, where openapi-typescript's own require("typescript") finds it. On any failure, nothing is loaded
 * here and a plain require() loads it.
 */
function requireWithCodeCache(require: NodeJS.Require, id: string): void {
  try {
    const file = require.resolve(id);
    const { version } = require(`${id}/package.json`) as { version: string };
    const cacheFile = join(CACHE, `${id}-${version}-node${process.version}.v8-cache`);
    if (require.cache[file] !== undefined) return;
    const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
    const M = Module as unknown as {
      new (id: string): NodeJS.Module;
      wrap(code: string): string;
      _nodeModulePaths(dir: string): string[];
    };
    const script = new Script(M.wrap(readFileSync(file, "utf8")), { filename: file, cachedData });
    const mod = new M(file);
    mod.filename = file;
    mod.paths = M._nodeModulePaths(dirname(file));
    const init = script.runInThisContext() as (...args: unknown[]) => void;
    init.call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
    mod.loaded = true;
    require.cache[file] = mod;
    if (cachedData !== undefined && !script.cachedDataRejected) return;
    saveCodeCache = () => {
      saveCodeCache = () => undefined;
      try {
        mkdirSync(CACHE, { recursive: true });
        const temporary = `${cacheFile}.${process.pid}.tmp`; // renamed: a concurrent run reads all of it or none
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cacheFile);
      } catch {
        // No cache this time; the next run tries again.
      }
    };
  } catch {
    // A plain require() follows.
  }
}

/**
 * openapi-typescript and the TypeScript compiler, loaded on first use (so the worker starts first) and through
 * require(): their CommonJS builds load in about half the time of an ESM import. `direct` loads only the modules of
 * openapi-typescript's transform and printer, not its entry, which also loads all of Redocly (the worker has its own).
 */
function loadCodegen() {
  const require = createRequire(import.meta.url);
  requireWithCodeCache(require, "typescript");
  type Oats = typeof import("openapi-typescript");
  const utils = require("openapi-typescript/dist/lib/utils.cjs") as Pick<Oats, "resolveRef" | "scanDiscriminators">;
  return {
    ts: require("typescript") as typeof import("typescript"),
    direct: {
      transformSchema: require("openapi-typescript/dist/transform/index.cjs") as Oats["transformSchema"],
      astToString: (require("openapi-typescript/dist/lib/ts.cjs") as Pick<Oats, "astToString">).astToString,
      resolveRef: utils.resolveRef,
      scanDiscriminators: utils.scanDiscriminators,
    },
    whole: () => require("openapi-typescript") as Oats,
  };
}

/**
 * Whether Redocly's bundle, which openapiTS() runs before its transform, would leave `doc` as it is. It does when the
 * document is self-contained: it has a `components` object (bundling adds one), every $ref is a local pointer to an
 * object, every discriminator mapping names a component schema directly, by its key (bundling rewrites any other into
 * one), and no example has an `externalValue` (bundling inlines it).
 */
export function bundlingChangesNothing(doc: JsonObject): boolean {
  if (!isObject(doc.components)) return false;
  const schemas = isObject(doc.components.schemas) ? doc.components.schemas : {};
  const namesSchema = (value: Json): boolean => {
    const name = typeof value === "string" ? /^#\/components\/schemas\/([^/~%]+)$/.exec(value)?.[1] : undefined;
    const schema = name !== undefined && Object.hasOwn(schemas, name) ? schemas[name] : undefined;
    return isObject(schema) && !("$ref" in schema);
  };
  const stack: Json[] = [doc];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (Array.isArray(node)) for (const child of node) stack.push(child);
    if (!isObject(node)) continue;
    if ("externalValue" in node) return false;
    const mapping = isObject(node.discriminator) ? node.discriminator.mapping : undefined;
    if (mapping !== undefined && !(isObject(mapping) && Object.values(mapping).every(namesSchema))) return false;
    const ref = node.$ref;
    if (ref !== undefined && !(typeof ref === "string" && ref.startsWith("#/") && isObject(deref(doc, node)))) {
      return false;
    }
    for (const child of Object.values(node)) stack.push(child);
  }
  return true;
}

/**
 * The types of `doc`, as openapi-typescript prints them. `whole` forces openapiTS() whole, even where the direct path
 * applies: test/generate/generate.test.ts compares the two, so an upgrade of openapi-typescript that changes what
 * openapiTS() does around its transform cannot slip past the direct path unnoticed.
 */
export async function toTypeScript(
  doc: JsonObject,
  binaryAsBlob: boolean,
  report: (c: Change) => void,
  whole = false,
): Promise<string> {
  const { ts, direct: oats, whole: openapiTS } = loadCodegen();
  const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
  const NULL = ts.factory.createLiteralTypeNode(ts.factory.createNull());
  const spec = structuredClone(doc) as unknown as OpenAPI3;
  const options: OpenAPITSOptions = {
    defaultNonNullable: false,
    silent: true,
    transform(schema, metadata) {
      if (!binaryAsBlob || schema.format !== "binary") return undefined;
      const nullable = Array.isArray(schema.type) && schema.type.includes("null");
      report({
        pass: "binary-as-blob",
        pointer: metadata.path?.replace(/^#/, "") ?? "?",
        before: '"string"',
        after: nullable ? '"Blob | null"' : '"Blob"',
      });
      return nullable ? ts.factory.createUnionTypeNode([BLOB, NULL]) : BLOB;
    },
  };
  // openapiTS() first runs Redocly over the whole document (~0.5 s of this thread on the full public spec): a lint
  // with one rule, unique operationIds, which the worker's validation checks too, and a bundle. When the bundle would
  // change nothing, the document goes straight to the transform, with the context openapiTS() builds (its defaults
  // spelled out); any other document takes openapiTS() whole.
  if (whole || !bundlingChangesNothing(doc)) {
    const code = oats.astToString(await openapiTS().default(spec, options));
    saveCodeCache();
    return code;
  }
  const ctx: GlobalContext = {
    additionalProperties: false,
    alphabetize: false,
    arrayLength: false,
    defaultNonNullable: false,
    discriminators: oats.scanDiscriminators(spec, options),
    emptyObjectsUnknown: false,
    enum: false,
    enumValues: false,
    conditionalEnums: false,
    dedupeEnums: false,
    excludeDeprecated: false,
    exportType: false,
    immutable: false,
    injectFooter: [],
    pathParamsAsTypes: false,
    postTransform: undefined,
    propertiesRequiredByDefault: false,
    rootTypes: false,
    rootTypesNoSchemaPrefix: false,
    rootTypesKeepCasing: false,
    redoc: {} as GlobalContext["redoc"], // only openapiTS()'s lint and bundle read it
    silent: true,
    transform: options.transform,
    transformProperty: undefined,
    makePathsEnum: false,
    generatePathParams: false,
    readWriteMarkers: false,
    resolve: <T>($ref: string) => oats.resolveRef<T>(spec, $ref, { silent: true }),
  };
  const code = oats.astToString(oats.transformSchema(spec, ctx));
  saveCodeCache();
  return code;
}

const WIDTH = 120; // .prettierrc.json's printWidth

/** A member of an interface or type literal in openapi-typescript's output: one line, or `key: {` … `};`. */
interface Member {
  start: number;
  end: number;
  depth: number;
  /** Whether prettier prints this member's own lines (not its children's) as they are, indents aside. */
  plain: boolean;
  children: Member[];
}

/** A line prettier prints as it is: short, ASCII, no escape or template, no number it would respell (1e+21). */
const plainLine = (line: string): boolean =>
  line.length <= WIDTH && /^[\x20-\x7e]*$/.test(line) && !/[\\`]|\de\+/.test(line);
const OPENER =
  /^ *(export interface [\w$]+ |(readonly )?("[^"\\]*"|[A-Za-z_$][\w$]*|[0-9]+|\[[\w$]+: string\])\??: )\{$/;
const CLOSER = /^ *\}(;| \| null;)?$/;

/**
 * A block comment laid out as prettier 3 lays out one whose every line starts with `*`: the first line trimmed at its
 * end, the others one space past the comment's start, trimmed, except that a JSDoc line ending in two spaces keeps
 * them (a Markdown line break). Undefined for a comment prettier prints verbatim (a line without `*`).
 */
function layoutComment(lines: string[], indent: string): string[] | undefined {
  if (lines.length === 1) return [indent + lines[0]!.trim()];
  const last = lines.at(-1)!;
  const end = last.lastIndexOf("*/");
  if (end < 0 || last.slice(end + 2).trim() !== "") return undefined;
  const parts = [lines[0]!.trimStart().slice(1), ...lines.slice(1, -1), last.slice(0, end) + "*"].map((l) =>
    l.trimStart(),
  );
  if (!parts.every((l) => l.startsWith("*"))) return undefined;
  const jsdoc = parts[0]!.startsWith("**") && parts[0]![2] !== "*";
  return parts.map((l, i) => {
    if (i === 0) return `${indent}/${l.trimEnd()}`;
    if (i === parts.length - 1) return `${indent} ${l}/`;
    const trimmed = l.trimEnd();
    return `${indent} ${trimmed}${jsdoc && trimmed !== "*" && l.endsWith("  ") ? "  " : ""}`;
  });
}

/**
 * `code` (openapi-typescript's output, TypeScript's printer: 4-space indents, one member per line, each type on one
 * line) as prettier prints it, without running prettier over the whole file: on the full public spec that was most of
 * the generator's time. Prettier's output differs from the printer's in its 2-space indents, its JSDoc comment lines,
 * and the members it breaks to fit 120 columns. So indents are halved, comments laid out as prettier does, and each
 * member prettier could print otherwise (over 120 columns, an escape or non-ASCII character, any construct but
 * `key: {` … `};`) is given to `format` (prettier) on its own, at the same depth, all in one call. Anything else
 * unexpected gives the whole text to `format`. test/generate compares the result with prettier's whole-file output.
 * `indentWidth` 2: code already indented as prettier indents (facade.ts, printed by runtime-data.ts).
 */
export async function layoutTypes(
  code: string,
  format: (code: string) => Promise<string>,
  indentWidth: 2 | 4 = 4,
): Promise<string> {
  const whole = () => format(code);
  const lines = code.split("\n").map((line) => {
    const n = indentWidth === 2 ? 0 : line.length - line.trimStart().length;
    return " ".repeat((n >> 2) * 2 + (n & 3)) + line.slice(n);
  });
  const roots: Member[] = [];
  const stack: Member[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const text = line.trimStart();
    if (text === "") continue;
    const indent = line.slice(0, line.length - text.length);
    if (text.startsWith("/**")) {
      let end = i;
      while (!lines[end]!.includes("*/")) if (++end === lines.length) return whole();
      const laid = layoutComment(lines.slice(i, end + 1), indent);
      if (laid === undefined) return whole();
      lines.splice(i, laid.length, ...laid);
      i = end;
      continue;
    }
    if (indent.length % 2 !== 0) return whole();
    const depth = indent.length / 2;
    if (text.startsWith("}")) {
      const member = stack.pop();
      if (member === undefined || member.depth !== depth) return whole();
      member.end = i;
      member.plain &&= CLOSER.test(line) && (depth > 0 || text === "}");
      if (text.endsWith("{")) stack.push(member); // `} & {`: the member goes on (and is not plain)
      continue;
    }
    const member: Member = { start: i, end: i, depth, plain: plainLine(line), children: [] };
    (stack.at(-1)?.children ?? roots).push(member);
    if (text.endsWith("{")) {
      member.plain &&= OPENER.test(line);
      stack.push(member);
    }
  }
  if (stack.length > 0) return whole();
  const others: Member[] = [];
  const collect = (m: Member): void => {
    if (m.plain) m.children.forEach(collect);
    else others.push(m);
  };
  roots.forEach(collect);
  if (others.length === 0) return lines.join("\n");
  // Each member in a context of its depth: `interface X {`, then `a: {` per further level.
  const SPLIT = "// @@ split";
  const snippets = others.map((m) => {
    const open =
      m.depth === 0
        ? []
        : ["interface X {", ...Array.from({ length: m.depth - 1 }, (_, k) => `${"  ".repeat(k + 1)}a: {`)];
    const close = open.map((_, k) => (k === 0 ? "}" : `${"  ".repeat(k)}};`)).reverse();
    return [...open, ...lines.slice(m.start, m.end + 1), ...close].join("\n");
  });
  const formatted = (await format(snippets.join(`\n${SPLIT}\n`) + "\n")).split(`\n${SPLIT}\n`);
  if (formatted.length !== others.length) return whole();
  const out: string[] = [];
  let next = 0;
  others.forEach((m, k) => {
    out.push(...lines.slice(next, m.start));
    const part = formatted[k]!.replace(/\n$/, "").split("\n");
    out.push(...part.slice(m.depth, part.length - m.depth));
    next = m.end + 1;
  });
  out.push(...lines.slice(next));
  return out.join("\n");
}

function header(specs: SpecFile[], what: string): string {
  const sources = specs.map((s) => `${s.path} (sha256 ${s.sha256})`).join(", ");
  return `${what} generated by \`npm run generate\` from ${sources}. Do not edit: change the spec and regenerate.`;
}

function printChanges(changes: Change[], verbose: boolean): void {
  const byPass = new Map<string, Change[]>();
  for (const c of changes) byPass.set(c.pass, [...(byPass.get(c.pass) ?? []), c]);
  const cut = (s: string): string => (s.length > 100 ? s.slice(0, 97) + "…" : s);
  for (const [pass, list] of byPass) {
    console.log(`[${pass}] ${list.length} change${list.length === 1 ? "" : "s"}`);
    const shown = verbose ? list : list.slice(0, 5);
    for (const c of shown) console.log(`  ${c.pointer}: ${cut(c.before)} → ${cut(c.after)}`);
    if (shown.length < list.length) console.log(`  … and ${list.length - shown.length} more (--verbose lists all)`);
  }
}

/** realtime.ts takes runtime.ts's compact schema types, so that src/validate.ts reads both alike. */
const RUNTIME_MODULE = "./runtime.js";

/** What openapi-typescript declares beside `components`, empty for a document of components only. */
const EMPTY_ROOTS = /^export type (paths|webhooks|\$defs|operations) = Record<string, never>;\n/gm;

/**
 * `generated/realtime.ts` from the AsyncAPI documents: their passes' changes go into `changes`; the types come from
 * openapi-typescript as for schema.ts, the data from runtime-data.ts as for runtime.ts. The data needs no type of
 * schema.ts, and the HTTP client imports nothing of this file, so its bundle does not carry it.
 */
async function realtimeTs(worker: Worker2, specs: SpecFile[], normalizes: boolean, changes: Change[]): Promise<string> {
  const label = specs.map((s) => s.path).join(" + ");
  const source = mergeAsyncApi(specs);
  if (normalizes) {
    try {
      // Reported with the file's name: the HTTP API's spec has pointers such as /components/schemas/… too.
      for (const c of normalize(source, [...ASYNCAPI_PASSES, ...PASSES]))
        changes.push({ ...c, pointer: `${label}#${c.pointer}` });
    } catch (error) {
      throw error instanceof SpecError ? new SpecError(`${label}: ${error.message}`) : error;
    }
  }
  const valid = validate(worker, source, label, normalizes, "AsyncAPI");
  valid.catch(() => undefined);
  let model: RealtimeModel;
  try {
    model = realtimeModel(source, label);
  } catch (error) {
    await valid; // its report first, when there is one
    throw error;
  }
  const format = (code: string) => worker.run<string>("format", { code, file: "generated/realtime.ts" });
  const components = (await toTypeScript(model.doc, false, () => undefined)).replace(EMPTY_ROOTS, "");
  const types = await layoutTypes(
    `/**\n * ${header(specs, "Realtime types and run-time data")}\n */\n\n` +
      `import type { FieldSchema, KeyMap } from "${RUNTIME_MODULE}";\n\n${REALTIME_DATA_TYPES}\n${components}\n` +
      realtimeTypes(model),
    format,
  );
  const { code, exact } = realtimeData(model);
  const data = exact ? code : await format(code);
  await valid;
  return `${types}\n${data}`;
}

export interface GenerateOptions {
  specs?: string[];
  normalize?: boolean;
  log?: (changes: Change[]) => void;
  /** The facade's report: its method count, name clashes, operations left out. */
  report?: (lines: string[]) => void;
}

/** Produce the generated files in memory: file name → contents. */
export async function generate(options: GenerateOptions = {}): Promise<Map<string, string>> {
  const worker = startWorker();
  try {
    const paths = options.specs?.length ? options.specs.map((p) => resolve(p)) : await findSpecs(join(ROOT, "spec"));
    const loaded = await Promise.all(paths.map(loadSpec));
    const specs = loaded.filter((s) => s.kind === "openapi");
    const asyncSpecs = loaded.filter((s) => s.kind === "asyncapi");
    if (specs.length === 0) {
      throw new SpecError(
        `${loaded.map((s) => s.path).join(", ")}: no OpenAPI document (the HTTP API's spec) among them`,
      );
    }
    const merged: Change[] = [];
    const doc = merge(specs, (c) => merged.push(c));
    const changes = [...merged, ...(options.normalize === false ? [] : normalize(doc))];
    const format = (code: string, file: string) => worker.run<string>("format", { code, file });
    // Validation runs on the second thread while openapi-typescript runs here.
    const valid = validate(worker, doc, specs.map((s) => s.path).join(" + "), options.normalize !== false);
    valid.catch(() => undefined); // awaited below; this only avoids an early "unhandled" report
    // runtime.ts and facade.ts need only the normalised spec, so they are printed now. Their errors (a name clash) are
    // awaited after the validation, whose report comes first.
    let analysis: Analysis | undefined;
    const analysed = () => (analysis ??= analyse(doc));
    const runtimeTs = (async () => {
      const { code, exact } = runtimeData(doc, analysed());
      const text = `/**\n * ${header(specs, "Run-time data")}\n */\n\n${code}`;
      return exact ? text : format(text, "generated/runtime.ts");
    })();
    runtimeTs.catch(() => undefined);
    const facadeTs = (async () => {
      const text = `/**\n * ${header(specs, "The facade's types")}\n */\n\n${facadeTypes(doc, analysed())}`;
      return layoutTypes(text, (code) => format(code, "generated/facade.ts"), 2);
    })();
    facadeTs.catch(() => undefined);
    // When both fail, the validation's report (file, pointer, message) says more than openapi-typescript's error.
    const typescript = await toTypeScript(doc, options.normalize !== false, (c) => changes.push(c)).catch(
      async (error: unknown) => {
        await valid;
        throw error;
      },
    );
    await valid;
    const runtime = await runtimeTs;
    const facade = await facadeTs;
    // The AsyncAPI document's types and data, after the HTTP API's: its own passes' changes are reported with theirs.
    const realtime =
      asyncSpecs.length === 0 ? undefined : await realtimeTs(worker, asyncSpecs, options.normalize !== false, changes);
    options.log?.(changes);
    options.report?.(facadeReport(doc, analysed()));

    const schema = layoutTypes(`/**\n * ${header(specs, "Types")}\n */\n\n${typescript}`, (code) =>
      format(code, "generated/schema.ts"),
    );
    // Printed here while the worker formats schema.ts: exactly what prettier's json-stringify parser prints
    // (.prettierrc.json selects it for this file), without its cost.
    const json: JsonObject = { "x-generated": header(specs, "This document is the normalised spec,") as Json, ...doc };
    const openapi = JSON.stringify(json, null, 2) + "\n";
    return new Map([
      ["openapi.json", openapi],
      ["schema.ts", await schema],
      ["runtime.ts", runtime],
      ["facade.ts", facade],
      ...(realtime === undefined ? [] : [["realtime.ts", realtime] as [string, string]]),
    ]);
  } finally {
    await worker.stop();
  }
}

/** The stamp `npm run generate` writes beside the generated files. */
const STAMP = "stamp.json";
/** The generator: what, beside the spec, decides the output (its own files, prettier's configuration). */
export const GENERATOR = [
  ".prettierrc.json",
  "scripts/asyncapi.ts",
  "scripts/errors.ts",
  "scripts/facade-names.ts",
  "scripts/generate-cli.mjs",
  "scripts/generate-worker.mjs",
  "scripts/generate.ts",
  "scripts/normalize.ts",
  "scripts/runtime-data.ts",
];
const DEPENDENCIES = ["@redocly/openapi-core", "js-yaml", "openapi-typescript", "prettier", "typescript"];

const sha256 = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

/** A hash of everything that decides the output: the spec files (path and content), the generator, its dependencies. */
async function inputsHash(specs: string[], normalizes: boolean): Promise<string> {
  const hash = createHash("sha256").update(`npm run generate${normalizes ? "" : " --no-normalize"}\n`);
  for (const name of DEPENDENCIES) {
    const pkg = await readFile(join(ROOT, "node_modules", name, "package.json"), "utf8").catch(() => "{}");
    hash.update(`${name} ${String((JSON.parse(pkg) as { version?: string }).version)}\n`);
  }
  for (const file of GENERATOR) hash.update(`${file}\n`).update(await readFile(join(ROOT, file)));
  for (const spec of specs) hash.update(`${display(spec)}\n`).update(await readFile(spec));
  return hash.digest("hex");
}

/** stamp.json: the inputs' hash and each generated file's sha256. */
function stampText(inputs: string, hashes: Record<string, string>): string {
  const note =
    "Written by `npm run generate`, which skips its work while the inputs and these files match. Do not edit.";
  return JSON.stringify({ note, inputs, files: hashes }, null, 2) + "\n";
}

/** Every file `npm run generate` may write beside the stamp; realtime.ts only from an AsyncAPI document. */
const OUTPUTS = ["openapi.json", "schema.ts", "runtime.ts", "facade.ts", "realtime.ts"];

/**
 * Whether `outDir` holds what these inputs produce: its stamp names them, every file it lists still has its stamped
 * hash, and no other generated file is there. (The inputs decide which files there are, so the stamp's list is theirs.)
 */
async function upToDate(outDir: string, inputs: string): Promise<boolean> {
  const stamp = await readFile(join(outDir, STAMP), "utf8").catch(() => null);
  if (stamp === null) return false;
  let listed: string[];
  try {
    listed = Object.keys((JSON.parse(stamp) as { files: object }).files);
  } catch {
    return false;
  }
  const hashes: Record<string, string> = {};
  for (const name of OUTPUTS) {
    const contents = await readFile(join(outDir, name)).catch(() => null);
    if ((contents === null) !== !listed.includes(name)) return false;
    if (contents !== null) hashes[name] = sha256(contents);
  }
  return stamp === stampText(inputs, hashes);
}

/** The command line; scripts/generate-cli.mjs (`npm run generate`) calls it. */
export async function main(args = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      check: { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      spec: { type: "string", multiple: true },
      out: { type: "string" },
      "no-normalize": { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
    },
  });
  const outDir = resolve(values.out ?? join(ROOT, "generated"));
  const started = performance.now();
  const specs = values.spec?.length ? values.spec.map((p) => resolve(p)) : await findSpecs(join(ROOT, "spec"));
  const inputs = await inputsHash(specs, !values["no-normalize"]);
  if (!values.force && (await upToDate(outDir, inputs))) {
    const what = values.check ? "nothing regenerated" : "nothing written; --force regenerates";
    console.log(
      `${display(outDir)}/ is up to date: the spec, the generator and its dependencies match ${STAMP} (${what})`,
    );
    return;
  }
  const files = await generate({
    specs,
    normalize: !values["no-normalize"],
    log: (changes) => printChanges(changes, values.verbose),
    report: (lines) => console.log(lines.join("\n")),
  });
  files.set(STAMP, stampText(inputs, Object.fromEntries([...files].map(([name, text]) => [name, sha256(text)]))));
  // A generated file these specs no longer produce (realtime.ts once the AsyncAPI document is gone).
  const leftovers: string[] = [];
  for (const name of OUTPUTS.filter((n) => !files.has(n))) {
    const text = await readFile(join(outDir, name), "utf8").catch(() => "");
    if (text.includes("generated by `npm run generate`")) leftovers.push(name);
  }

  if (values.check) {
    const stale: string[] = [];
    for (const [name, contents] of files) {
      const current = await readFile(join(outDir, name), "utf8").catch(() => null);
      if (current === null) stale.push(`${display(join(outDir, name))} (missing)`);
      else if (current !== contents) stale.push(`${display(join(outDir, name))} (differs)`);
    }
    for (const name of leftovers) stale.push(`${display(join(outDir, name))} (not generated from these specs)`);
    if (stale.length > 0) {
      console.error(`generated/ is stale; run \`npm run generate\` and commit the result:\n  ${stale.join("\n  ")}`);
      process.exitCode = 1;
      return;
    }
    console.log(`generated/ is up to date (${[...files.keys()].join(", ")})`);
    return;
  }

  await mkdir(outDir, { recursive: true });
  for (const [name, contents] of files) await writeFile(join(outDir, name), contents);
  for (const name of leftovers) await rm(join(outDir, name));
  if (leftovers.length > 0) console.log(`removed ${leftovers.map((n) => display(join(outDir, n))).join(", ")}`);
  const ms = Math.round(performance.now() - started);
  console.log(`wrote ${[...files.keys()].map((n) => display(join(outDir, n))).join(", ")} in ${ms} ms`);
}

/** main(), with a spec error reported as its message alone. */
export async function run(args?: string[]): Promise<void> {
  try {
    await main(args);
  } catch (error) {
    if (error instanceof SpecError) console.error(`generate: ${error.message}`);
    else console.error("generate: unexpected failure:", error);
    process.exitCode = 1;
  }
}

if (basename(process.argv[1] ?? "") === basename(import.meta.filename)) await run();
