// Bundled by test/runtimes/runtimes.test.ts with esbuild for the browser, no externals: quickstart-style code on the
// package's browser entry (the `default` export condition), which must not pull in anything from Node.
import { ElevenLabsClient, play } from "elevenlabs-fetch";

const elevenlabs = new ElevenLabsClient({ apiKey: "placeholder", baseUrl: "http://127.0.0.1:8080" });
const audio = await elevenlabs.textToSpeech.convert("JBFqnCBsd6RMkjVDRZzb", {
  text: "The first move is what sets everything in motion.",
  modelId: "eleven_multilingual_v2",
  outputFormat: "mp3_44100_128",
});
await play(audio);
