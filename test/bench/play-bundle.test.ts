// The browser play() costs only the apps that call it: a bundle of construct + convert + read (the gated bundle) has
// none of it, and play() adds at most PLAY_BUDGET_BYTES (min+gzip) to it. Built like scripts/bench/bundle.ts's bundle
// (esbuild, minified ESM, gzip -9), from the package's browser entry in dist/.
import { describe, expect, it } from "vitest";
import { bundleSource, gzipSize, resolveSelf } from "../../scripts/bench/bundle.ts";

/** play() through MediaSource (quota handling, abort, cleanup) and the Blob fallback: a regression gate above its size. */
const PLAY_BUDGET_BYTES = 1_024;

async function app(withPlay: boolean): Promise<{ gzip: number; code: string }> {
  const bytes =
    await bundleSource(`import { ElevenLabsClient${withPlay ? ", play" : ""} } from ${JSON.stringify(resolveSelf("browser"))};
const client = new ElevenLabsClient({ apiKey: "k" });
const audio = await client.textToSpeech.convert("JBFqnCBsd6RMkjVDRZzb", { text: "Hello" });
console.log((await audio.bytes()).byteLength);
${withPlay ? "await play(audio);" : ""}`);
  return { gzip: gzipSize(bytes), code: new TextDecoder().decode(bytes) };
}

describe("the browser play() in a bundle", () => {
  it("is left out of an app that does not call it, and costs an app that does at most its budget", async () => {
    const [without, withPlay] = await Promise.all([app(false), app(true)]);
    const cost = withPlay.gzip - without.gzip;
    console.log(`play(): +${cost} B min+gzip (${without.gzip} B → ${withPlay.gzip} B), budget ${PLAY_BUDGET_BYTES} B`);
    for (const word of ["MediaSource", "addSourceBuffer", "new Audio", "createObjectURL"]) {
      expect(without.code, word).not.toContain(word);
      expect(withPlay.code, word).toContain(word);
    }
    expect(cost).toBeLessThanOrEqual(PLAY_BUDGET_BYTES);
  });
});
