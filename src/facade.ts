/**
 * The facade, driven by the spec: `npm run generate` emits each operation's data (generated/runtime.ts) and its method
 * signature (generated/facade.ts); this module is the one runtime per kind of answer that turns them into
 * `client.<group>.<method>(…)`. An operation added to spec/ becomes a typed, validated method with no code here.
 *
 * - audio: an AudioStream (bytes as they arrive, the response's metadata beside them).
 * - json: the answer, its declared keys camelCased.
 * - json-stream: a JsonStream, one camelCased object per line as the lines arrive.
 * - paged: the first page, which is also an async iterable over every item of every page.
 * - other: the Response, unread.
 *
 * An answer with `audio_base64` also gives `audio`, the decoded bytes (not enumerable: the object keeps the official
 * shape).
 */
import { createFinalURL, createQuerySerializer, defaultPathSerializer as pathSerializer } from "openapi-fetch";
import type { Client, Middleware } from "openapi-fetch";
import type { paths } from "../generated/schema.js";
import type { FacadeGroup, KeyMap, OperationData } from "../generated/runtime.js";
import type { Facade } from "../generated/facade.js";
import { alreadyRead, AudioStream, metadataFrom } from "./audio.js";
import { toCamel, toWireName, type Camelize } from "./casing.js";
import { checkApiKey, checkHeaders } from "./core/check.js";
import { ElevenLabsError, errorFromResponse, invalid } from "./core/errors.js";
import { responsePromise, type ResponsePromise, type WithRawResponse } from "./core/response-promise.js";
import { NOT_AUDIO, type BodySource, type Outgoing, type Transport } from "./core/transport.js";
import { MODEL_MAX_CHARACTERS } from "./models.js";
import { checkRequestOptions, type RequestOptions } from "./request-options.js";
import { didYouMean, toWire } from "./validate.js";

export type { RequestOptions };

/** No fields. */
type Empty = Record<never, never>;
type Simplify<T> = { [K in keyof T]: T[K] } & Empty;
/** `never` (no query, no body) as an empty object, so that an intersection with it is not `never`. */
type Present<T> = [T] extends [never] ? Empty : [T] extends [undefined] ? Empty : NonNullable<T>;
type Operation<P extends keyof paths, M extends string> = M extends keyof paths[P] ? NonNullable<paths[P][M]> : never;
type BodyOf<O> = O extends { requestBody?: infer B }
  ? Present<B> extends { content: { "application/json": infer J } }
    ? J
    : Empty
  : Empty;
type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? Present<Q> : Empty;
type AnswerOf<O> = O extends { responses: { 200: { content: { "application/json": infer J } } } }
  ? J
  : O extends { responses: { 201: { content: { "application/json": infer J } } } }
    ? J
    : unknown;

/** An answer that carries `audioBase64` also has `audio`, its decoded bytes. */
export type WithAudio<T> = T extends { audioBase64?: unknown } ? T & { readonly audio: Uint8Array } : T;

/** The request of an operation: its JSON body's fields and its query parameters, camelCased. */
export type Request<P extends keyof paths, M extends string> = Simplify<
  Camelize<BodyOf<Operation<P, M>>> & Camelize<QueryOf<Operation<P, M>>>
>;

/** The camelCased JSON answer of an operation. */
export type Answer<P extends keyof paths, M extends string> = Camelize<AnswerOf<Operation<P, M>>>;

/** The items of a paged answer: its list. */
type ItemOf<T> = { [K in keyof T]-?: NonNullable<T[K]> extends readonly (infer I)[] ? I : never }[keyof T];

/**
 * A page of a paged operation: the answer as it is, and `for await (const item of page)` over every item of this page
 * and the pages after it (each fetched when the loop reaches it). `getNextPage()` fetches the next page alone.
 */
export type Page<T> = T & AsyncIterable<ItemOf<T>> & { getNextPage(): Promise<Page<T> | undefined> };

/** A paged operation's promise: await it for the first page, or `for await` it directly for every item. */
export type PagePromise<T> = ResponsePromise<Page<T>> & AsyncIterable<ItemOf<T>>;

/** What a method of the given kind resolves to. */
export type Result<P extends keyof paths, M extends string, K extends OperationData["kind"]> = K extends "audio"
  ? ResponsePromise<AudioStream>
  : K extends "json"
    ? ResponsePromise<WithAudio<Answer<P, M>>>
    : K extends "json-stream"
      ? ResponsePromise<JsonStream<WithAudio<Answer<P, M>>>>
      : K extends "paged"
        ? PagePromise<Answer<P, M>>
        : ResponsePromise<Response>;

