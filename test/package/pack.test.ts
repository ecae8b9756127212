import { tempDir } from "../helpers/tmp.ts";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const CJS = `const { ElevenLabsClient, convertLongForm } = require("elevenlabs-fetch");
const { startMockServer } = require("elevenlabs-fetch/mock");
console.log(typeof ElevenLabsClient, typeof convertLongForm, typeof startMockServer);
`;
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
    // With TypeScript 7 and @types/node for the consumer type checks below (TypeScript 5.9 is the project's own).
    const typesNode = JSON.parse(await readFile(join(ROOT, "node_modules/@types/node/package.json"), "utf8")) as {
      version: string;
    };
    const types = `@types/node@${typesNode.version}`;
    await npm(
      ["install", "--prefer-offline", "--no-audit", "--no-fund", join(dir, info!.filename), "typescript@7.0.2", types],
      consumer,
    );
    await cp(join(ROOT, "test/package/consumer"), consumer, { recursive: true });
  }, 120_000);

  it("ships only dist, the README, the changelog and package.json; the client's JavaScript once", () => {
    expect(files).toContain("package.json");
    expect(files).toContain("CHANGELOG.md");
    expect(files).toContain("dist/src/index.d.ts");
    // The four entries, and what they share in chunks/: no module's code beside a bundle that holds it too.
    expect(files.filter((f) => f.endsWith(".js") && !f.startsWith("dist/src/chunks/"))).toEqual([
      "dist/src/browser.js",
      "dist/src/mock/index.js",
      "dist/src/node/cli.js",
      "dist/src/node/index.js",
    ]);
    // dist/generated/openapi.json is the spec the local server (elevenlabs-fetch/mock) validates against.
    for (const f of files)
      expect(f).toMatch(
        /^(package\.json|README\.md|CHANGELOG\.md|LICENSE|dist\/generated\/openapi\.json|dist\/(src|generated)\/.+\.(js|d\.ts))$/,
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
    expect(installed).toEqual(
      expect.arrayContaining(["elevenlabs-fetch", "openapi-fetch", "openapi-typescript-helpers"]),
    );
    expect(installed.filter((p) => !/^(typescript|@types\/node|undici-types|@typescript\/)/.test(p))).toEqual([
      "elevenlabs-fetch",
      "openapi-fetch",
      "openapi-typescript-helpers",
    ]);
  });

  // The public API of each export condition, spelled out: an export added or lost is a decision, not an accident.
  const CORE = [
    "AudioStream",
    "AuthenticationError",
    "BadRequestError",
    "ConnectionError",
    "ElevenLabsAbortError",
    "ElevenLabsClient",
    "ElevenLabsEnvironment",
    "ElevenLabsError",
    "ElevenLabsTimeoutError",
    "JsonStream",
    "LongFormChunkError",
    "MODEL_MAX_CHARACTERS",
    "MissingDependencyError",
    "MultiContextSession",
    "NotFoundError",
    "QuotaExceededError",
    "RateLimitError",
    "RealtimeAudioStream",
    "RealtimeContext",
    "RealtimeError",
    "RealtimeSession",
    "ServerError",
    "TimedAudioStream",
    "UnprocessableEntityError",
    "ValidationError",
    "connectMultiStreamInput",
    "connectStreamInput",
    "convertLongForm",
    "maxCharactersFor",
    "play",
    "splitText",
    "stream",
    "streamInput",
    "toSrt",
    "toWebVtt",
    "words",
  ];
  it.each([
    ["node", "elevenlabs-fetch", [...CORE, "PlayerNotFoundError"].sort()],
    ["default (browsers, workers)", "./node_modules/elevenlabs-fetch/dist/src/browser.js", CORE],
    [
      "mock",
      "elevenlabs-fetch/mock",
      [
        "FAULT_NAMES",
        "MOCK_INSTALL_COMMAND",
        "MOCK_PACKAGES",
        "MissingDependencyError",
        "parseFault",
        "startMockServer",
      ],
    ],
  ])("the %s condition exports exactly its API", async (_, specifier, names) => {
    const script = `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()))`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: consumer });
    expect(JSON.parse(stdout)).toEqual(names);
  });

  // CommonJS: require() of the ESM package works where Node has require(esm) (20.19+, 22.12+).
  const NODE22 = join(ROOT, ".tmp/runtimes/node22/bin/node");
  it.each([
    ["the current Node", process.execPath],
    ["Node 22", NODE22],
  ])("require('elevenlabs-fetch') from CommonJS on %s", async (_, node) => {
    if (!existsSync(node)) return console.warn(`skipping: no ${node} (.ci/run unpacks it)`);
    await writeFile(join(consumer, "require.cjs"), CJS);
    const { stdout, stderr } = await run(node, ["require.cjs"], { cwd: consumer });
    expect(stdout.trim()).toBe("function function function");
    expect(stderr).toBe("");
  });

  // Migrated code (test/package/consumer/*.ts) compiled against the shipped .d.ts as users compile it: strict, with
  // exactOptionalPropertyTypes, with and without skipLibCheck, in a browser project (DOM, no Node types), a Node
  // project without DOM, and one with both; with TypeScript 5.9 and 7.
  const LIBS = {
    dom: { lib: ["ES2023", "DOM", "DOM.Iterable"], types: [], files: ["common.ts", "realtime.ts"] },
    node: {
      lib: ["ES2023"],
      types: ["node"],
      files: ["common.ts", "realtime.ts", "node.ts", "node-only.ts", "mock.ts"],
    },
    "dom+node": {
      lib: ["ES2023", "DOM", "DOM.Iterable"],
      types: ["node"],
      files: ["common.ts", "realtime.ts", "node.ts", "mock.ts"],
    },
  } as const;
  // TypeScript 7 by its command line (it is fast); TypeScript 5.9 in this process, with the parsed .d.ts files (DOM's
  // lib is 1 MB) shared between the programs: three separate tsc processes took about 30 s of CPU.
  const cases = Object.keys(LIBS).flatMap((lib) => [
    ...[false, true].map((skipLibCheck) => ({ ts: "7", lib, skipLibCheck, exact: true })),
    { ts: "5.9", lib, skipLibCheck: false, exact: true },
  ]);
  cases.push({ ts: "7", lib: "dom+node", skipLibCheck: false, exact: false });

  const parsed = new Map<string, ts.SourceFile | undefined>();
  function typecheck59(compilerOptions: object, files: readonly string[]): string {
    const { options, errors } = ts.convertCompilerOptionsFromJson(compilerOptions, consumer);
    if (errors.length) return ts.flattenDiagnosticMessageText(errors[0]!.messageText, "\n");
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version, ...rest) => {
      if (!name.endsWith(".d.ts")) return getSourceFile(name, version, ...rest);
      const key = `${name}:${typeof version === "object" ? version.impliedNodeFormat : version}`;
      if (!parsed.has(key)) parsed.set(key, getSourceFile(name, version, ...rest));
      return parsed.get(key);
    };
    const program = ts.createProgram(
      files.map((f) => join(consumer, f)),
      options,
      host,
    );
    return ts.formatDiagnostics(ts.getPreEmitDiagnostics(program), {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => consumer,
      getNewLine: () => "\n",
    });
  }

  it.each(cases)(
    "consumer code type-checks: TypeScript $ts, $lib, skipLibCheck $skipLibCheck, exactOptionalPropertyTypes $exact",
    async ({ ts: version, lib, skipLibCheck, exact }) => {
      const { files, ...libs } = LIBS[lib as keyof typeof LIBS];
      const compilerOptions = {
        strict: true,
        exactOptionalPropertyTypes: exact,
        noUncheckedIndexedAccess: true,
        noEmit: true,
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        skipLibCheck,
        ...libs,
      };
      if (version === "5.9") {
        expect(typecheck59(compilerOptions, files)).toBe("");
        return;
      }
      const name = `tsconfig.${lib}.${skipLibCheck}.${exact}.json`;
      await writeFile(join(consumer, name), JSON.stringify({ compilerOptions, files }));
      const result = await run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", name], {
        cwd: consumer,
      }).then(
        () => "",
        (e: { stdout?: string; message: string }) => e.stdout || e.message,
      );
      expect(result).toBe("");
    },
  );
});
