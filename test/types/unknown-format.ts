// An unknown output format is a type error (and a known one is not).
import type { paths } from "../../generated/schema.ts";

type Query = NonNullable<paths["/v1/text-to-speech/{voice_id}"]["post"]["parameters"]["query"]>;
type OutputFormat = NonNullable<Query["output_format"]>;

export const known: OutputFormat = "mp3_44100_128";
// @ts-expect-error not a format of the spec
export const unknown: OutputFormat = "mp3_48000_320";
