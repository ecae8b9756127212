// The typed low-level client: `client.raw` is openapi-fetch over every path of the spec, with the wire names
// (snake_case) as the API documents them, and the same auth, retries, timeouts and errors as the facade.
//
//   ELEVENLABS_API_KEY=… npx tsx examples/raw-client.mts [out.mp3]
import { writeFile } from "node:fs/promises";
import { ElevenLabsClient, ElevenLabsError } from "elevenlabs-fetch";

const out = process.argv[2] ?? "raw-speech.mp3";
const voice_id = "JBFqnCBsd6RMkjVDRZzb";
const client = new ElevenLabsClient(); // reads ELEVENLABS_API_KEY (and ELEVENLABS_BASE_URL when set)

try {
  // Path, query and body are all checked against the spec's types: a misspelt field or format does not compile.
  const { data, response } = await client.raw.POST("/v1/text-to-speech/{voice_id}", {
    params: { path: { voice_id }, query: { output_format: "mp3_22050_32" } },
    body: {
      text: "Straight from the spec, with nothing in between.",
      model_id: "eleven_multilingual_v2",
      voice_settings: { stability: 0.5, similarity_boost: 0.75 },
    },
    // Audio is not JSON: ask for an ArrayBuffer (or "blob", or "stream" to read it as it arrives).
    parseAs: "arrayBuffer",
  });
  // A failing status throws an ElevenLabsError (below), so `data` is set here, and its type says so.
  const audio = new Uint8Array(data);
  await writeFile(out, audio);
  console.log(
    `${response.status} ${response.headers.get("content-type")}: saved ${audio.byteLength} bytes to ${out} ` +
      `(request-id ${response.headers.get("request-id")}, character-cost ${response.headers.get("character-cost")})`,
  );
} catch (error) {
  if (!(error instanceof ElevenLabsError)) throw error;
  console.error(`${error.name}: ${error.message}`);
  process.exitCode = 1;
}
