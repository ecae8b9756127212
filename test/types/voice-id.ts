// `voice_id` is required, and the API key is not a per-call parameter (it is a security scheme).
import type { Equal, Expect } from "./helpers.ts";
import type { paths } from "../../generated/schema.ts";

type Params = paths["/v1/text-to-speech/{voice_id}"]["post"]["parameters"];

export const params: Params = { path: { voice_id: "JBFqnCBsd6RMkjVDRZzb" } };
export type VoiceIdIsAString = Expect<Equal<Params["path"], { voice_id: string }>>;

// @ts-expect-error voice_id is required
export const missing: Params = { path: {} };
