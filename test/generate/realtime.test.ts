// generated/realtime.ts, from the AsyncAPI document of the realtime WebSockets: printed as prettier prints it; a field
// added to the document flows into its types and its run-time data with no other edit; `--check` catches a stale,
// hand-edited or left-over realtime.ts.
import { readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { dump, load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { generate } from "../../scripts/generate.ts";
import { toWire } from "../../src/validate.ts";
import { generateCli } from "../helpers/generate-cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { typecheck } from "../helpers/tsc.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const SEED = join(ROOT, "spec/elevenlabs-tts.yaml");
const FAMILY = join(ROOT, "spec/elevenlabs-tts-family.json");
const ASYNCAPI = join(ROOT, "spec/elevenlabs-tts-realtime.asyncapi.yml");
/** Each test runs the generator's command several times: seconds each on a loaded 2-core machine. */
const SLOW = 120_000;

type Doc = {
  channels: Record<string, { bindings: { ws: { query: { properties: Record<string, unknown> } } } }>;
  components: { schemas: Record<string, { properties: Record<string, unknown> }> };
};
const readDoc = async (): Promise<Doc> => load(await readFile(ASYNCAPI, "utf8")) as Doc;
const STREAM_INPUT = "/v1/text-to-speech/{voice_id}/stream-input";

describe("generated/realtime.ts", () => {
  it("is printed as prettier prints it, with the passes' findings reported", async () => {
    const changes: string[] = [];
    const files = await generate({ log: (list) => changes.push(...list.map((c) => `${c.pass} ${c.pointer}`)) });
    const code = files.get("realtime.ts")!;
    const prettier = await import("prettier");
    const file = join(ROOT, "generated/realtime.ts");
    expect(code).toBe(await prettier.format(code, { ...(await prettier.resolveConfig(file)), filepath: file }));
    const at = "spec/elevenlabs-tts-realtime.asyncapi.yml#/components/schemas";
    expect(changes).toContain(`fern-types ${at}/InitializeConnection/properties/text/x-fern-type`);
    expect(changes).toContain(`nullable ${at}/AudioOutputMulti/properties/alignment/nullable`);
    expect(changes).toContain(`default-not-in-enum ${at}/TextToSpeechOutputFormatEnum/default`);
    expect(changes.filter((c) => c.startsWith("fern-types "))).toHaveLength(12);
  });
});

describe("a new field in the AsyncAPI document", () => {
  it(
    "flows into the types and the run-time data: a query parameter and a message field",
    async () => {
      const dir = await tempDir("realtime-");
      const doc = await readDoc();
      doc.channels[STREAM_INPUT]!.bindings.ws.query.properties.speaking_style = {
        description: "How the voice speaks.",
        type: "string",
        enum: ["calm", "lively"],
        default: "calm",
      };
      doc.components.schemas.SendText!.properties.emphasis = {
        description: "How strongly to stress the text. Values range from 0 to 2.",
        type: "number",
        default: 1,
      };
      doc.components.schemas.SendText!.properties.tags = { "x-fern-type": "list<string>" };
      const spec = join(dir, "realtime.asyncapi.yml");
      await writeFile(spec, dump(doc));
      const out = join(dir, "out");
      const result = await generateCli(["--verbose", "--spec", FAMILY, "--spec", SEED, "--spec", spec, "--out", out]);
      expect(result.stderr).toBe("");
      expect(result.stdout).toContain("realtime.asyncapi.yml#/components/schemas/SendText/properties/emphasis/maximum");

      // The types: the new fields are accepted, and checked.
      const use = (from: string) => `import type { SendText, StreamInputQuery } from "${from}";
export const query: StreamInputQuery = { speaking_style: "lively" };
// @ts-expect-error not one of its values
export const wrong: StreamInputQuery = { speaking_style: "shouty" };
export const text: SendText = { text: "Hello ", emphasis: 1.5, tags: ["greeting"] };
// @ts-expect-error a list of strings
export const tags: SendText = { text: "Hello ", tags: [1] };
`;
      await writeFile(join(out, "use.ts"), use("./realtime.ts"));
      expect(typecheck([join(out, "use.ts")]).get(join(out, "use.ts"))).toEqual([]);
      // …which the committed realtime.ts does not have.
      await writeFile(join(out, "use-committed.ts"), use(join(ROOT, "generated/realtime.ts")));
      expect(typecheck([join(out, "use-committed.ts")]).get(join(out, "use-committed.ts"))!.length).toBeGreaterThan(0);

      // The run-time data, which src/validate.ts's toWire() validates with.
      const mod = (await import(join(out, "realtime.ts"))) as typeof import("../../generated/realtime.ts");
      const query = mod.REALTIME_CHANNELS["stream-input"].query;
      expect(query.speaking_style).toEqual({ enum: ["calm", "lively"], default: "calm", type: ["string"] });
      expect(mod.REALTIME_CHANNELS["multi-stream-input"].query).not.toHaveProperty("speaking_style");
      const fields = mod.REALTIME_MESSAGES.SendText.payload.properties!;
      expect(fields.emphasis).toEqual({ minimum: 0, maximum: 2, default: 1, type: ["number"] });
      expect(fields.tags).toEqual({ items: { type: ["string"] }, type: ["array"] });
      const schema = { type: ["object"], properties: query };
      expect(toWire({ speakingStyle: "lively", inactivityTimeout: 30 }, schema, "options")).toEqual({
        speaking_style: "lively",
        inactivity_timeout: 30,
      });
      expect(() => toWire({ speakingStyle: "shouty" }, schema, "options")).toThrow("must be one of calm, lively");
      expect(() => toWire({ text: "Hi ", emphasis: 3 }, mod.REALTIME_MESSAGES.SendText.payload, "m")).toThrow(
        "at most 2",
      );
      // The HTTP API's files are what its spec alone gives.
      for (const name of ["openapi.json", "schema.ts", "runtime.ts", "facade.ts"]) {
        expect(await readFile(join(out, name), "utf8")).toBe(await readFile(join(ROOT, "generated", name), "utf8"));
      }
    },
    SLOW,
  );
});

describe("npm run generate -- --check", () => {
  it(
    "fails on a hand-edited or stale realtime.ts, and on one that no spec produces any more",
    async () => {
      const dir = await tempDir("realtime-");
      const spec = join(dir, "realtime.asyncapi.yml");
      await writeFile(spec, await readFile(ASYNCAPI, "utf8"));
      const out = join(dir, "out");
      const both = ["--spec", SEED, "--spec", spec, "--out", out];
      expect((await generateCli(both)).code).toBe(0);
      const skipped = /is up to date: the spec, the generator and its dependencies match stamp\.json/;
      expect((await generateCli(["--check", ...both])).stdout).toMatch(skipped);

      // A hand edit.
      const realtime = join(out, "realtime.ts");
      const text = await readFile(realtime, "utf8");
      await writeFile(realtime, text.replace("maximum: 180, default: 20", "maximum: 180, default: 30"));
      const edited = await generateCli(["--check", ...both]);
      expect(edited.code).toBe(1);
      expect(edited.stderr).toContain("realtime.ts (differs)");
      expect(edited.stderr).not.toMatch(/schema\.ts|runtime\.ts|stamp\.json/);

      // A changed AsyncAPI document: realtime.ts and the stamp are stale, the HTTP API's files are not.
      await generateCli(both);
      const doc = await readDoc();
      doc.channels[STREAM_INPUT]!.bindings.ws.query.properties.new_flag = { type: "boolean" };
      await writeFile(spec, dump(doc));
      const stale = await generateCli(["--check", ...both]);
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain("realtime.ts (differs)");
      expect(stale.stderr).toContain("stamp.json (differs)");
      expect(stale.stderr).not.toMatch(/schema\.ts|runtime\.ts|facade\.ts|openapi\.json/);

      // Deleted: the stamp's list of files names it.
      await generateCli(both);
      await rm(realtime);
      const missing = await generateCli(["--check", ...both]);
      expect(missing.stdout).not.toMatch(skipped);
      expect(missing.stderr).toContain("realtime.ts (missing)");

      // The AsyncAPI document gone: realtime.ts is left over; the check says so, and generate removes it.
      await generateCli(both);
      const seedOnly = ["--spec", SEED, "--out", out];
      const leftover = await generateCli(["--check", ...seedOnly]);
      expect(leftover.code).toBe(1);
      expect(leftover.stderr).toContain("realtime.ts (not generated from these specs)");
      expect((await generateCli(seedOnly)).stdout).toContain("removed");
      expect(existsSync(realtime)).toBe(false);
      expect((await generateCli(["--check", ...seedOnly])).stdout).toMatch(skipped);
    },
    SLOW,
  );

  it(
    "fails on an AsyncAPI document it cannot read, naming the file and where (no stack trace)",
    async () => {
      const dir = await tempDir("realtime-");
      const doc = await readDoc();
      doc.components.schemas.SendText!.properties.voice = { "x-fern-type": "VoiceSettings" };
      const spec = join(dir, "bad.asyncapi.yml");
      await writeFile(spec, dump(doc));
      const result = await generateCli(["--spec", SEED, "--spec", spec, "--out", join(dir, "out")]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'bad.asyncapi.yml: /components/schemas/SendText/properties/voice/x-fern-type: the Fern type "VoiceSettings" has no JSON Schema form here',
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);

      await writeFile(spec, "asyncapi: 3.0.0\n");
      expect((await generateCli(["--spec", SEED, "--spec", spec, "--out", dir])).stderr).toContain(
        "bad.asyncapi.yml: /asyncapi: expected an AsyncAPI 2.x version string",
      );
      await writeFile(spec, dump(await readDoc()));
      expect((await generateCli(["--spec", spec, "--out", dir])).stderr).toContain(
        "no OpenAPI document (the HTTP API's spec) among them",
      );
    },
    SLOW,
  );
});
