// Build dist/ once before the tests that import the package by name (examples, pack, other runtimes).
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

export default function setup(): void {
  execFileSync("npm", ["run", "-s", "build", "--", "--if-stale"], {
    cwd: resolve(import.meta.dirname, ".."),
    stdio: "inherit",
  });
}
