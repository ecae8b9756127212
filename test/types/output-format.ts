// `output_format` is exactly the 21 string literals of the spec.
import type { Equal, Expect } from "./helpers.ts";
import type { paths } from "../../generated/schema.ts";

type Query = NonNullable<paths["/v1/text-to-speech/{voice_id}"]["post"]["parameters"]["query"]>;
type OutputFormat = NonNullable<Query["output_format"]>;

type Spec =
  | "mp3_22050_32"
  | "mp3_24000_48"
  | "mp3_44100_32"
  | "mp3_44100_64"
  | "mp3_44100_96"
  | "mp3_44100_128"
  | "mp3_44100_192"
  | "pcm_8000"
  | "pcm_16000"
  | "pcm_22050"
  | "pcm_24000"
  | "pcm_32000"
  | "pcm_44100"
  | "pcm_48000"
  | "ulaw_8000"
  | "alaw_8000"
  | "opus_48000_32"
  | "opus_48000_64"
  | "opus_48000_96"
  | "opus_48000_128"
  | "opus_48000_192";
export type ExactlyTheSpecFormats = Expect<Equal<OutputFormat, Spec>>;

type Normalization = NonNullable<
  paths["/v1/text-to-speech/{voice_id}"]["post"]["requestBody"]["content"]["application/json"]["apply_text_normalization"]
>;
export type NormalizationLiterals = Expect<Equal<Normalization, "auto" | "on" | "off">>;
