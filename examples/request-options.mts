// Per-request options: timeouts, retries, an abort signal, extra headers, and the error class for each failure.
//
// It asks the local server for its failures with the `x-mock-fault` header, so run it against that server:
//
//   npx elevenlabs-fetch mock --port 8787 &      # in this repository: node dist/src/node/cli.js mock --port 8787
//   ELEVENLABS_API_KEY=any ELEVENLABS_BASE_URL=http://127.0.0.1:8787 npx tsx examples/request-options.mts
import {
  ElevenLabsAbortError,
  ElevenLabsClient,
  ElevenLabsError,
  ElevenLabsTimeoutError,
  RateLimitError,
  ValidationError,
  type TextToSpeechRequest,
} from "elevenlabs-fetch";

const VOICE = "JBFqnCBsd6RMkjVDRZzb";
const request: TextToSpeechRequest = { text: "Options for one request at a time.", outputFormat: "mp3_44100_128" };

const client = new ElevenLabsClient({
  // Client-wide defaults; every one of them can be overridden per request.
  timeoutInSeconds: 60,
  maxRetries: 2,
  // Hooks see every attempt (never the API key): here, the failed ones.
  onError: ({ attempt, error, willRetry }) =>
    console.log(`  attempt ${attempt}: ${error.name} ${error.statusCode ?? ""}${willRetry ? ", retrying" : ""}`),
});

/** One line per failure, by error class: the most specific first, ElevenLabsError (the base class) last. */
function explain(error: unknown): string {
  if (error instanceof ValidationError) return `ValidationError, not sent: ${error.message}`;
  if (error instanceof ElevenLabsTimeoutError) {
    const waitingFor = error.phase === "headers" ? "the response" : "more audio";
    return `ElevenLabsTimeoutError: gave up waiting for ${waitingFor}: ${error.message}`;
  }
  if (error instanceof ElevenLabsAbortError) return `ElevenLabsAbortError (name "${error.name}"): ${error.message}`;
  if (error instanceof RateLimitError) return `RateLimitError ${error.statusCode}: ${error.message}`;
  if (error instanceof ElevenLabsError) return `${error.name} ${error.statusCode ?? ""}: ${error.message}`;
  throw error; // not from the client: a bug here
}

async function attempt(label: string, run: () => Promise<string>): Promise<void> {
  const started = performance.now();
  let outcome: string;
  try {
    outcome = `ok: ${await run()}`;
  } catch (error) {
    outcome = explain(error);
  }
  console.log(`${label} (${Math.round(performance.now() - started)} ms): ${outcome}`);
}

// 1. A tighter timeout and fewer retries than the client's, for one call.
await attempt("timeoutInSeconds 10, maxRetries 0", async () => {
  const audio = await client.textToSpeech.convert(VOICE, request, { timeoutInSeconds: 10, maxRetries: 0 });
  return `${(await audio.bytes()).byteLength} bytes, request-id ${audio.requestId}`;
});

// 2. Invalid arguments are refused before anything is sent.
await attempt("invalid outputFormat", async () => {
  const bad = { ...request, outputFormat: "mp3_44100_999" } as unknown as TextToSpeechRequest;
  await client.textToSpeech.convert(VOICE, bad);
  return "sent?!";
});

// 3. The server sends the headers, then nothing: `timeoutInSeconds` covers the wait for the response headers,
//    `idleTimeoutInSeconds` the wait for each next chunk of the body. Without one a stalled stream hangs forever.
await attempt("stalled body, idleTimeoutInSeconds 0.5", async () => {
  const audio = await client.textToSpeech.convert(VOICE, request, {
    timeoutInSeconds: 5,
    idleTimeoutInSeconds: 0.5,
    headers: { "x-mock-fault": "stall-after-headers" },
  });
  return `${(await audio.bytes()).byteLength} bytes`;
});

// 4. 429 on every attempt: retried maxRetries times, honouring the server's retry-after-ms, then thrown.
await attempt("429 every time, maxRetries 2", async () => {
  await client.textToSpeech.convert(VOICE, request, {
    maxRetries: 2,
    headers: { "x-mock-fault": "429:retry-after-ms=100" },
  });
  return "no 429?!";
});

// 5. Abort from the outside while the audio trickles in: the signal also covers the body, not only the headers.
await attempt("abortSignal after 300 ms", async () => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 300);
  let received = 0;
  try {
    const audio = await client.textToSpeech.convert(VOICE, request, {
      abortSignal: controller.signal,
      headers: { "x-mock-fault": "slow-drip:bytes=256,interval=20" },
    });
    for await (const chunk of audio) received += chunk.byteLength;
    return `${received} bytes, not aborted?!`;
  } catch (error) {
    console.log(`  ${received} bytes had arrived`);
    throw error;
  } finally {
    clearTimeout(timer);
  }
});
