/** `client.textToSpeech`: the official SDK's TTS surface, on openapi-fetch and the generated types. */
import type { Client, Middleware } from "openapi-fetch";
import type { paths } from "../generated/schema.js";
import { textToSpeechConvert as CONVERT } from "../generated/runtime.js";
import { DEFAULT_MODEL_ID, DEFAULT_OUTPUT_FORMAT } from "./defaults.js";
import { MODEL_MAX_CHARACTERS } from "./models.js";
import { AudioStream, metadataFrom } from "./audio.js";
import { toSnake, type Camelize } from "./casing.js";
import { checkApiKey, checkHeaders } from "./core/check.js";
import { ElevenLabsError, errorFromResponse, invalid } from "./core/errors.js";
import { responsePromise, type ResponsePromise, type WithRawResponse } from "./core/response-promise.js";
import {
  LightRequest,
  NOT_AUDIO,
  type BodySource,
  type Outgoing,
  type SendOptions,
  type Transport,
} from "./core/transport.js";
import { didYouMean, toWire } from "./validate.js";

type ConvertOperation = paths["/v1/text-to-speech/{voice_id}"]["post"];
type ConvertBody = ConvertOperation["requestBody"]["content"]["application/json"];
type ConvertQuery = NonNullable<ConvertOperation["parameters"]["query"]>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The body and query parameters of "Create speech", camelCased: `{ text, modelId, outputFormat, voiceSettings, … }`. */
export type TextToSpeechRequest = Simplify<Camelize<ConvertBody> & Camelize<ConvertQuery>>;
/** One of the spec's output formats, such as `"mp3_44100_128"`. */
export type OutputFormat = NonNullable<ConvertQuery["output_format"]>;
/** Voice settings overriding the stored ones for one request. */
export type VoiceSettings = NonNullable<TextToSpeechRequest["voiceSettings"]>;

/** Options for one call; each overrides the client's. (`undefined` means "not set", also with exactOptionalPropertyTypes.) */
export interface RequestOptions {
  /** Abort the request, including while the audio streams. */
  abortSignal?: AbortSignal | undefined;
  /** Seconds until the response headers arrive (at most 2147483). */
  timeoutInSeconds?: number | undefined;
  /** Seconds allowed between two chunks of the body. Default: the client's, capped by this call's timeoutInSeconds. */
  idleTimeoutInSeconds?: number | undefined;
  /** Retries of 408/409/429/5xx and connection failures. */
  maxRetries?: number | undefined;
  /** Extra request headers. An `xi-api-key` here is sent instead of the client's key. */
  headers?: Record<string, string> | undefined;
  /** The API key for this call only (a multi-tenant server's per-user key), instead of the client's. */
  apiKey?: string | undefined;
}

/** The wire form of a convert call: validated, snake_cased, with the defaults filled in. */
interface ConvertWire {
  voiceId: string;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

/** Validate a convert call and turn it into its wire form (against generated/runtime.ts), before anything is sent. */
export function prepareConvert(voiceId: unknown, request: unknown): ConvertWire {
  const op = CONVERT;
  if (typeof voiceId !== "string" || voiceId.trim() === "") {
    invalid("voiceId", `must be a non-empty string, got ${voiceId === "" ? '""' : typeof voiceId}`);
  }
  if (voiceId === "." || voiceId === "..") invalid("voiceId", `cannot be "${voiceId}"`);
  try {
    encodeURIComponent(voiceId);
  } catch {
    invalid("voiceId", "contains an unpaired surrogate; it cannot be encoded into a URL");
  }
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    invalid("request", 'must be an object such as { text: "Hello" }');
  }
  const bodyIn: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  const properties = op.body?.properties;
  for (const [key, value] of Object.entries(request)) {
    if (value === undefined) continue;
    const wire = toSnake(key);
    const param = op.query[wire];
    if (key.includes("_")) {
      const known = wire in op.query || (properties && key in properties);
      invalid(`request.${key}`, `unknown field${known ? didYouMean(key) : ""}`);
    }
    if (param) query[wire] = toWire(value, param, `request.${key}`);
    else bodyIn[key] = value;
  }
  const { text, modelId = DEFAULT_MODEL_ID } = request as { text?: unknown; modelId?: unknown };
  if (typeof text === "string" && text.trim() === "") invalid("request.text", "must not be empty");
  // The model's documented limit, as the API would refuse it (max_character_limit_exceeded), before anything is billed.
  const limit = typeof modelId === "string" ? MODEL_MAX_CHARACTERS[modelId] : undefined;
  // Code points, counted only when the UTF-16 length could be over: a short text costs nothing.
  const length = typeof text === "string" && limit && text.length > limit ? [...text].length : 0;
  if (limit && length > limit) {
    invalid(
      "request.text",
      `has ${length} characters, over the limit of ${limit} for ${modelId}; split it with convertLongForm()`,
    );
  }
  const body = toWire(bodyIn, op.body ?? {}, "request") as Record<string, unknown>;
  // The documented defaults are sent explicitly, so a change of the API's defaults does not change our output.
  query.output_format ??= DEFAULT_OUTPUT_FORMAT;
  body.model_id ??= DEFAULT_MODEL_ID;
  return { voiceId, query, body };
}

/** An output format checked against the spec's list, with convert()'s message (`request.outputFormat: …`). */
export function checkOutputFormat(value: unknown): OutputFormat {
  return toWire(value, CONVERT.query.output_format ?? {}, "request.outputFormat") as OutputFormat;
}