/**
 * A streamed JSON answer: `for await (const chunk of stream)` gives one object per line, as the lines arrive. A line
 * split across network chunks is put together; a body that ends in the middle of a line is an ElevenLabsError, as
 * is a line that is not JSON. The body's idle timeout and the call's abort signal apply while it is read.
 */
export class JsonStream<T> implements AsyncIterable<T> {
  readonly #body: ReadableStream<Uint8Array>;
  readonly #map: KeyMap;
  #read = false;
  /** The reader of a running `for await`, which cancel() cancels. */
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  /** The response's `request-id` header. */
  declare readonly requestId?: string;

  /** @internal Built by the facade. */
  constructor(body: ReadableStream<Uint8Array>, map: KeyMap, headers: Headers) {
    this.#body = body;
    this.#map = map;
    const requestId = headers.get("request-id");
    if (requestId) this.requestId = requestId;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    if (this.#read) throw alreadyRead("stream", "");
    this.#read = true;
    const decoder = new TextDecoder();
    let buffered = "";
    let line = 0;
    const parse = (text: string): T => {
      line++;
      try {
        return withAudio(camelize(JSON.parse(text), this.#map)) as T;
      } catch (cause) {
        throw new ElevenLabsError(`line ${line} of the streamed answer is not JSON: ${text.slice(0, 80)}`, { cause });
      }
    };
    const reader = (this.#reader = this.#body.getReader());
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        // Only the new text is searched for a line end: a long line costs one pass, not one per network chunk.
        let from = buffered.length;
        buffered += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf("\n", from)) >= 0) {
          const text = buffered.slice(0, end).trim();
          buffered = buffered.slice(end + 1);
          from = 0;
          if (text) yield parse(text);
        }
      }
    } finally {
      // Leaving the loop early (break, an error) releases the connection.
      this.#reader = undefined;
      void reader.cancel().catch(() => undefined);
    }
    const rest = (buffered + decoder.decode()).trim();
    if (!rest) return;
    // A last line without its newline is whole when it parses; otherwise the stream was cut inside it.
    let value: unknown;
    try {
      value = JSON.parse(rest);
    } catch (cause) {
      throw new ElevenLabsError(
        `the streamed answer ended in the middle of line ${line + 1} (${rest.length} characters, no line end): it was cut`,
        { cause },
      );
    }
    line++;
    yield withAudio(camelize(value, this.#map)) as T;
  }

  /** Stop reading: the connection is released. (A stream nobody reads keeps it open until the server ends it.) */
  async cancel(reason?: unknown): Promise<void> {
    this.#read = true;
    if (this.#reader) await this.#reader.cancel(reason);
    else if (!this.#body.locked) await this.#body.cancel(reason);
  }

  /** Every chunk, once the stream has ended. */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const chunk of this) out.push(chunk);
    return out;
  }
}

/** Camel-case the keys `map` declares, as the official SDK returns them; map-like objects keep their keys. */
export function camelize(value: unknown, map: KeyMap | undefined): unknown {
  if (!map || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => camelize(item, map));
  const each = Object.hasOwn(map, "*") ? map["*"] : undefined;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const declared = each === undefined && Object.hasOwn(map, key);
    // As the official SDK does, a field that is null is left out (`alignment: null` → no `alignment`); a map's
    // entries are kept as they are.
    if (each === undefined && item === null) continue;
    const name = declared ? toCamel(key) : key;
    const converted = camelize(item, each ?? (declared ? map[key] : 0));
    // A JSON "__proto__" key is data, not the object's prototype.
    if (name === "__proto__") Object.defineProperty(out, name, { value: converted, enumerable: true, writable: true });
    else out[name] = converted;
  }
  return out;
}

/** Base64 → bytes, with web-standard APIs only. */
function decodeBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch (cause) {
    throw new ElevenLabsError(`audioBase64 is not base64: ${text.slice(0, 40)}`, { cause });
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** An object with `audioBase64` gets `audio`, decoded on first use (not enumerable: JSON and equality keep the shape). */
function withAudio(value: unknown): unknown {
  if (value && typeof value === "object" && typeof (value as { audioBase64?: unknown }).audioBase64 === "string") {
    let bytes: Uint8Array | undefined;
    Object.defineProperty(value, "audio", {
      get: () => (bytes ??= decodeBase64((value as { audioBase64: string }).audioBase64)),
      enumerable: false,
      configurable: true,
    });
  }
  return value;
}

/** The names of a path's parameters, in order: `/v1/text-to-speech/{voice_id}` → `["voice_id"]`. */
const pathNames = (path: string): string[] => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? "");

/** The wire form of a call: validated, snake_cased, with the defaults filled in. */
export interface Wire {
  path: Record<string, string>;
  query: Record<string, unknown>;
  body?: Record<string, unknown>;
}

function checkPathValue(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    invalid(field, `must be a non-empty string, got ${value === "" ? '""' : typeof value}`);
  }
  if (value === "." || value === "..") invalid(field, `cannot be "${value}"`);
  try {
    encodeURIComponent(value);
  } catch {
    invalid(field, "contains an unpaired surrogate; it cannot be encoded into a URL");
  }
  return value;
}

