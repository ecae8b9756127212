// Code a migrated user writes, compiled as a consumer of the packed package (test/package/pack.test.ts), with and
// without DOM, with and without skipLibCheck, with TypeScript 5.9 and 7. Web-standard types only: it compiles in a
// browser project too.
import {
  AudioStream,
  convertLongForm,
  ElevenLabsClient,
  ElevenLabsError,
  toWebVtt,
  ValidationError,
  words,
  type OutputFormat,
  type RequestOptions,
  type TextToSpeechRequest,
} from "elevenlabs-fetch";

// The official README's quickstart, with only the import line changed.
const elevenlabs = new ElevenLabsClient({ apiKey: "sk_test" });
const audio = await elevenlabs.textToSpeech.convert("JBFqnCBsd6RMkjVDRZzb", {
  text: "The first move is what sets everything in motion.",
  modelId: "eleven_multilingual_v2",
  outputFormat: "mp3_44100_128",
});

// An AudioStream is a ReadableStream<Uint8Array> and a BodyInit.
const stream: ReadableStream<Uint8Array> = audio;
const response = new Response(audio);
const blob: Promise<Blob> = new Response(stream).blob();
for await (const chunk of audio) {
  const bytes: Uint8Array = chunk;
  void bytes;
}
const reader = audio.getReader();
const first = await reader.read();
if (!first.done) first.value satisfies Uint8Array;
const whole: Uint8Array = await audio.bytes();
const metadata: [string | undefined, number | undefined] = [audio.requestId, audio.characterCost];

// withRawResponse, request options, errors.
const { data, rawResponse } = await elevenlabs.textToSpeech
  .convert("JBFqnCBsd6RMkjVDRZzb", { text: "Hi" }, { timeoutInSeconds: 30, maxRetries: 1, apiKey: "sk_user" })
  .withRawResponse();
data satisfies AudioStream;
const status: number = rawResponse.status;
const options: RequestOptions = { abortSignal: AbortSignal.timeout(1000), headers: { "x-trace": "1" } };
// A multi-tenant server's key, which may be absent: no spread needed, also with exactOptionalPropertyTypes.
const tenantKey: string | undefined = Math.random() > 2 ? undefined : "sk_tenant";
await elevenlabs.textToSpeech.convert("voice", { text: "Hi" }, { apiKey: tenantKey, timeoutInSeconds: undefined });
const request: TextToSpeechRequest = { text: "Hi", voiceSettings: { stability: 0.5 }, seed: 1 };
const format: OutputFormat = "pcm_16000";
try {
  await elevenlabs.textToSpeech.convert("voice", request, options);
} catch (error) {
  if (error instanceof ValidationError) console.log(error.field);
  else if (error instanceof ElevenLabsError) console.log(error.statusCode, error.requestId);
}

// Long-form audio is an AudioStream too: `for await` compiles without DOM.AsyncIterable in lib.
for await (const chunk of convertLongForm(elevenlabs, "voice", { text: "A long text." })) chunk satisfies Uint8Array;

// The low-level client: `data` is set (a failing status throws).
const raw = await elevenlabs.raw.POST("/v1/text-to-speech/{voice_id}", {
  params: { path: { voice_id: "JBFqnCBsd6RMkjVDRZzb" }, query: { output_format: format } },
  body: { text: "Hello" },
  parseAs: "arrayBuffer",
});
const rawBytes: number = raw.data.byteLength;

// The rest of the text-to-speech family, as the official SDK names it, generated from the spec.
const streamed: AudioStream = await elevenlabs.textToSpeech.stream("voice", { text: "Hi" });
const timed = await elevenlabs.textToSpeech.convertWithTimestamps("voice", { text: "Hi" }, { maxRetries: 0 });
const decoded: Uint8Array = timed.audio;
const captions: string = timed.alignment ? toWebVtt(words(timed.alignment)) : "";
for await (const chunk of await elevenlabs.textToSpeech.streamWithTimestamps("voice", { text: "Hi" })) {
  chunk.audio satisfies Uint8Array;
  chunk.alignment?.characterEndTimesSeconds satisfies number[] | undefined;
}
const models = await elevenlabs.models.list();
const names: string[] = models.map((m) => m.name ?? m.modelId);
for await (const voice of elevenlabs.voices.search({ pageSize: 10, search: "narr" })) voice.voiceId satisfies string;
const page = await elevenlabs.voices.search();
const next = await page.getNextPage();
const { characterCount, characterLimit } = await elevenlabs.user.subscription.get();
const book = convertLongForm(elevenlabs, "voice", { text: "A long text." }, { timestamps: true });
const timeline = await book.alignment();
timeline.characterStartTimesSeconds satisfies readonly number[];

export { blob, metadata, response, rawBytes, status, whole };
export { captions, characterCount, characterLimit, decoded, names, next, streamed };
