/**
 * elevenlabs-fetch: a tiny typed client for the ElevenLabs Text-to-Speech API. Browser-safe: web-standard APIs only.
 */
export { ElevenLabsClient, ElevenLabsEnvironment, type ElevenLabsClientOptions } from "./client.js";
export type { OutputFormat, TextToSpeech, TextToSpeechRequest, VoiceSettings } from "./text-to-speech.js";
export type { RequestOptions } from "./request-options.js";
export {
  JsonStream,
  type Answer,
  type Page,
  type PagePromise,
  type Request,
  type Result,
  type WithAudio,
} from "./facade.js";
export type { Facade } from "../generated/facade.js";
export { AudioStream, type AudioMetadata } from "./audio.js";
export {
  convertLongForm,
  splitText,
  LongFormChunkError,
  TimedAudioStream,
  MODEL_MAX_CHARACTERS,
  maxCharactersFor,
  type LongFormOptions,
  type LongFormProgress,
  type TextChunk,
} from "./long-form.js";
export { words, toSrt, toWebVtt, type Alignment, type CaptionOptions, type TimedWord } from "./captions.js";
export type { ResponsePromise, WithRawResponse } from "./core/response-promise.js";
export type { Hooks, RequestErrorEvent, RequestEvent, ResponseEvent } from "./core/transport.js";
export {
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  ElevenLabsAbortError,
  ElevenLabsError,
  ElevenLabsTimeoutError,
  NotFoundError,
  MissingDependencyError,
  QuotaExceededError,
  RateLimitError,
  RealtimeError,
  ServerError,
  UnprocessableEntityError,
  ValidationError,
  type ValidationIssue,
} from "./core/errors.js";
export {
  streamInput,
  connectStreamInput,
  connectMultiStreamInput,
  MultiContextSession,
  RealtimeAudioStream,
  RealtimeContext,
  RealtimeSession,
} from "./realtime/index.js";
export type {
  ContextSettings,
  MultiContextOptions,
  RealtimeChunk,
  RealtimeConnectionOptions,
  StreamInputOptions,
  StreamInputParameters,
  StreamInputSettings,
  TextSource,
  WebSocketConstructor,
  WebSocketEventLike,
  WebSocketLike,
} from "./realtime/types.js";
export type { paths, components, operations } from "../generated/schema.js";