/** Validate a call against its operation's data and turn it into its wire form, before anything is sent. */
export function prepare(
  op: OperationData,
  pathValues: readonly unknown[],
  request: unknown,
  names = pathNames(op.path),
): Wire {
  const path: Record<string, string> = {};
  names.forEach((name, i) => (path[name] = checkPathValue(pathValues[i], toCamel(name))));
  const query: Record<string, unknown> = {};
  const schema = op.body;
  if (!schema && Object.keys(op.query).length === 0) return { path, query };
  const needed = schema?.required ?? [];
  if (request === undefined && needed.length === 0) request = {};
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    const fields = needed.map(toCamel).join(", ");
    invalid("request", `must be an object${fields ? ` with ${fields}` : ""}, such as ${example(needed)}`);
  }
  const bodyIn: Record<string, unknown> = {};
  const properties = schema?.properties;
  for (const [key, value] of Object.entries(request)) {
    if (value === undefined) continue;
    if (key.includes("_")) {
      const known = key in op.query || (properties && key in properties);
      invalid(`request.${key}`, `unknown field${known ? didYouMean(key) : ""}`);
    }
    const wire = toWireName(op.query, key);
    const param = wire === undefined ? undefined : op.query[wire];
    if (wire !== undefined && param) {
      // One value where the spec takes a list of them (`voiceIds: "abc"`), as the official SDK accepts.
      const list = typeof value === "string" && param.type?.includes("array") && !param.type.includes("string");
      query[wire] = toWire(list ? [value] : value, param, `request.${key}`);
    } else bodyIn[key] = value;
  }
  if (!schema) {
    const [extra] = Object.keys(bodyIn);
    if (extra !== undefined) {
      invalid(`request.${extra}`, `unknown field; known fields: ${Object.keys(op.query).map(toCamel).join(", ")}`);
    }
    return { path, query };
  }
  // The spec's defaults for the model and the output format are sent explicitly, so that a change of the API's
  // defaults does not change our output; an operation whose spec gives none gets none.
  const defaultModel = properties?.model_id?.default;
  const defaultFormat = op.query.output_format?.default;
  const { text, modelId = defaultModel } = request as { text?: unknown; modelId?: unknown };
  if (properties?.text && typeof text === "string" && text.trim() === "") invalid("request.text", "must not be empty");
  // The model's documented limit, as the API would refuse it (max_character_limit_exceeded), before anything is billed.
  const limit = properties?.model_id && typeof modelId === "string" ? MODEL_MAX_CHARACTERS[modelId] : undefined;
  // Code points, counted only when the UTF-16 length could be over: a short text costs nothing.
  const length = typeof text === "string" && limit && text.length > limit ? [...text].length : 0;
  if (limit && length > limit) {
    invalid(
      "request.text",
      `has ${length} characters, over the limit of ${limit} for ${modelId}; split it with convertLongForm()`,
    );
  }
  const body = toWire(bodyIn, schema, "request") as Record<string, unknown>;
  if (defaultFormat !== undefined) query.output_format ??= defaultFormat;
  if (defaultModel !== undefined) body.model_id ??= defaultModel;
  return { path, query, body };
}

const example = (needed: readonly string[]): string =>
  `{ ${needed.map((n) => `${toCamel(n)}: ${n === "text" ? '"Hello"' : "…"}`).join(", ")} }`.replace("{  }", "{}");

