// Stream a longer text to a file as the audio arrives, with a progress line (bytes and elapsed time).
//
//   ELEVENLABS_API_KEY=… npx tsx examples/stream-to-file.mts [out.mp3]
//
// (ELEVENLABS_BASE_URL points it at another server, such as the local one: `npx elevenlabs-fetch mock`.)
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { rm } from "node:fs/promises";
import { finished } from "node:stream/promises";
import { ElevenLabsClient } from "elevenlabs-fetch";

const out = process.argv[2] ?? "long-speech.mp3";
const text = [
  "The first move is what sets everything in motion.",
  "A long text does not have to arrive all at once: the audio is written to the file chunk by chunk,",
  "while the rest is still being generated, so the first seconds are on disk long before the last ones.",
  "Nothing is buffered in memory beyond the chunk in hand, which keeps even an hour of narration cheap.",
  "When the stream ends, the file is complete, and the request id is printed for the logs.",
].join(" ");

const client = new ElevenLabsClient(); // reads ELEVENLABS_API_KEY (and ELEVENLABS_BASE_URL when set)
const started = performance.now();
const audio = await client.textToSpeech.convert("JBFqnCBsd6RMkjVDRZzb", {
  text,
  modelId: "eleven_multilingual_v2",
  outputFormat: "mp3_44100_128",
});

const seconds = () => ((performance.now() - started) / 1000).toFixed(2);
// On a terminal the progress line rewrites itself; in a log it is one line per update, at most every 250 ms.
const tty = process.stderr.isTTY;
let lastShown = 0;
const progress = (bytes: number, force = false) => {
  if (!force && performance.now() - lastShown < 250) return;
  lastShown = performance.now();
  process.stderr.write(`${tty ? "\r" : ""}${(bytes / 1024).toFixed(1)} kB in ${seconds()} s${tty ? "" : "\n"}`);
};

const file = createWriteStream(out);
let bytes = 0;
try {
  // The audio is a web ReadableStream: `for await` hands over each chunk as it arrives.
  for await (const chunk of audio) {
    bytes += chunk.byteLength;
    progress(bytes);
    if (!file.write(chunk)) await once(file, "drain"); // let the disk catch up
  }
  file.end();
  await finished(file);
} catch (error) {
  // A stream that breaks off (timeout, reset) leaves no half-written file behind.
  file.destroy();
  await rm(out, { force: true });
  throw error;
}
progress(bytes, true);
if (tty) process.stderr.write("\n");
console.log(`saved ${bytes} bytes to ${out} in ${seconds()} s (request-id ${audio.requestId ?? "none"})`);
