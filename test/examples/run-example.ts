/** Run an example the way a user would: `node --import tsx examples/<name>`, importing the package by its name. */
import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { tempDir } from "../helpers/tmp.ts";

export const ROOT = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

export { tempDir };

/**
 * What an example's test file needs around it: a local server (tone engine) and a temp folder, set up before its tests
 * and removed after them. Read `mock` and `dir` inside the tests.
 */
export function exampleSetup(prefix: string): { readonly mock: MockServer; readonly dir: string } {
  const setup = {} as { mock: MockServer; dir: string };
  beforeAll(async () => {
    setup.mock = await startMockServer({ engine: "tone" });
    setup.dir = await tempDir(prefix);
  });
  afterAll(async () => {
    await setup.mock.close();
    await rm(setup.dir, { recursive: true, force: true });
  });
  return setup;
}

/**
 * Run `examples/<name>` with the API key and base URL in its environment. tsx is given a tsconfig without `paths`
 * (the project's maps "elevenlabs-fetch" to src/ for the typecheck), so the import resolves as it does for a user:
 * Node's self-reference through package.json `exports` (the `node` condition) to dist/, built by the global setup.
 */
export async function runExample(
  name: string,
  options: { baseUrl: string; dir: string; args?: string[]; apiKey?: string; env?: Record<string, string> },
): Promise<{ stdout: string; stderr: string }> {
  const tsconfig = join(options.dir, "tsconfig.run.json");
  await writeFile(
    tsconfig,
    JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022" } }),
  );
  const env = {
    ...process.env,
    ELEVENLABS_API_KEY: options.apiKey ?? "example-key",
    ELEVENLABS_BASE_URL: options.baseUrl,
    TSX_TSCONFIG_PATH: tsconfig,
    NO_COLOR: "1",
    ...options.env,
  };
  return run(process.execPath, ["--import", "tsx", join(ROOT, "examples", name), ...(options.args ?? [])], {
    cwd: options.dir,
    env,
    timeout: 30_000,
  });
}