/**
 * What the runtimes share: the typed client, the transport, the client's address and headers, and the middleware list
 * (empty: the direct path).
 */
export interface Context {
  raw: Client<paths>;
  transport: Transport;
  baseUrl: string;
  headers: Record<string, string> | undefined;
  middleware: readonly Middleware[];
}

type RawCall = (
  path: string,
  init: Record<string, unknown>,
) => Promise<{ response: Response; data?: unknown; error?: unknown }>;

/** openapi-fetch's default query serialiser (form, exploded), built once. */
const querySerializer = createQuerySerializer();

/**
 * The request as openapi-fetch would build it (with its own URL serialisers, a JSON body, the client's then the call's
 * headers), without its request pipeline: no Headers objects, no web Request.
 */
function direct(ctx: Context, op: OperationData, wire: Wire, headers: Record<string, string> | undefined): Outgoing {
  const params = { path: wire.path, query: wire.query };
  const url = createFinalURL(op.path, { baseUrl: ctx.baseUrl, params, querySerializer, pathSerializer });
  const body = wire.body && JSON.stringify(wire.body);
  return {
    method: op.method,
    url,
    headers: { ...(body ? { "content-type": "application/json" } : {}), ...ctx.headers, ...headers },
    body,
  };
}

/** Which method this is, for messages: `textToSpeech.convert()`. */
const label = (name: string): string => `${name}()`;

async function send(
  ctx: Context,
  op: OperationData,
  name: string,
  wire: Wire,
  options: RequestOptions | undefined,
): Promise<WithRawResponse<unknown>> {
  const call = checkRequestOptions(options);
  const { apiKey, abortSignal } = options ?? {};
  const headers = checkHeaders(options?.headers, "requestOptions.headers");
  if (apiKey !== undefined) call.apiKey = checkApiKey(apiKey, "requestOptions.apiKey");
  const streamed = op.kind === "audio" || op.kind === "json-stream";
  if (op.kind === "audio") call.audio = true;
  // Without middleware, the request goes to the transport directly, which hands the guarded response body over here,
  // and the result is built on it: one stream layer. Middleware sees web Requests and Responses built by openapi-fetch
  // whose bodies it may read (clone()), so then the body is taken from the response openapi-fetch hands back.
  let source: BodySource | undefined;
  let response: Response;
  let data: unknown;
  let error: unknown;
  if (ctx.middleware.length === 0) {
    if (streamed) call.onBody = (body) => (source = body);
    response = await ctx.transport({ ...direct(ctx, op, wire, headers), signal: abortSignal }, call);
    data = streamed || op.kind === "other" ? response.body : await response.text();
  } else {
    const request = (ctx.raw as unknown as Record<OperationData["method"], RawCall>)[op.method];
    ({ response, data, error } = await request(op.path, {
      params: { path: wire.path, query: wire.query },
      ...(wire.body ? { body: wire.body } : {}),
      parseAs: streamed || op.kind === "other" ? "stream" : "text",
      ...(abortSignal ? { signal: abortSignal } : {}),
      ...(headers ? { headers } : {}),
      fetch: (req: Outgoing) => ctx.transport(req, call),
    }));
  }
  const { status, statusText, headers: answer } = response;
  if (!source && !response.ok) throw errorFromResponse(status, statusText, answer, error);
  if (op.kind === "other") return { data: response, rawResponse: response };
  const type = answer.get("content-type") ?? "";
  const body = streamed ? (source ?? relay(data as ReadableStream<Uint8Array> | null | undefined)) : undefined;
  if (body && op.kind === "audio") {
    if (!source && NOT_AUDIO.test(type)) {
      void body.cancel?.();
      throw new ElevenLabsError(`the answer to ${label(name)} was ${status} ${type.split(";")[0]}, not audio`, {
        statusCode: status,
        headers: answer,
      });
    }
    return { data: new AudioStream(body, metadataFrom(answer)), rawResponse: response };
  }
  if (type && !/json/i.test(type)) {
    void body?.cancel?.();
    throw new ElevenLabsError(`the answer to ${label(name)} was ${status} ${type.split(";")[0]}, not JSON`, {
      statusCode: status,
      headers: answer,
    });
  }
  if (body) {
    const stream = new ReadableStream<Uint8Array>(body, { highWaterMark: 0 });
    return { data: new JsonStream(stream, op.result ?? 0, answer), rawResponse: response };
  }
  // No body (a 204): nothing to parse.
  if (typeof data !== "string" || data === "") return { data: undefined, rawResponse: response };
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch (cause) {
    throw new ElevenLabsError(`the answer to ${label(name)} is not JSON: ${String(data).slice(0, 80)}`, {
      statusCode: status,
      headers: answer,
      cause,
    });
  }
  return { data: withAudio(camelize(parsed, op.result)), rawResponse: response };
}

