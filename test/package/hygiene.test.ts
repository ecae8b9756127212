// Package hygiene: publint and "are the types wrong" pass, and the tarball holds only what users need.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "node_modules/.bin");
const run = promisify(execFile);

/** Run a command; resolve with its exit code and output instead of throwing on a non-zero exit. */
async function exec(command: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

interface AttwProblem {
  kind: string;
  entrypoint: string;
  resolutionKind: string;
}
interface AttwResult {
  analysis: {
    entrypoints: Record<
      string,
      { resolutions: Record<string, { resolution?: { fileName: string }; implementationResolution?: unknown }> }
    >;
  };
  problems: Record<string, AttwProblem[]>;
}

describe("package hygiene", () => {
  it("publint --strict finds nothing (warnings count as errors)", async () => {
    const { code, out } = await exec(join(BIN, "publint"), ["--strict"]);
    expect(out).toContain("All good!");
    expect(code, out).toBe(0);
  });

  // attw packs and analyses the whole package: 30 s was not enough on a loaded machine (seen at load 8).
  it(
    "attw --pack --profile esm-only passes; the only problems are the CommonJS/node10 ones of an ESM-only package",
    { timeout: 90_000 },
    async () => {
      // An ESM-only package (no CommonJS build, `"type": "module"`, Node ≥ 20.11) cannot satisfy `require()` under
      // node16-cjs (CJSResolvesToESM: use import()) nor the pre-exports node10 resolution of a subpath such as
      // "./mock" (NoResolution). The esm-only profile ignores exactly those two resolution kinds; everything that an
      // ESM consumer uses (node16 from ESM, bundler) must be clean.
      const { code, out } = await exec(join(BIN, "attw"), ["--pack", ".", "--profile", "esm-only", "--format", "json"]);
      expect(code, out).toBe(0);
      const result = JSON.parse(out.slice(out.indexOf("{"))) as AttwResult;
      const problems = Object.values(result.problems).flat();
      for (const p of problems) expect(["node10", "node16-cjs"], JSON.stringify(p)).toContain(p.resolutionKind);

      // The types follow the export conditions: Node gets the node entry's types, bundlers (browsers) the browser's.
      const types = (entry: string, kind: string) =>
        result.analysis.entrypoints[entry]?.resolutions[kind]?.resolution?.fileName;
      expect(types(".", "node16-esm")).toBe("/node_modules/elevenlabs-fetch/dist/src/node/index.d.ts");
      expect(types(".", "bundler")).toBe("/node_modules/elevenlabs-fetch/dist/src/browser.d.ts");
      expect(types("./mock", "node16-esm")).toBe("/node_modules/elevenlabs-fetch/dist/src/mock/index.d.ts");
    },
  );

  it("the tarball holds dist JS + .d.ts, the mock's openapi.json, README, LICENSE and package.json, nothing else", async () => {
    const { code, out } = await exec("npm", ["pack", "--dry-run", "--json", "--loglevel=error"]);
    expect(code, out).toBe(0);
    // stdout, then stderr (prepack's "dist/ is up to date"): the JSON is the array that stdout holds.
    const [info] = JSON.parse(out.slice(out.indexOf("["), out.lastIndexOf("]") + 1)) as [
      { files: { path: string }[]; size: number },
    ];
    const files = info.files.map((f) => f.path).sort();

    const allowed =
      /^(package\.json|README\.md|CHANGELOG\.md|LICENSE|dist\/generated\/openapi\.json|dist\/(src|generated)\/.+\.(js|d\.ts))$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    // Spelled out, since the pattern above already excludes them: no tests, no TypeScript sources, no source maps.
    expect(
      files.filter((f) => /(^|\/)(test|tests|__tests__|examples|scripts|spec)\/|\.map$|(?<!\.d)\.m?ts$/.test(f)),
    ).toEqual([]);
    for (const f of ["package.json", "README.md", "LICENSE", "dist/generated/openapi.json"]) expect(files).toContain(f);

    // Every entry ships with its declarations (chunks/ holds shared code, typed through the entries), and
    // everything package.json points at is in the tarball.
    for (const js of files.filter((f) => f.endsWith(".js") && !f.includes("/chunks/")))
      expect(files).toContain(js.replace(/\.js$/, ".d.ts"));
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
      main: string;
      types: string;
      bin: Record<string, string>;
      exports: unknown;
    };
    const targets: string[] = [pkg.main, pkg.types, ...Object.values(pkg.bin)];
    const collect = (value: unknown): void => {
      if (typeof value === "string") targets.push(value);
      else if (value && typeof value === "object") Object.values(value).forEach(collect);
    };
    collect(pkg.exports);
    for (const target of targets) expect(files).toContain(target.replace(/^\.\//, ""));
  });
});

describe("the local server's optional packages", () => {
  it("package.json's optional peerDependencies name exactly the packages the server loads", async () => {
    const { MOCK_PACKAGES } = await import("../../src/mock/deps.ts");
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(Object.keys(MOCK_PACKAGES).sort());
    for (const name of Object.keys(MOCK_PACKAGES)) expect(pkg.peerDependenciesMeta[name]?.optional).toBe(true);
  });
});

describe("the browser build", () => {
  it("imports no node: module, through every chunk it loads", async () => {
    const seen = new Set<string>();
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = await readFile(file, "utf8");
      expect(code, file).not.toMatch(/from\s*["']node:|import\(\s*["']node:/);
      for (const [, spec] of code.matchAll(/(?:from|import)\s*\(?\s*["'](\.[^"']+)["']/g))
        await visit(resolve(file, "..", spec!));
    };
    await visit(join(ROOT, "dist/src/browser.js"));
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe("the changelog", () => {
  it("has an Unreleased section and the version in package.json", async () => {
    const changelog = await readFile(join(ROOT, "CHANGELOG.md"), "utf8");
    const { version } = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(changelog).toMatch(/^## Unreleased$/m);
    expect(changelog).toMatch(new RegExp(`^## ${version.replaceAll(".", "\\.")} - \\d{4}-\\d{2}-\\d{2}$`, "m"));
  });
});

describe("the README", () => {
  it("is for users: at most 300 lines, starting with the two commands that work on a fresh machine", async () => {
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    expect(readme.split("\n").length).toBeLessThanOrEqual(300);
    const firstCode = readme.slice(0, 1200);
    expect(firstCode).toContain("npm install && npm start");
    expect(firstCode).toContain("npm install && npm test");
  });
});
