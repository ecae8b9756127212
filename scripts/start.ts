/**
 * `npm start`: synthesise the quickstart sentence to ./speech.mp3. Against the real API when ELEVENLABS_API_KEY is
 * set; otherwise against the local ElevenLabs-compatible server, started in this process (no key, no network).
 */
import { ElevenLabsClient } from "../src/index.ts";
import { explain } from "../src/node/cli.ts";
import { speak } from "../src/node/speak.ts";

const TEXT = "The first move is what sets everything in motion.";
const VOICE = "JBFqnCBsd6RMkjVDRZzb";

const realKey = process.env.ELEVENLABS_API_KEY?.trim();
let close: (() => Promise<void>) | undefined;
let client: ElevenLabsClient;
if (realKey) {
  client = new ElevenLabsClient({ apiKey: realKey });
  console.log(`Using the ElevenLabs API at ${client.baseUrl} (ELEVENLABS_API_KEY is set).`);
} else {
  const { startMockServer } = await import("../src/mock/index.ts");
  const mock = await startMockServer();
  close = mock.close;
  client = new ElevenLabsClient({ apiKey: "local", baseUrl: mock.url });
  console.log(`No ELEVENLABS_API_KEY set: using the embedded local ElevenLabs-compatible server at ${mock.url}.`);
}

try {
  const result = await speak(client, {
    text: TEXT,
    voiceId: VOICE,
    modelId: "eleven_multilingual_v2",
    outputFormat: "mp3_44100_128",
    out: "speech.mp3",
  });
  console.log(`file:       ${result.file}`);
  console.log(`bytes:      ${result.bytes}`);
  console.log(`duration:   ${result.durationSeconds.toFixed(2)} s`);
  console.log(`format:     ${result.format} (${result.contentType ?? "?"})`);
  console.log(`request id: ${result.requestId ?? "(none)"}`);
} catch (error) {
  const { message, code } = explain(error, client.baseUrl);
  console.error(message);
  process.exitCode = code;
} finally {
  await close?.();
}
