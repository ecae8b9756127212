// A field added to the spec is accepted camelCased after `npm run generate`, with no facade edit.
import { tempDir } from "../helpers/tmp.ts";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { typecheck } from "../helpers/tsc.ts";
import { load } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../scripts/generate.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const ROOT = resolve(import.meta.dirname, "../..");
let dir: string;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer((_req, res) => res.end("audio"));
  dir = await tempDir("regen-");
  const spec = load(await readFile(join(ROOT, "spec/elevenlabs-tts.yaml"), "utf8")) as {
    components: { schemas: { Body_text_to_speech_full: { properties: Record<string, unknown> } } };
  };
  spec.components.schemas.Body_text_to_speech_full.properties.speaking_style_hint = {
    type: "string",
    enum: ["calm", "excited"],
  };
  await writeFile(join(dir, "spec.json"), JSON.stringify(spec));
  const files = await generate({ specs: [join(dir, "spec.json")] });
  await mkdir(join(dir, "generated"));
  for (const [name, contents] of files) await writeFile(join(dir, "generated", name), contents);
  await cp(join(ROOT, "src"), join(dir, "src"), { recursive: true });
});
afterAll(() => server.close());

describe("regenerating with a new field", () => {
  it("sends the camelCased field snake_cased, validated against the new spec", async () => {
    const mod = (await import(join(dir, "src/index.ts"))) as typeof import("../../src/index.ts");
    const client = new mod.ElevenLabsClient({ apiKey: "k", baseUrl: server.url });
    const request = { text: "Hi", speakingStyleHint: "calm" } as never;
    await (await client.textToSpeech.convert("v", request)).bytes();
    expect(JSON.parse(server.requests.at(-1)!.body)).toEqual({
      text: "Hi",
      speaking_style_hint: "calm",
      model_id: "eleven_multilingual_v2",
    });
    await expect(client.textToSpeech.convert("v", { text: "Hi", speakingStyleHint: "angry" } as never)).rejects.toThrow(
      'request.speakingStyleHint: must be one of calm, excited; got "angry"',
    );
  });

  it("types the field: accepted with the new spec, an error with the old one", () => {
    const use = `import { ElevenLabsClient } from "./src/index.js";
const client = new ElevenLabsClient({ apiKey: "k" });
export const p = client.textToSpeech.convert("v", { text: "Hi", speakingStyleHint: "calm" });
`;
    const check = (root: string, file: string) => {
      const path = join(root, file);
      return typecheck([path], { [path]: use }).get(path) ?? [];
    };
    expect(check(dir, "use.ts")).toEqual([]);
    const old = check(ROOT, "use-regenerate-check.ts");
    expect(old.join("\n")).toMatch(/speakingStyleHint/);
  });
});
