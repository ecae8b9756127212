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

export function responsePromise<T>(raw: Promise<WithRawResponse<T>>): ResponsePromise<T> {
  const data = raw.then((r) => r.data);
  // Whoever only awaits withRawResponse() must not get an "unhandled rejection" from this twin.
  data.catch(() => undefined);
  return Object.assign(data, { withRawResponse: () => raw });
}
