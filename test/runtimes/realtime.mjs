// Run by test/runtimes/runtimes.test.ts under Node 20 (with and without ws), Node 22, Deno and Bun, from a folder where
// the packed package is installed as a user installs it: one realtime session (streamInput) against the local server.
import { ElevenLabsClient, streamInput } from "elevenlabs-fetch";

const { Deno, Bun, process } = /** @type {any} */ (globalThis);
const runtime = Deno ? "deno" : Bun ? "bun" : "node";
const version = Deno ? Deno.version.deno : Bun ? Bun.version : process.versions.node;
const text = `Realtime from ${runtime}, ${version}.`;

async function* tokens() {
  for (const word of text.split(/(?=\s)/)) yield word;
}

const client = new ElevenLabsClient();
try {
  const audio = await streamInput(client, "JBFqnCBsd6RMkjVDRZzb", tokens(), { timeoutInSeconds: 20 });
  const bytes = await audio.bytes();
  const alignment = await audio.alignment();
  console.log(
    JSON.stringify({
      runtime,
      version,
      text,
      globalWebSocket: typeof globalThis.WebSocket === "function",
      bytes: bytes.byteLength,
      characters: alignment.characters.join(""),
      contentType: audio.contentType,
    }),
  );
} catch (error) {
  console.log(
    JSON.stringify({
      runtime,
      version,
      error: error.name,
      message: error.message,
      installCommand: error.installCommand,
    }),
  );
}
