/**
 * The spec's defaults for what the facade always sends, read from generated/runtime.ts (so a new spec's defaults flow
 * through): convert() sends them when the caller leaves them out, and long-form and the CLI need them before a request
 * is built. test/client/convert.test.ts ("sends the defaults explicitly") fails if the spec loses either.
 */
import { textToSpeechConvert as CONVERT } from "../generated/runtime.js";
import type { OutputFormat } from "./text-to-speech.js";

export const DEFAULT_OUTPUT_FORMAT = CONVERT.query.output_format?.default as OutputFormat;
export const DEFAULT_MODEL_ID = CONVERT.body?.properties?.model_id?.default as string;
