// The realtime WebSockets cost only the apps that use them: a construct + convert app (the gated bundle) has none of
// their code, and an app that calls streamInput() adds at most REALTIME_BUDGET_BYTES (min+gzip). Built like
// scripts/bench/bundle.ts's bundle (esbuild, minified ESM, gzip -9), from the package's browser entry in dist/.
import { describe, expect, it } from "vitest";
import { bundleSource, gzipSize, resolveSelf } from "../../scripts/bench/bundle.ts";

/**
 * The realtime module (options checked against the AsyncAPI data, the socket and its errors, the text buffering, the
 * audio clock for the alignment, the sessions): a regression gate above its size.
 */
const REALTIME_BUDGET_BYTES = 7_168;

async function app(withRealtime: boolean): Promise<{ gzip: number; code: string }> {
  const bytes =
    await bundleSource(`import { ElevenLabsClient${withRealtime ? ", streamInput" : ""} } from ${JSON.stringify(resolveSelf("browser"))};
const client = new ElevenLabsClient({ apiKey: "k" });
const audio = await client.textToSpeech.convert("JBFqnCBsd6RMkjVDRZzb", { text: "Hello" });
console.log((await audio.bytes()).byteLength);
${withRealtime ? 'const spoken = await streamInput(client, "JBFqnCBsd6RMkjVDRZzb", ["Hello ", "world."]);\nconsole.log((await spoken.bytes()).byteLength);' : ""}`);
  return { gzip: gzipSize(bytes), code: new TextDecoder().decode(bytes) };
}

describe("the realtime WebSockets in a bundle", () => {
  it("are left out of an app that does not use them, and cost an app that does at most their budget", async () => {
    const [without, withRealtime] = await Promise.all([app(false), app(true)]);
    const cost = withRealtime.gzip - without.gzip;
    console.log(
      `streamInput(): +${cost} B min+gzip (${without.gzip} B → ${withRealtime.gzip} B), budget ${REALTIME_BUDGET_BYTES} B`,
    );
    for (const word of ["stream-input", "alignmentChunks", "chunk_length_schedule", "RealtimeError"]) {
      expect(without.code, word).not.toContain(word);
      expect(withRealtime.code, word).toContain(word);
    }
    expect(cost).toBeLessThanOrEqual(REALTIME_BUDGET_BYTES);
  });
});
