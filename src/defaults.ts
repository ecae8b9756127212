/**
 * The spec's defaults for what the facade always sends, read from generated/runtime.ts (so a new spec's defaults flow
 * through): for code that needs them before a request is built (long-form limits, the CLI's file extension).
 */
import { textToSpeechConvert as CONVERT } from "../generated/runtime.js";
import type { OutputFormat } from "./text-to-speech.js";

export const DEFAULT_OUTPUT_FORMAT = String(CONVERT.query.output_format?.default) as OutputFormat;
export const DEFAULT_MODEL_ID = String(CONVERT.body?.properties?.model_id?.default);
