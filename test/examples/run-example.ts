/** Run an example the way a user would: `node --import tsx examples/<name>`, importing the package by its name. */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

export const ROOT = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

export { tempDir } from "../helpers/tmp.ts";

/**
 * Run `examples/<name>` with the API key and base URL in its environment. tsx is given a tsconfig without `paths`
 * (the project's maps "elevenlabs-fetch" to src/ for the typecheck), so the import resolves as it does for a user:
 * Node's self-reference through package.json `exports` (the `node` condition) to dist/, built by the global setup.
 */
export async function runExample(
  name: string,
  options: { baseUrl: string; dir: string; args?: string[]; apiKey?: string },
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
  };
  return run(process.execPath, ["--import", "tsx", join(ROOT, "examples", name), ...(options.args ?? [])], {
    cwd: options.dir,
    env,
    timeout: 30_000,
  });
}
