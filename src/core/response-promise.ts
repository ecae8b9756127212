import { ElevenLabsError } from "./errors.js";

/**
 * A promise of the parsed result that also offers `.withRawResponse()`, as the official SDK's HttpResponsePromise
 * does: `const { data, rawResponse } = await client.textToSpeech.convert(…).withRawResponse()`.
 */
export interface WithRawResponse<T> {
  data: T;
  rawResponse: Response;
}

export type ResponsePromise<T> = Promise<T> & {
  /** The result together with the HTTP response it came from (status, headers). */
  withRawResponse(): Promise<WithRawResponse<T>>;
};

/** The facade's promise: anything thrown that is not an ElevenLabsError (a middleware's bug) becomes one. */
export function responsePromise<T>(result: Promise<WithRawResponse<T>>): ResponsePromise<T> {
  const raw = result.catch((cause: unknown) => {
    throw cause instanceof ElevenLabsError
      ? cause
      : new ElevenLabsError(`unexpected error: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  });
  const data = raw.then((r) => r.data);
  // Whoever only awaits withRawResponse() must not get an "unhandled rejection" from this twin.
  data.catch(() => undefined);
  return Object.assign(data, { withRawResponse: () => raw });
}
