import { tempDir } from "../helpers/tmp.ts";
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
const npm = (args: string[], cwd: string) =>
  run("npm", args, { cwd, env: { ...process.env, npm_config_loglevel: "error" } });

describe("npm pack", () => {
  let consumer: string;
  let files: string[];

  beforeAll(async () => {
    const dir = await tempDir("pack-");
    const { stdout } = await npm(["pack", "--json", "--pack-destination", dir], ROOT);
    const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    files = info!.files.map((f) => f.path).sort();
    consumer = join(dir, "consumer");
    await mkdir(consumer);
    await writeFile(
      join(consumer, "package.json"),
      JSON.stringify({ name: "consumer", private: true, type: "module" }),
    );
    await npm(["install", "--prefer-offline", "--no-audit", "--no-fund", join(dir, info!.filename)], consumer);
  }, 120_000);

  it("ships only dist, the README and package.json", () => {
    expect(files).toContain("package.json");
    expect(files).toContain("dist/src/index.js");
    expect(files).toContain("dist/src/index.d.ts");
    // dist/generated/openapi.json is the spec the local server (elevenlabs-fetch/mock) validates against.
    for (const f of files)
      expect(f).toMatch(
        /^(package\.json|README\.md|LICENSE|dist\/generated\/openapi\.json|dist\/(src|generated)\/.+\.(js|d\.ts))$/,
      );
  });

  it("installs into an empty folder and imports", async () => {
    const { stdout } = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        "const m = await import('elevenlabs-fetch'); console.log(JSON.stringify(Object.keys(m)))",
      ],
      { cwd: consumer },
    );
    expect(JSON.parse(stdout)).toEqual(expect.any(Array));
    const { stdout: deps } = await run("npm", ["ls", "--omit=dev", "--all", "--parseable"], { cwd: consumer });
    const installed = deps
      .split("\n")
      .filter((l) => l.includes("node_modules"))
      .map((l) => l.slice(l.lastIndexOf("node_modules/") + 13))
      .sort();
    expect(installed).toEqual(["elevenlabs-fetch", "openapi-fetch", "openapi-typescript-helpers"]);
  });
});
