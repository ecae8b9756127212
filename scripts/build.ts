/**
 * Build dist/: the package's JavaScript once, and its type declarations.
 *
 *   npx tsx scripts/build.ts              always build
 *   npx tsx scripts/build.ts --if-stale   build only when the inputs changed since the last build
 *
 * - JavaScript: esbuild bundles the four entries (the browser and Node entries of the client, the CLI and the local
 *   server) with code splitting, so each module of the client is in the tarball once: what the entries share is in
 *   dist/src/chunks/. Importing the package loads a few modules instead of about twenty (less memory, faster import).
 * - Types: tsc emits declarations only, one .d.ts per module, beside the bundles.
 * - dist/generated/openapi.json is the spec the local server validates against.
 *
 * `--if-stale` compares a hash of the inputs (src/, generated/, this script, package.json, the tsconfigs, and the
 * versions of esbuild and TypeScript) with the one written by the last build: `npm install` (prepare), `npm pack`
 * (prepack) and the test setup all call it, and only the first of them builds.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { build, version as esbuildVersion } from "esbuild";

const ROOT = resolve(import.meta.dirname, "..");
const DIST = join(ROOT, "dist");
const STAMP = join(DIST, ".inputs-hash");
const ENTRIES = ["src/browser.ts", "src/node/index.ts", "src/node/cli.ts", "src/mock/index.ts"];

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else out.push(path);
  }
  return out;
}

async function inputsHash(): Promise<string> {
  const hash = createHash("sha256");
  const typescript = createRequire(import.meta.url)("typescript/package.json") as { version: string };
  hash.update(`esbuild ${esbuildVersion}\ntypescript ${typescript.version}\n`);
  const inputs = [
    ...(await files("src")),
    ...(await files("generated")),
    "scripts/build.ts",
    "package.json",
    "tsconfig.json",
    "tsconfig.build.json",
  ].sort();
  for (const file of inputs) hash.update(`${file}\n`).update(await readFile(join(ROOT, file)));
  return hash.digest("hex");
}

const started = performance.now();
const hash = await inputsHash();
if (process.argv.includes("--if-stale") && (await readFile(STAMP, "utf8").catch(() => "")) === hash) {
  console.error("dist/ is up to date");
  process.exit(0);
}

await rm(DIST, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: ["ignore", 2, 2] });
await build({
  entryPoints: ENTRIES.map((entry) => join(ROOT, entry)),
  outdir: join(DIST, "src"),
  outbase: join(ROOT, "src"),
  bundle: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  format: "esm",
  // Node's conditions and built-ins (node:*) for the Node entries; the browser entry and the chunks it imports use
  // web APIs only (test/package checks that they import no node: module).
  platform: "node",
  target: "es2022",
  packages: "external",
  legalComments: "none",
  logLevel: "warning",
});
await mkdir(join(DIST, "generated"), { recursive: true });
await copyFile(join(ROOT, "generated/openapi.json"), join(DIST, "generated/openapi.json"));
await chmod(join(DIST, "src/node/cli.js"), 0o755);
await writeFile(STAMP, hash);
const built = (await files("dist")).filter((f) => f.endsWith(".js")).map((f) => relative("dist", f));
console.error(`built dist/ (${built.length} JavaScript files) in ${Math.round(performance.now() - started)} ms`);
