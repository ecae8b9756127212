// The official SDK's reference, `client.textToSpeech.streamWithTimestamps` → Usage (github.com/elevenlabs/elevenlabs-js,
// reference.md; the same text ships in @elevenlabs/elevenlabs-js 2.73.0). The snippet has no import or client of its
// own: the import line (changed to elevenlabs-fetch) and `const client` are added; the rest is verbatim, re-indented
// by prettier.
import { ElevenLabsClient } from "elevenlabs-fetch";

const client = new ElevenLabsClient();

const response = await client.textToSpeech.streamWithTimestamps("JBFqnCBsd6RMkjVDRZzb", {
  outputFormat: "mp3_44100_128",
  text: "The first move is what sets everything in motion.",
  modelId: "eleven_multilingual_v2",
});
for await (const item of response) {
  console.log(item);
}
