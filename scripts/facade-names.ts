/**
 * The facade's name and result kind for every operation of a spec: the table a spec-driven facade is generated from
 * (`client.<group>.<method>(…)`), with no hand-kept list.
 *
 * - Names: `x-fern-sdk-group-name` (a string or a list: `["user", "subscription"]` → `user.subscription`) and
 *   `x-fern-sdk-method-name`, which give the official SDK's names; otherwise the first tag (a Fern `subpackage_` prefix
 *   dropped) and the `operationId`, camelCased. Two operations that would get the same name are a clash: the later
 *   one (in path order) gets its HTTP method appended (`getSignedUrlGet`), and the clash is reported.
 * - Kinds, from the 200 response and `x-fern-streaming`: `audio` (audio/* or octet-stream), `json`, `json-stream`
 *   (streamed JSON, one object per line), `paged` (JSON with `has_more` and a page token), `other` (zip, text, none).
 */
import { deref, isObject, operations, type JsonObject } from "./normalize.ts";

export type ResultKind = "audio" | "json" | "json-stream" | "paged" | "other";

export interface FacadeOperation {
  /** "POST /v1/text-to-speech/{voice_id}" */
  key: string;
  /** ["textToSpeech"], ["user", "subscription"] */
  group: string[];
  method: string;
  kind: ResultKind;
  /** The response property that carries the next page's token, for `paged`. */
  pageToken?: string;
  /** Where the name came from. */
  source: "fern" | "tag";
}

export interface FacadeTable {
  operations: FacadeOperation[];
  /** Names two operations wanted, and how each clash was resolved. */
  clashes: string[];
}

/** `text_to_speech`, `text-to-speech`, `Get_Models` → `textToSpeech`, `getModels`. */
export function camel(name: string): string {
  // An all-capitals word is a word, not letters: "Conversational AI" → conversationalAi, as Fern spells it.
  const words = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => (/^[A-Z][A-Z0-9]+$/.test(w) ? w[0] + w.slice(1).toLowerCase() : w));
  return words.map((w, i) => (i === 0 ? w[0]!.toLowerCase() + w.slice(1) : w[0]!.toUpperCase() + w.slice(1))).join("");
}

const PAGE_TOKENS = /^(next_page_token|next_cursor|cursor|last_sort_id|last_\w+_id|next_\w+)$/;

function kindOf(doc: JsonObject, op: JsonObject): { kind: ResultKind; pageToken?: string } {
  const responses = isObject(op.responses) ? op.responses : {};
  const ok = deref(doc, responses["200"] ?? responses["201"]);
  const content = isObject(ok) && isObject(ok.content) ? ok.content : {};
  const types = Object.keys(content);
  if (types.some((t) => t.startsWith("audio/") || t === "application/octet-stream")) return { kind: "audio" };
  const json = content["application/json"];
  if (!isObject(json)) return { kind: "other" };
  if (op["x-fern-streaming"] === true) return { kind: "json-stream" };
  const schema = deref(doc, json.schema);
  const properties = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
  const pageToken = "has_more" in properties ? Object.keys(properties).find((p) => PAGE_TOKENS.test(p)) : undefined;
  return pageToken ? { kind: "paged", pageToken } : { kind: "json" };
}

export function facadeTable(doc: JsonObject): FacadeTable {
  const out: FacadeOperation[] = [];
  const clashes: string[] = [];
  const taken = new Map<string, string>();
  for (const { op, path } of operations(doc)) {
    const [, route = "", verb = ""] = path;
    const key = `${verb.toUpperCase()} ${route}`;
    const fernGroup = op["x-fern-sdk-group-name"];
    const fernMethod = op["x-fern-sdk-method-name"];
    let group: string[];
    let method: string;
    let source: FacadeOperation["source"];
    if (typeof fernMethod === "string" && (typeof fernGroup === "string" || Array.isArray(fernGroup))) {
      group = [fernGroup].flat().map((g) => camel(String(g)));
      method = camel(fernMethod);
      source = "fern";
    } else {
      const tag = Array.isArray(op.tags) ? String([op.tags].flat(2)[0] ?? "") : "";
      group = [camel(tag.replace(/^subpackage_/, "") || "default")];
      method = camel(typeof op.operationId === "string" ? op.operationId : `${verb} ${route}`);
      source = "tag";
    }
    let name = [...group, method].join(".");
    const first = taken.get(name);
    if (first !== undefined) {
      method = `${method}${verb[0]!.toUpperCase()}${verb.slice(1)}`;
      const renamed = [...group, method].join(".");
      clashes.push(`${name}: ${first} keeps it; ${key} is ${renamed}`);
      name = renamed;
    }
    taken.set(name, key);
    out.push({ key, group, method, ...kindOf(doc, op), source });
  }
  return { operations: out, clashes };
}
