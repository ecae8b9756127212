/** `npm run generate`'s command (scripts/generate-cli.mjs) in a child process: its exit code and output. */
import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const ROOT = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

export const generateCli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  run(process.execPath, [join(ROOT, "scripts/generate-cli.mjs"), ...args], { cwd: ROOT }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
