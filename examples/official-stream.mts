// The official SDK's README, section "Streaming" (github.com/elevenlabs/elevenlabs-js, README.md; the same text ships
// in @elevenlabs/elevenlabs-js 2.73.0). The snippet has no import or client of its own: the import line and the
// client are the README's first example's, and the import line is the one line changed (@elevenlabs/elevenlabs-js →
// elevenlabs-fetch, importing `stream` instead of `play`). Otherwise verbatim, re-indented by prettier.
import { ElevenLabsClient, stream } from "elevenlabs-fetch";

const elevenlabs = new ElevenLabsClient({
  apiKey: "YOUR_API_KEY", // Defaults to process.env.ELEVENLABS_API_KEY
});

const audioStream = await elevenlabs.textToSpeech.stream("JBFqnCBsd6RMkjVDRZzb", {
  text: "This is a... streaming voice",
  modelId: "eleven_multilingual_v2",
});

stream(audioStream);
