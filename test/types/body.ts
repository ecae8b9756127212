// `{ text }` alone is a valid body, and only `text` is required.
import type { Equal, Expect } from "./helpers.ts";
import type { paths } from "../../generated/schema.ts";

type Convert = paths["/v1/text-to-speech/{voice_id}"]["post"];
type Body = Convert["requestBody"]["content"]["application/json"];

export const body: Body = { text: "The first move is what sets everything in motion." };

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
export type OnlyTextRequired = Expect<Equal<RequiredKeys<Body>, "text">>;
// The body itself is required (the normaliser marks it so).
export type BodyRequired = Expect<Equal<RequiredKeys<Convert>, "parameters" | "requestBody" | "responses">>;

// @ts-expect-error text is required
export const noText: Body = { model_id: "eleven_multilingual_v2" };
