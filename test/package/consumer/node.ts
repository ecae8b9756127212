// Node-only patterns of migrated code (compiled with @types/node, with and without DOM).
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { ElevenLabsClient, play, PlayerNotFoundError, stream } from "elevenlabs-fetch";

const elevenlabs = new ElevenLabsClient();
const audio = await elevenlabs.textToSpeech.convert("JBFqnCBsd6RMkjVDRZzb", {
  text: "The first move is what sets everything in motion.",
  modelId: "eleven_multilingual_v2",
  outputFormat: "mp3_44100_128",
});
// With DOM in `lib` too, the global ReadableStream is the DOM's, which @types/node's Readable.fromWeb does not take
// (the same for fetch's response.body and the official SDK's result): say which one it is. Without DOM
// (node-only.ts) no cast is needed.
await pipeline(Readable.fromWeb(audio as unknown as NodeReadableStream<Uint8Array>), createWriteStream("speech.mp3"));
try {
  await play(audio);
  await stream(audio);
} catch (error) {
  if (error instanceof PlayerNotFoundError) console.error(error.message);
}