/** A source that hands over a stream's chunks as they are read. */
function relay(body: ReadableStream<Uint8Array> | null | undefined): BodySource {
  const reader = body?.getReader();
  return {
    async pull(out) {
      const next = await reader?.read();
      if (next && !next.done) out.enqueue(next.value);
      else out.close();
    },
    cancel: (reason) => reader?.cancel(reason),
  };
}

/** Make the first page of a paged operation iterable over every item, fetching later pages as the loop needs them. */
function pageOf(
  page: Record<string, unknown>,
  [token, items]: readonly [string, string],
  fetchPage: (token: string) => Promise<Record<string, unknown>>,
): Record<string, unknown> {
  if (typeof page !== "object" || page === null || Array.isArray(page)) {
    throw new ElevenLabsError(`a page of the answer is not an object: ${JSON.stringify(page)?.slice(0, 80)}`);
  }
  const tokenKey = toCamel(token);
  const itemsKey = toCamel(items);
  const next = async (): Promise<Record<string, unknown> | undefined> => {
    const value = page[tokenKey];
    if (page[toCamel("has_more")] === false || typeof value !== "string" || value === "") return undefined;
    return pageOf(await fetchPage(value), [token, items], fetchPage);
  };
  Object.defineProperties(page, {
    getNextPage: { value: next, configurable: true },
    [Symbol.asyncIterator]: {
      value: async function* () {
        const seen = new Set<string>();
        let current: Record<string, unknown> | undefined = page;
        while (current) {
          const list = current[itemsKey];
          if (Array.isArray(list)) yield* list;
          const value = current[tokenKey];
          if (typeof value === "string") {
            if (seen.has(value)) throw new ElevenLabsError(`the API gave the page token ${value} twice; stopping`);
            seen.add(value);
          }
          current = await (current.getNextPage as () => Promise<Record<string, unknown> | undefined>)();
        }
      },
      configurable: true,
    },
  });
  return page;
}

/** One method of the facade, built from its operation's data. */
function method(ctx: Context, op: OperationData, name: string) {
  // Worked out once per method, not per call.
  const names = pathNames(op.path);
  const takesRequest = op.body !== undefined || Object.keys(op.query).length > 0;
  return (...args: unknown[]) => {
    const count = names.length;
    const request = takesRequest ? args[count] : undefined;
    const options = args[count + (takesRequest ? 1 : 0)] as RequestOptions | undefined;
    const run = async (): Promise<WithRawResponse<unknown>> => {
      const wire = prepare(op, args.slice(0, count), request, names);
      const first = await send(ctx, op, name, wire, options);
      if (op.kind !== "paged" || !op.page) return first;
      const [param] = op.page;
      const fetchPage = async (token: string) =>
        (await send(ctx, op, name, { ...wire, query: { ...wire.query, [param]: token } }, options)).data as Record<
          string,
          unknown
        >;
      return { ...first, data: pageOf(first.data as Record<string, unknown>, op.page, fetchPage) };
    };
    const promise = responsePromise(run());
    if (op.kind !== "paged") return promise;
    return Object.assign(promise, {
      async *[Symbol.asyncIterator]() {
        yield* (await promise) as AsyncIterable<unknown>;
      },
    });
  };
}

function isOperation(node: OperationData | FacadeGroup): node is OperationData {
  return typeof node.path === "string" && typeof node.kind === "string";
}

/** The facade's groups and methods for a client: `{ textToSpeech: { convert, stream, … }, models: { list }, … }`. */
export function buildFacade(ctx: Context, table: FacadeGroup, prefix = ""): Facade {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(table)) {
    const name = prefix ? `${prefix}.${key}` : key;
    out[key] = isOperation(node) ? method(ctx, node, name) : buildFacade(ctx, node, name);
  }
  return out as unknown as Facade;
}
