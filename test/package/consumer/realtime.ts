// The realtime functions as a user writes them, compiled against the shipped .d.ts (test/package/pack.test.ts): in a
// browser project, a Node project without DOM, and one with both. Web-standard types only.
import {
  AudioStream,
  AuthenticationError,
  connectMultiStreamInput,
  connectStreamInput,
  ElevenLabsClient,
  RealtimeError,
  streamInput,
  toWebVtt,
  type Alignment,
  type RealtimeChunk,
  type StreamInputOptions,
} from "elevenlabs-fetch";

const client = new ElevenLabsClient({ apiKey: "sk_test" });

async function* llmTokens(): AsyncGenerator<string> {
  yield "Hello ";
  yield "wor";
  yield "ld.";
}

// The options: the channel's query parameters and the first message's settings, camelCased, and the connection's.
const signal: AbortSignal | undefined = Math.random() > 2 ? undefined : AbortSignal.timeout(60_000);
const options: StreamInputOptions = {
  modelId: "eleven_flash_v2_5",
  outputFormat: "mp3_44100_128",
  voiceSettings: { stability: 0.5, similarityBoost: 0.75 },
  generationConfig: { chunkLengthSchedule: [120, 160, 250, 290] },
  autoMode: false,
  syncAlignment: true,
  inactivityTimeout: 20,
  abortSignal: signal,
  idleTimeoutInSeconds: undefined,
  apiKey: null,
};

// The result is an AudioStream (a ReadableStream of bytes), with the alignment beside it.
const audio = await streamInput(client, "JBFqnCBsd6RMkjVDRZzb", llmTokens(), options);
const asStream: ReadableStream<Uint8Array> = audio;
const asAudio: AudioStream = audio;
void [asStream, asAudio];
for await (const chunk of audio.alignmentChunks()) chunk.characterStartTimesSeconds satisfies readonly number[];
const whole: Alignment = await audio.alignment();
const vtt: string = toWebVtt(whole);
void vtt;
await streamInput(client, "voice", "One string.");
await streamInput(client, "voice", ["An", " array."]);
await streamInput(client, "voice", new ReadableStream<string>());

// The session.
const session = await connectStreamInput(client, "voice", { outputFormat: "pcm_16000" });
await session.send("Hello ");
await session.flush();
await session.close();
for await (const chunk of session) {
  const part: RealtimeChunk = chunk;
  part.audio satisfies Uint8Array;
  part.alignment?.characters satisfies readonly string[] | undefined;
}
await session.finished;
const buffered: number = session.bufferedAudioBytes;
void buffered;

// Several contexts on one socket.
const multi = await connectMultiStreamInput(client, "voice", { modelId: "eleven_flash_v2_5" });
const context = multi.context("narrator", { voiceSettings: { speed: 1.1 } });
await context.send("Once upon a time ");
await context.keepAlive();
await context.close();
const narration: Uint8Array = await context.audio().bytes();
void narration;
await multi.close();
multi.abort();

try {
  await session.finished;
} catch (error) {
  if (error instanceof RealtimeError) console.log(error.closeCode, error.reason, error.errorType);
  else if (error instanceof AuthenticationError) console.log(error.body);
}
