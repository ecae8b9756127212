/**
 * How the realtime endpoints end a socket: the close codes, the error message sent just before the close frame, and
 * the API's own words where they are known.
 *
 * Sources, for what the API is seen to do:
 * - Before closing for a reason, the API sends one JSON message `{"message", "error", "code"}` whose `code` is the
 *   close code that follows (seen in users' logs, for example livekit/agents#218, and read by elevenlabs-python's
 *   `convert_realtime`, which raises the last message that has a `message`).
 * - Inactivity: 1008 (policy violation), `error: "input_timeout_exceeded"`, and the message below (quoted by an
 *   ElevenLabs maintainer in elevenlabs/elevenlabs-docs#426).
 * - A close frame's reason holds at most 123 bytes; the API cuts its message to 120 characters there (the close
 *   reason in elevenlabs/elevenlabs-docs#426 ends "…Please make sure to eit").
 * - The quota: 1008 with the HTTP API's `quota_exceeded` message (elevenlabs/elevenlabs-python#282).
 * - voice_settings changed after the first message: 1008, "voice_settings field must be provided in the first
 *   message and then either be not provided or not change." (pipecat-ai/pipecat#4541).
 * - Server error: 1011, RFC 6455's internal error, with the words the API uses when something went wrong on its side
 *   (pipecat-ai/pipecat#1426, where they came with 1008).
 * - The end of input: the remaining audio, `{"isFinal": true}`, then a normal close (1000: elevenlabs-python's
 *   `convert_realtime` takes any other code as an error).
 *
 * Not documented, so chosen here: a refused key (1008, `invalid_api_key`, the HTTP API's "Invalid API key"), a bad
 * query parameter or message (1008, `invalid_parameter` / `invalid_message`, naming the field), a binary message (1003,
 * unsupported data), and a missing `ws` package (1011, `missing_dependency`).
 */

export const CLOSE = {
  normal: 1000,
  unsupportedData: 1003,
  policyViolation: 1008,
  internalError: 1011,
} as const;

/** One of the API's error messages, sent before the close frame of the same code. */
export interface ErrorMessage {
  message: string;
  error: string;
  code: number;
}

/** The close frame's reason: the message cut to 120 characters, and never past the protocol's 123 bytes. */
export function closeReason(message: string): string {
  let reason = [...message].slice(0, 120).join("");
  while (Buffer.byteLength(reason) > 123) reason = [...reason].slice(0, -1).join("");
  return reason;
}

export const inactivity = (seconds: number): ErrorMessage => ({
  message:
    `Have not received a new text input within the timeout of ${seconds} seconds. Streaming input terminated. ` +
    'Please make sure to either feed the input in the timely manner, or to send the end of input text (empty string "") when done.',
  error: "input_timeout_exceeded",
  code: CLOSE.policyViolation,
});

export const invalidKey = (missing: boolean, header: string): ErrorMessage => ({
  message: missing
    ? `Missing API key: send it in the ${header} header, as the authorization query parameter, or as xi_api_key in the first message`
    : "Invalid API key",
  error: "invalid_api_key",
  code: CLOSE.policyViolation,
});

/** A refusal by policy (1008) with the API's `error` name. */
const policy =
  (error: string) =>
  (message: string): ErrorMessage => ({ message, error, code: CLOSE.policyViolation });

export const quotaExceeded = policy("quota_exceeded");
export const invalidParameter = policy("invalid_parameter");
export const invalidMessage = policy("invalid_message");

/** A setting of the first message sent again with another value. */
export const settingChanged = (field: string): ErrorMessage =>
  invalidMessage(`${field} field must be provided in the first message and then either be not provided or not change.`);

export const binaryMessage = (): ErrorMessage => ({
  message: "Messages must be JSON text; a binary message is not accepted",
  error: "invalid_message",
  code: CLOSE.unsupportedData,
});

export const internalError = (detail?: string): ErrorMessage => ({
  message: `We are sorry, something went wrong. You are not charged for this request.${detail ? ` (${detail})` : ""}`,
  error: "internal_error",
  code: CLOSE.internalError,
});
