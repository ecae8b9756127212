// The 200 response is typed as binary (Blob), not string.
import type { Equal, Expect } from "./helpers.ts";
import type { paths } from "../../generated/schema.ts";

type Responses = paths["/v1/text-to-speech/{voice_id}"]["post"]["responses"];
type Ok = Responses[200]["content"];

export type OkIsBinary = Expect<Equal<Ok, { "application/octet-stream": Blob }>>;
// The 422 has no body in the spec: after normalisation it is optional `never`, not an empty record.
export type UnprocessableHasNoContent = Expect<Equal<Responses[422]["content"], never | undefined>>;