/** The longest timeout, in seconds: runtimes keep a timer for at most 2³¹−1 ms, and fire a longer one at once. */
export const MAX_TIMEOUT_SECONDS = 2_147_483;

const shown = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : String(value));

/**
 * Validate the client's options or one call's (an object; the timeouts, retries, abort signal and key) and give what
 * the transport takes. Headers are checked apart, by checkHeaders.
 */
export function checkRequestOptions(options: unknown, prefix = "requestOptions"): SendOptions {
  if (options == null) return {};
  if (typeof options !== "object") invalid(prefix, `must be an object, got ${typeof options}`);
  const call: SendOptions = {};
  const { timeoutInSeconds, idleTimeoutInSeconds, maxRetries, abortSignal } = options as RequestOptions;
  for (const [name, value, key] of [
    ["timeoutInSeconds", timeoutInSeconds, "timeoutMs"],
    ["idleTimeoutInSeconds", idleTimeoutInSeconds, "idleTimeoutMs"],
  ] as const) {
    if (value === undefined) continue;
    if (typeof value !== "number" || !(value > 0)) {
      invalid(`${prefix}.${name}`, `must be a positive number of seconds, got ${shown(value)}`);
    }
    if (!(value <= MAX_TIMEOUT_SECONDS)) {
      invalid(
        `${prefix}.${name}`,
        `must be at most ${MAX_TIMEOUT_SECONDS} seconds (about 24.8 days, the longest timer runtimes keep), got ${value}`,
      );
    }
    call[key] = value * 1000;
  }
  if (maxRetries !== undefined) {
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      invalid(`${prefix}.maxRetries`, `must be a whole number ≥ 0, got ${shown(maxRetries)}`);
    }
    call.maxRetries = maxRetries;
  }
  if (abortSignal !== undefined && !(abortSignal instanceof AbortSignal)) {
    invalid(`${prefix}.abortSignal`, "must be an AbortSignal (e.g. new AbortController().signal)");
  }
  return call;
}

export class TextToSpeech {
  readonly #raw: Client<paths>;
  readonly #transport: Transport;
  readonly #middleware: readonly Middleware[];

  /** @internal Built by ElevenLabsClient. */
  constructor(raw: Client<paths>, transport: Transport, middleware: readonly Middleware[] = []) {
    this.#raw = raw;
    this.#transport = transport;
    this.#middleware = middleware;
  }

  /**
   * Convert text into speech. Resolves when the response headers arrive, with the audio as a stream that hands over
   * bytes as they arrive; `await audio.bytes()` takes it whole. Rejects with a ValidationError before sending when
   * an argument is invalid, and with an ElevenLabsError subclass when the request fails.
   *
   * @example
   * const audio = await client.textToSpeech.convert("JBFqnCBsd6RMkjVDRZzb", { text: "Hello!" });
   * for await (const chunk of audio) process.stdout.write(chunk);
   */
  convert(
    voiceId: string,
    request: TextToSpeechRequest,
    requestOptions?: RequestOptions,
  ): ResponsePromise<AudioStream> {
    return responsePromise(this.#convert(voiceId, request, requestOptions));
  }

  async #convert(
    voiceId: string,
    request: TextToSpeechRequest,
    options: RequestOptions | undefined,
  ): Promise<WithRawResponse<AudioStream>> {
    const wire = prepareConvert(voiceId, request);
    const call = checkRequestOptions(options);
    const { apiKey, abortSignal } = options ?? {};
    const headers = checkHeaders(options?.headers, "requestOptions.headers");
    if (apiKey !== undefined) call.apiKey = checkApiKey(apiKey, "requestOptions.apiKey");
    call.audio = true;
    // Without middleware, the transport hands the guarded response body over here, and the AudioStream is built on
    // it: one stream layer. Middleware sees web Requests and Responses whose bodies it may read (clone()), so then
    // the audio is taken from the response openapi-fetch hands back.
    const light = this.#middleware.length === 0;
    let audio: AudioStream | undefined;
    if (light) call.onBody = (source, response) => (audio = new AudioStream(source, metadataFrom(response.headers)));
    const { response, data, error } = await this.#raw.POST("/v1/text-to-speech/{voice_id}", {
      params: { path: { voice_id: wire.voiceId }, query: wire.query as ConvertQuery },
      body: wire.body as ConvertBody,
      parseAs: "stream",
      ...(abortSignal ? { signal: abortSignal } : {}),
      ...(headers ? { headers } : {}),
      // The transport reads only url, method, headers, body and signal: no web Request with a body stream to read back.
      ...(light ? { Request: LightRequest as unknown as typeof Request } : {}),
      fetch: (req: Outgoing) => this.#transport(req, call),
    });
    if (audio) return { data: audio, rawResponse: response };
    const { status, statusText, headers: answer } = response;
    if (!response.ok) throw errorFromResponse(status, statusText, answer, error);
    const type = answer.get("content-type") ?? "";
    if (NOT_AUDIO.test(type)) {
      void data?.cancel().catch(() => undefined);
      throw new ElevenLabsError(`the answer to convert() was ${status} ${type.split(";")[0]}, not audio`, {
        statusCode: status,
        headers: answer,
      });
    }
    return { data: new AudioStream(relay(data), metadataFrom(answer)), rawResponse: response };
  }
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
