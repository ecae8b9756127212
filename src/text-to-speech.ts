/** `client.textToSpeech`: the official SDK's text-to-speech names, with the types the spec gives them. */
import type { Facade } from "../generated/facade.js";
import { textToSpeechConvert as CONVERT, type OperationData } from "../generated/runtime.js";
import type { Request } from "./facade.js";
import { toWire } from "./validate.js";

/** The body and query parameters of "Create speech", camelCased: `{ text, modelId, outputFormat, voiceSettings, … }`. */
export type TextToSpeechRequest = Request<"/v1/text-to-speech/{voice_id}", "post">;
/** One of the spec's output formats, such as `"mp3_44100_128"`. */
export type OutputFormat = NonNullable<TextToSpeechRequest["outputFormat"]>;
/** Voice settings overriding the stored ones for one request. */
export type VoiceSettings = NonNullable<TextToSpeechRequest["voiceSettings"]>;
/** `client.textToSpeech`: convert, stream, convertWithTimestamps, streamWithTimestamps (as the spec gives them). */
export type TextToSpeech = Facade["textToSpeech"];

/**
 * An output format checked against an operation's list in the spec (convert's by default), with the facade's message
 * (`request.outputFormat: …`).
 */
export function checkOutputFormat(value: unknown, operation: OperationData = CONVERT): OutputFormat {
  return toWire(value, operation.query.output_format ?? {}, "request.outputFormat") as OutputFormat;
}
