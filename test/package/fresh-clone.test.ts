// A fresh clone, as a contributor gets it: `npm install` runs `prepare`, which builds dist/, so the CLI that
// package.json's `bin` points at works at once (`npx elevenlabs-fetch --help`), with no separate build step.
import { execFile } from "node:child_process";
import { cp, mkdir, readFile, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT, tempDir } from "../helpers/tmp.ts";

const run = promisify(execFile);

describe("a fresh clone", () => {
  it("npm install's prepare builds dist/, and npx elevenlabs-fetch --help works", { timeout: 60_000 }, async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepare).toMatch(/scripts\/build\.ts/);
    expect(pkg.scripts.prepack).toMatch(/scripts\/build\.ts/);

    // The repository's files as a clone has them (tracked and new, not ignored: no dist/), and its dependencies.
    const clone = await tempDir("clone-");
    const { stdout } = await run("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: ROOT });
    for (const file of stdout.split("\n").filter((f) => f && !f.startsWith("test/"))) {
      await mkdir(join(clone, dirname(file)), { recursive: true });
      await cp(join(ROOT, file), join(clone, file)).catch(() => undefined); // a file deleted but not yet committed
    }
    await symlink(join(ROOT, "node_modules"), join(clone, "node_modules"));

    await run("npm", ["run", "-s", "prepare"], { cwd: clone });
    const help = await run("npx", ["--no-install", "elevenlabs-fetch", "--help"], { cwd: clone });
    expect(help.stdout).toContain("elevenlabs-fetch speak");
    // prepack after prepare: nothing changed, nothing rebuilt.
    const again = await run("npm", ["run", "prepack"], { cwd: clone });
    expect(again.stderr).toContain("dist/ is up to date");
  });
});
