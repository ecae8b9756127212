// The official SDK's reference, `client.textToSpeech.convertWithTimestamps` → Usage (github.com/elevenlabs/elevenlabs-js,
// reference.md; the same text ships in @elevenlabs/elevenlabs-js 2.73.0). The README has no timestamps example. The
// snippet has no import or client of its own: the import line (changed to elevenlabs-fetch) and `const client` are
// added; the call is verbatim, re-indented by prettier.
import { ElevenLabsClient } from "elevenlabs-fetch";

const client = new ElevenLabsClient();

await client.textToSpeech.convertWithTimestamps("21m00Tcm4TlvDq8ikWAM", {
  enableLogging: true,
  optimizeStreamingLatency: 1,
  outputFormat: "alaw_8000",
  text: "This is a test for the API of ElevenLabs.",
});
