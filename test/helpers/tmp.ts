/** Scratch space for tests: fresh directories under the project's .tmp/ (git-ignored). */
import { mkdir, mkdtemp } from "node:fs/promises";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");

/** A fresh directory under .tmp/, named with `prefix`. */
export async function tempDir(prefix: string): Promise<string> {
  await mkdir(join(ROOT, ".tmp"), { recursive: true });
  return mkdtemp(join(ROOT, ".tmp", prefix));
}
