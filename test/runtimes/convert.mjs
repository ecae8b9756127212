// Run by test/runtimes/runtimes.test.ts under Node, Deno and Bun, from a folder where the packed package is installed
// as a user installs it. ELEVENLABS_API_KEY and ELEVENLABS_BASE_URL point it at the local server.
import { ElevenLabsClient } from "elevenlabs-fetch";

const { Deno, Bun, process } = /** @type {any} */ (globalThis);
const runtime = Deno ? "deno" : Bun ? "bun" : "node";
const version = Deno ? Deno.version.deno : Bun ? Bun.version : process.versions.node;

const client = new ElevenLabsClient();
const audio = await client.textToSpeech.convert("JBFqnCBsd6RMkjVDRZzb", { text: `Hello from ${runtime}.` });
const bytes = await audio.bytes();
console.log(
  JSON.stringify({
    runtime,
    version,
    resolved: import.meta.resolve("elevenlabs-fetch"),
    bytes: bytes.byteLength,
    requestId: audio.requestId,
    contentType: audio.contentType,
  }),
);
