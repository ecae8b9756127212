// `npm run generate`: scripts/generate.ts run by plain Node, without tsx, whose start-up and loader thread (which every
// module passes through) the generator does not need. The generator's TypeScript files are bundled once by esbuild
// into node_modules/.cache/elevenlabs-fetch/, under a hash of their contents, and imported from there on every later
// run. Plain JS on purpose: this file runs before anything is compiled. `npx tsx scripts/generate.ts` does the same.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";

const SCRIPTS = import.meta.dirname;
const ROOT = dirname(SCRIPTS);
const ENTRY = join(SCRIPTS, "generate.ts");
/** The TypeScript files of the generator: the bundle's inputs, checked against esbuild's list when it is built. */
const SOURCES = ["asyncapi.ts", "errors.ts", "facade-names.ts", "generate.ts", "normalize.ts", "runtime-data.ts"];
const CACHE = join(ROOT, "node_modules/.cache/elevenlabs-fetch");

// The bundle holds this checkout's paths (import.meta.url and the like), so its name has them too: two checkouts that
// share a node_modules folder (a symlink, a clone beside this one) do not run each other's bundle.
const place = createHash("sha256").update(SCRIPTS).digest("hex").slice(0, 8);
const hash = createHash("sha256");
for (const file of SOURCES) hash.update(`${file}\n`).update(await readFile(join(SCRIPTS, file)));
const bundle = join(CACHE, `generate-${place}-${hash.digest("hex").slice(0, 16)}.mjs`);

/** Bundle the generator with esbuild (its packages stay imports), as if it ran from scripts/generate.ts. */
async function build() {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    write: false,
    metafile: true,
    logLevel: "warning",
    define: {
      "import.meta.url": JSON.stringify(pathToFileURL(ENTRY).href),
      "import.meta.dirname": JSON.stringify(SCRIPTS),
      "import.meta.filename": JSON.stringify(ENTRY),
    },
  });
  const inputs = Object.keys(result.metafile.inputs).map((f) => relative(SCRIPTS, join(ROOT, f)));
  const missing = inputs.filter((f) => !SOURCES.includes(f));
  if (missing.length > 0) throw new Error(`add ${missing.join(", ")} to SOURCES in scripts/generate-cli.mjs`);
  await mkdir(CACHE, { recursive: true });
  // This checkout's bundles of earlier sources go (not this one: another run may have just written it, and be
  // importing it; nor another checkout's).
  for (const old of await readdir(CACHE)) {
    const earlier = old.startsWith(`generate-${place}-`) && old.endsWith(".mjs") && old !== basename(bundle);
    if (earlier) await rm(join(CACHE, old), { force: true });
  }
  // Written under a temporary name and renamed: a run started meanwhile sees the whole file or none.
  const temporary = `${bundle}.${process.pid}.tmp`;
  await writeFile(temporary, result.outputFiles[0].contents);
  await rename(temporary, bundle);
}

if (!existsSync(bundle)) await build();
const generator = await import(pathToFileURL(bundle).href);
await generator.run(process.argv.slice(2));
