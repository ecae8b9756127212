// A Node project without DOM in `lib`: the global ReadableStream is Node's, and an AudioStream goes to Node's stream
// helpers as it is.
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ElevenLabsClient } from "elevenlabs-fetch";

const audio = await new ElevenLabsClient().textToSpeech.convert("JBFqnCBsd6RMkjVDRZzb", { text: "Hi" });
await pipeline(Readable.fromWeb(audio), createWriteStream("speech.mp3"));
for await (const chunk of audio.values({ preventCancel: true })) chunk satisfies Uint8Array;
