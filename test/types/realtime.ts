// The realtime WebSockets' types, from the AsyncAPI document: Fern's literal<…> and list<…> types, OpenAPI 3.0's
// `nullable`, the channels' query parameters and which messages go which way.
import type { Equal, Expect } from "./helpers.ts";
import type {
  AudioOutput,
  CloseConnection,
  FinalOutput,
  FinalOutputMulti,
  InitializeConnection,
  KeepContextAlive,
  MultiStreamInputPublish,
  RealtimeChannelName,
  RealtimeChannelTypes,
  RealtimeMessageTypes,
  SendText,
  StreamInputParams,
  StreamInputQuery,
  TextToSpeechOutputFormatEnum,
  WebsocketTTSServerMessageMulti,
} from "../../generated/realtime.ts";

// literal<" ">, literal<"">, literal<true>: the one value each.
export type FirstTextIsASpace = Expect<Equal<InitializeConnection["text"], " ">>;
export type CloseTextIsEmpty = Expect<Equal<CloseConnection["text"], "">>;
export type KeepAliveTextIsEmpty = Expect<Equal<KeepContextAlive["text"], "">>;
export type IsFinalIsTrue = Expect<Equal<FinalOutputMulti["isFinal"], true>>;
export type IsFinalMayBeAbsent = Expect<Equal<FinalOutput["isFinal"], true | undefined>>;
export const first: InitializeConnection = { text: " ", voice_settings: { stability: 0.5, speed: 1 } };
// @ts-expect-error the first message's text is a single space
export const notASpace: InitializeConnection = { text: "Hello " };

// list<integer>, list<string>: lists, not unknown.
type Alignment = NonNullable<AudioOutput["alignment"]>;
export type StartTimes = Expect<Equal<Alignment["charStartTimesMs"], number[] | undefined>>;
export type Chars = Expect<Equal<Alignment["chars"], string[] | undefined>>;

// nullable: true on a $ref and on a type.
type Multi = WebsocketTTSServerMessageMulti;
export type NullableRef = Expect<
  Equal<Multi["normalizedAlignment"], RealtimeMessageTypes["AudioOutput"]["normalizedAlignment"] | null>
>;
export type NullableString = Expect<Equal<Multi["audio"], string | null | undefined>>;

// The channels' parameters.
export type VoiceId = Expect<Equal<StreamInputParams, { voice_id: string }>>;
export type Formats = Expect<Equal<StreamInputQuery["output_format"], TextToSpeechOutputFormatEnum | undefined>>;
export type Timeout = Expect<Equal<StreamInputQuery["inactivity_timeout"], number | undefined>>;
export const query: StreamInputQuery = { model_id: "eleven_flash_v2_5", output_format: "pcm_16000", auto_mode: true };
// @ts-expect-error mp3_44100 (the spec's default, not one of its formats) is no format
export const noSuchFormat: StreamInputQuery = { output_format: "mp3_44100" };
// @ts-expect-error no such query parameter
export const unknownParameter: StreamInputQuery = { speaking_rate: 1 };

// Which messages go which way.
export type Channels = Expect<Equal<RealtimeChannelName, "stream-input" | "multi-stream-input">>;
export type Publish = Expect<
  Equal<RealtimeChannelTypes["stream-input"]["publish"], InitializeConnection | SendText | CloseConnection>
>;
export type Subscribe = Expect<Equal<RealtimeChannelTypes["stream-input"]["subscribe"], AudioOutput | FinalOutput>>;
export type Flush = Expect<Equal<RealtimeMessageTypes["FlushContextClient"]["flush"], boolean>>;
export const flush: MultiStreamInputPublish = { context_id: "a", flush: true };
