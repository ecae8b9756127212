// The local server, as a test of the user's own code uses it (Node types).
import { ElevenLabsClient } from "elevenlabs-fetch";
import { startMockServer, type MockServer } from "elevenlabs-fetch/mock";

const mock: MockServer = await startMockServer({ engine: "tone" });
const client = new ElevenLabsClient({ apiKey: "any", baseUrl: mock.url });
await (await client.textToSpeech.convert("voice", { text: "Hi" })).bytes();
const recorded: number = mock.requests.length;
await mock.close();
export { recorded };
