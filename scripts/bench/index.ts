/**
 * `npm run bench`: this client (on its node:http transport, and with `transport: "fetch"`) against the official SDK
 * (@elevenlabs/elevenlabs-js), bare fetch (the floor every ratio is taken against), guarded fetch and bare node:http
 * (two references), side by side, against ONE loopback server (scripts/bench/server.ts), with the targets.
 *
 *   npm run bench                          all rows except codegen; table on stdout, JSON in .tmp/bench.json
 *   npm run bench -- --spec FILE           also time the codegen on FILE (e.g. the full public OpenAPI document)
 *   npm run bench -- --runs 7 --out F.json more runs per figure (default 5, at least 3), JSON elsewhere
 *   npm run bench -- --quick               3 runs, fewer requests, no RSS, type-check, per-operation bundle or
 *                                          instruction rows, no guarded-fetch or bare node:http references (a smoke
 *                                          run, under a minute)
 *   npm run bench -- --node PATH           run the clients (cold import and request rows) on another node binary,
 *                                          e.g. Node 22 (.ci/run unpacks one into .tmp/runtimes/node22/bin/node)
 *
 * How it measures:
 * - It runs `npm run build`, then installs a copy of the built package into a throwaway consumer folder
 *   (.tmp/bench/consumer/node_modules/elevenlabs-fetch: package.json + dist), so every figure uses the package the
 *   way a user gets it (`import "elevenlabs-fetch"`), and a concurrent rebuild of dist/ cannot disturb a run.
 * - Each client is measured in its own child process (plain node, no tsx loader), and the clients take turns: run 1
 *   measures A, B, C, run 2 measures B, C, A … Each figure is the median of the runs, with min and max.
 * - All traffic goes to 127.0.0.1, every request count is fixed, and every child has a time limit.
 */
import { access, cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, release, totalmem, type } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";
import {
  bundle,
  BUNDLE_BUDGET_BYTES,
  BUNDLE_TARGET_BYTES,
  marginalCosts,
  NODE_BUNDLE_BUDGET_BYTES,
  ROOT,
  type BundleClient,
  type BundleResult,
  type Platform,
} from "./bundle.ts";
import { failure, lastJsonLine, runProc } from "./proc.ts";
import { startBenchServer, TTFB_DELAY_MS, TTFB_FIRST_BYTES } from "./server.ts";
import { loadKey, type Load } from "./load.ts";
import type { ClientName, Task, WorkerInput, WorkerOutput } from "./worker.ts";

/** The table's columns: every contender. */
type TableClient = ClientName;
const CLIENTS: TableClient[] = [
  "elevenlabs-fetch",
  "elevenlabs-fetch/fetch",
  "official-sdk",
  "fetch",
  "fetch-guarded",
  "node-http",
];
const LABEL: Record<ClientName, string> = {
  "elevenlabs-fetch": "this client, node:http",
  "elevenlabs-fetch/fetch": "this client, fetch",
  "official-sdk": "official SDK",
  fetch: "bare fetch",
  "fetch-guarded": "guarded fetch",
  "node-http": "bare node:http",
};
/** The contenders that are a package's bundle. */
const BUNDLED: Partial<Record<ClientName, BundleClient>> = {
  "elevenlabs-fetch": "elevenlabs-fetch",
  "official-sdk": "official-sdk",
  fetch: "fetch",
};

// ---------------------------------------------------------------------------------------------------------------
// Options

const { values: args } = parseArgs({
  options: {
    out: { type: "string", default: join(ROOT, ".tmp/bench.json") },
    spec: { type: "string" },
    runs: { type: "string", default: "5" },
    quick: { type: "boolean", default: false },
    "skip-build": { type: "boolean", default: false },
    "max-minutes": { type: "string", default: "10" },
    node: { type: "string" },
  },
  strict: true,
});
/** The node that runs the clients: the cold-import and request rows (type-check and codegen use this process's). */
const CLIENT_NODE = args.node ? resolve(args.node) : process.execPath;
const RUNS = Math.max(3, args.quick ? 3 : Number.parseInt(args.runs, 10) || 5);
const DEADLINE = Date.now() + Number(args["max-minutes"]) * 60_000;
const WORK = join(ROOT, ".tmp/bench");
const CONSUMER = join(WORK, "consumer");
const PACKAGE = join(CONSUMER, "node_modules/elevenlabs-fetch");
const WORKER = join(WORK, "worker.mjs");
const KiB = 1024;
const MiB = 1024 * KiB;
/** The loads every contender runs in each round: 64 KiB and 1 MiB answers, one at a time and 32 at a time. */
const LOADS: Load[] = args.quick
  ? [
      { bytes: 64 * KiB, concurrency: 1, requests: 200, warmup: 60 },
      { bytes: 64 * KiB, concurrency: 32, requests: 384, warmup: 96 },
      { bytes: MiB, concurrency: 1, requests: 24, warmup: 6 },
      { bytes: MiB, concurrency: 32, requests: 64, warmup: 32 },
    ]
  : [
      { bytes: 64 * KiB, concurrency: 1, requests: 2000, warmup: 300 },
      { bytes: 64 * KiB, concurrency: 32, requests: 3000, warmup: 500 },
      { bytes: MiB, concurrency: 1, requests: 200, warmup: 30 },
      { bytes: MiB, concurrency: 32, requests: 320, warmup: 64 },
    ];
const SIZES = {
  loads: LOADS,
  rss: { bytes: 200 * MiB },
  // At least 50 requests per contender over the rounds.
  ttfb: { requests: args.quick ? 17 : 20, warmup: 3 },
};

// ---------------------------------------------------------------------------------------------------------------
// Statistics and the table

interface Stat {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

function stat(samples: number[]): Stat | undefined {
  if (samples.length === 0) return undefined;
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s.at(-1)!, samples };
}

type Cell = { stat: Stat; unit: string; digits: number } | { text: string } | undefined;

interface Row {
  id: string;
  figure: string;
  cells: Partial<Record<TableClient, Cell>>;
  target?: string;
  /**
   * This client's figure as the target states it (a ratio or a difference): on node:http (or the package's, for the
   * rows that do not depend on the transport), with `transport: "fetch"`, and the SDK's for comparison.
   */
  versus?: { ours: string; fetchPath?: string; sdk?: string };
  pass?: boolean;
  note?: string;
}

const rows: Row[] = [];
const notes: string[] = [];

const fmt = (n: number, digits: number): string =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function showCell(cell: Cell): string {
  if (!cell) return "—";
  if ("text" in cell) return cell.text;
  const { stat: s, unit, digits } = cell;
  const range = s.samples.length > 1 ? ` (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : "";
  return `${fmt(s.median, digits)} ${unit}${range}`;
}

function table(): string {
  const head = [
    "figure",
    ...CLIENTS.map((c) => LABEL[c]),
    "target (this client)",
    "this client, node:http",
    "this client, fetch",
    "SDK",
    "result",
  ];
  const lines = rows.map((r) => [
    r.figure,
    ...CLIENTS.map((c) => showCell(r.cells[c])),
    r.target ?? "—",
    r.versus?.ours ?? "—",
    r.versus?.fetchPath ?? "—",
    r.versus?.sdk ?? "—",
    r.pass === undefined ? (r.note ? "SKIP" : "—") : r.pass ? "PASS" : "MISS",
  ]);
  const all = [head, ...lines];
  const widths = head.map((_, i) => Math.max(...all.map((l) => l[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(head), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...lines.map(line)].join("\n");
}

const median = (cell: Cell): number | undefined => (cell && "stat" in cell ? cell.stat.median : undefined);

/** Samples per run (undefined where that run failed), so that figures can be compared run by run. */
type Runs = (number | undefined)[];

/** `f(a[i], b[i])` for every run where both exist: a paired difference or ratio is steadier than one of medians. */
const paired = (a: Runs | undefined, b: Runs | undefined, f: (x: number, y: number) => number): number[] =>
  (a ?? []).flatMap((x, i) => (x === undefined || b?.[i] === undefined ? [] : [f(x, b[i]!)]));

const cellOf = (samples: number[], unit: string, digits: number): Cell => {
  const s = stat(samples);
  return s && { stat: s, unit, digits };
};

/** "1.37× fetch (1.25–1.45)": the median of the paired figures, with their range. */
function showVs(samples: number[], show: (v: number) => string): string {
  const s = stat(samples);
  if (!s) return "—";
  return s.samples.length > 1 ? `${show(s.median)} (${show(s.min)} … ${show(s.max)})` : show(s.median);
}

// ---------------------------------------------------------------------------------------------------------------
// Setup: build, install into a consumer folder, compile the worker

async function setup(): Promise<void> {
  // Another process may rebuild dist/ at the same moment (`npm test` does): build and copy, and retry once.
  for (let attempt = 1; ; attempt++) {
    try {
      if (!args["skip-build"]) {
        log("building (npm run build) …");
        const built = await runProc("npm", ["run", "-s", "build"], { cwd: ROOT, timeoutMs: 300_000 });
        if (built.code !== 0) throw new Error(`npm run build failed: ${failure(built)}`);
      }
      await install();
      break;
    } catch (error) {
      if (attempt >= 2) throw error;
      log(`${error instanceof Error ? error.message : String(error)}; once more …`);
    }
  }
  await esbuild.build({
    entryPoints: [join(ROOT, "scripts/bench/worker.ts")],
    outfile: WORKER,
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "warning",
  });
}

/** A consumer folder with a copy of the built package, as `npm install` would lay it out. */
async function install(): Promise<void> {
  await rm(CONSUMER, { recursive: true, force: true });
  await mkdir(join(PACKAGE, "dist"), { recursive: true });
  await writeFile(join(CONSUMER, "package.json"), JSON.stringify({ name: "bench-consumer", type: "module" }));
  // What `npm pack` ships (package.json "files"), minus README/LICENSE: package.json and dist/{src,generated}.
  await cp(join(ROOT, "package.json"), join(PACKAGE, "package.json"));
  for (const dir of ["src", "generated"]) {
    await cp(join(ROOT, "dist", dir), join(PACKAGE, "dist", dir), { recursive: true });
  }
  await access(join(PACKAGE, "dist/src/node/index.js"));
  await access(join(PACKAGE, "dist/src/browser.js"));
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

function timeLeft(what: string): boolean {
  if (Date.now() < DEADLINE) return true;
  notes.push(`${what}: skipped, the bench passed --max-minutes ${args["max-minutes"]}`);
  return false;
}

/** The clients in a different order each run, so none is always first (or always right after the slow SDK). */
const order = <T>(items: T[], run: number): T[] => items.map((_, i) => items[(i + run) % items.length]!);

// ---------------------------------------------------------------------------------------------------------------
// Rows

async function bundleRows(): Promise<void> {
  log("bundles (esbuild, minified, gzip -9) …");
  for (const platform of ["browser", "node"] as Platform[]) {
    const results: Partial<Record<ClientName, BundleResult>> = {};
    const cells: Row["cells"] = {};
    for (const client of CLIENTS) {
      const name = BUNDLED[client];
      if (!name) continue;
      const r = (results[client] = await bundle(name, platform, PACKAGE));
      cells[client] = r.ok ? { stat: stat([r.gzipBytes])!, unit: "B", digits: 0 } : { text: "build fails" };
      if (!r.ok) notes.push(`${LABEL[client]}, ${platform} bundle: ${r.error}`);
    }
    const ours = results["elevenlabs-fetch"]!;
    const sdk = results["official-sdk"]!;
    rows.push({
      id: `bundle-${platform}`,
      figure: `bundle, ${platform} entry (construct + convert + read; min+gzip)`,
      cells,
      target: `≤ ${fmt(BUNDLE_TARGET_BYTES / 1024, 0)} KiB (${BUNDLE_TARGET_BYTES} B)`,
      versus: {
        ours: ours.ok ? `${ours.gzipBytes} B = ${fmt(ours.gzipBytes / BUNDLE_TARGET_BYTES, 2)}× target` : "build fails",
        sdk: sdk.ok ? `${fmt(sdk.gzipBytes / BUNDLE_TARGET_BYTES, 0)}× target` : "build fails",
      },
      pass: ours.ok && ours.gzipBytes <= BUNDLE_TARGET_BYTES,
    });
    if (ours.ok) {
      if (platform === "browser") {
        notes.push(
          `bundle: CI (test/bench/bundle-size.test.ts) fails above ${BUNDLE_BUDGET_BYTES} B (browser), a regression ` +
            `budget just above today's size, and above ${NODE_BUNDLE_BUDGET_BYTES} B (node: the browser's plus at most ` +
            `1.3 kB for the node:http transport); the ${BUNDLE_TARGET_BYTES} B target is out of reach ` +
            `(scripts/bench/bundle.ts says why).`,
        );
      }
      if (platform === "browser" && !args.quick) {
        const four = await bundle("elevenlabs-fetch-tts4", platform, PACKAGE);
        notes.push(
          four.ok
            ? `bundle of an app using all four text-to-speech methods (convert, stream, convertWithTimestamps, ` +
                `streamWithTimestamps), browser: ${four.gzipBytes} B min+gzip (issue J's budget: 12 kB)`
            : `all-four-methods bundle: ${four.error}`,
        );
        const { all, costs } = await marginalCosts(platform);
        notes.push(
          `what each operation adds to the construct + convert bundle (from src/, ${all} B): ` +
            [...costs].map(([name, bytes]) => `${name} ${bytes} B`).join(", "),
        );
      }
      const short = (path: string) => path.replace(/^.*node_modules\/elevenlabs-fetch\//, "");
      notes.push(
        `elevenlabs-fetch ${platform} bundle: ${ours.bytes} B minified; by input: ` +
          ours.inputs.map((i) => `${short(i.path)} ${i.bytes}`).join(", "),
      );
    }
  }
}

/** Import (and construct) in a fresh `node`, against `node -e` with only the same one-line report. */
async function coldImportRows(): Promise<void> {
  log(`cold import (${RUNS + 2} runs) …`);
  const report = `process.stdout.write(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));`;
  const variants: Record<string, string> = {
    baseline: report,
    "import:elevenlabs-fetch": `await import("elevenlabs-fetch");${report}`,
    "import:official-sdk": `await import("@elevenlabs/elevenlabs-js");${report}`,
    // fetch needs no import; touching it makes Node load undici, which every client pays for on its first request.
    "import:fetch": `void globalThis.fetch;${report}`,
    "construct:elevenlabs-fetch": `const { ElevenLabsClient: C } = await import("elevenlabs-fetch"); new C({ apiKey: "k" });${report}`,
    "construct:official-sdk": `const { ElevenLabsClient: C } = await import("@elevenlabs/elevenlabs-js"); new C({ apiKey: "k" });${report}`,
  };
  const wall: Record<string, Runs> = {};
  const rss: Record<string, Runs> = {};
  const names = Object.keys(variants);
  // Two more runs than the others: process start times are noisy.
  // Two more rounds than the other rows (the first imports warm the disk cache), except with --quick.
  for (let run = 0; run < (args.quick ? RUNS : RUNS + 2) && timeLeft("cold import"); run++) {
    for (const name of order(names, run)) {
      const r = await runProc(CLIENT_NODE, ["--input-type=module", "-e", variants[name]!], {
        cwd: CONSUMER,
        timeoutMs: 30_000,
      });
      if (r.code !== 0) {
        notes.push(`cold import ${name}: ${failure(r)}`);
        continue;
      }
      const { maxRssKiB } = lastJsonLine(r.stdout) as { maxRssKiB: number };
      (wall[name] ??= [])[run] = r.wallMs;
      (rss[name] ??= [])[run] = maxRssKiB / 1024;
    }
  }
  const base = {
    wall: stat((wall.baseline ?? []).filter((v) => v !== undefined))?.median ?? NaN,
    rss: stat((rss.baseline ?? []).filter((v) => v !== undefined))?.median ?? NaN,
  };
  notes.push(
    `cold import: each figure minus the same run's baseline, \`node --input-type=module -e\` with only the RSS ` +
      `report (median ${fmt(base.wall, 1)} ms, ${fmt(base.rss, 1)} MiB).`,
  );
  const minus = (x: number, y: number) => x - y;
  const plus = (digits: number, unit: string) => (v: number) => `${v >= 0 ? "+" : ""}${fmt(v, digits)} ${unit}`;
  for (const [kind, label] of [
    ["import", "cold import"],
    ["construct", "cold import + new ElevenLabsClient()"],
  ] as const) {
    const wallCells: Row["cells"] = {};
    const rssCells: Row["cells"] = {};
    const wallDelta = {} as Record<ClientName, number[]>;
    const rssDelta = {} as Record<ClientName, number[]>;
    for (const client of CLIENTS) {
      const key = `${kind}:${client}`;
      wallDelta[client] = paired(wall[key], wall.baseline, minus);
      rssDelta[client] = paired(rss[key], rss.baseline, minus);
      wallCells[client] = cellOf(wallDelta[client], "ms", 1);
      rssCells[client] = cellOf(rssDelta[client], "MiB", 1);
    }
    const target = kind === "import";
    const oursWall = median(wallCells["elevenlabs-fetch"]);
    const oursRss = median(rssCells["elevenlabs-fetch"]);
    rows.push({
      id: `${kind}-wall`,
      figure: `${label}: wall time over node -e`,
      cells: wallCells,
      ...(target && {
        target: "≤ +25 ms",
        versus: {
          ours: showVs(wallDelta["elevenlabs-fetch"], plus(1, "ms")),
          sdk: showVs(wallDelta["official-sdk"], plus(0, "ms")),
        },
        ...(oursWall !== undefined && { pass: oursWall <= 25 }),
      }),
    });
    rows.push({
      id: `${kind}-rss`,
      figure: `${label}: RSS over node -e`,
      cells: rssCells,
      ...(target && {
        target: "≤ +6 MiB",
        versus: {
          ours: showVs(rssDelta["elevenlabs-fetch"], plus(1, "MiB")),
          sdk: showVs(rssDelta["official-sdk"], plus(0, "MiB")),
        },
        ...(oursRss !== undefined && { pass: oursRss <= 6 }),
      }),
    });
  }
}

/** Run one task for every client, RUNS times, interleaved; returns each client's outputs. */
async function measure(
  task: Task,
  baseUrl: string,
  timeoutMs: number,
  clients: ClientName[] = CLIENTS,
): Promise<Record<ClientName, WorkerOutput[]>> {
  const out = Object.fromEntries(CLIENTS.map((client) => [client, []])) as unknown as Record<
    ClientName,
    WorkerOutput[]
  >;
  for (let run = 0; run < RUNS && timeLeft(`${task.kind} run ${run + 1}`); run++) {
    for (const client of order(clients, run)) {
      const input: WorkerInput = {
        client,
        baseUrl,
        entry: join(PACKAGE, "dist/src/node/index.js"),
        task,
        deadlineMs: timeoutMs - 2_000,
      };
      const r = await runProc(CLIENT_NODE, [WORKER, JSON.stringify(input)], { cwd: CONSUMER, timeoutMs });
      let result: WorkerOutput;
      try {
        result = r.code === 0 ? (lastJsonLine(r.stdout) as WorkerOutput) : { ok: false, error: failure(r) };
      } catch {
        result = { ok: false, error: failure(r) };
      }
      if (!result.ok) notes.push(`${task.kind}, ${LABEL[client]}, run ${run + 1}: ${result.error}`);
      out[client].push(result);
    }
  }
  return out;
}

/** One metric of a task, per client and per run (undefined where the run failed). */
function runsOf(outputs: Record<ClientName, WorkerOutput[]>, metric: string): Record<ClientName, Runs> {
  const runs = {} as Record<ClientName, Runs>;
  for (const client of Object.keys(outputs) as ClientName[]) {
    runs[client] = outputs[client].map((o) => (o.ok && typeof o[metric] === "number" ? o[metric] : undefined));
  }
  return runs;
}

function cellsOf(runs: Record<ClientName, Runs>, unit: string, digits: number): Row["cells"] {
  const cells: Row["cells"] = {};
  for (const client of CLIENTS) {
    cells[client] = cellOf(
      (runs[client] ?? []).filter((v) => v !== undefined),
      unit,
      digits,
    );
  }
  return cells;
}

/**
 * A row whose target compares this client with bare fetch: the comparison is made run by run (each run measures
 * every contender back to back), and its median decides PASS or MISS, for each transport that has a target.
 */
function comparedRow(
  row: Omit<Row, "versus" | "pass" | "cells">,
  runs: Record<ClientName, Runs>,
  cell: { unit: string; digits: number },
  compare: (client: number, floor: number) => number,
  show: (value: number) => string,
  ok: { node?: (value: number) => boolean; fetch?: (value: number) => boolean } = {},
): void {
  const vs = (client: ClientName) => paired(runs[client], runs.fetch, compare);
  const node = stat(vs("elevenlabs-fetch"));
  const viaFetch = stat(vs("elevenlabs-fetch/fetch"));
  const verdicts = [ok.node && node && ok.node(node.median), ok.fetch && viaFetch && ok.fetch(viaFetch.median)].filter(
    (v) => v !== undefined,
  );
  rows.push({
    ...row,
    cells: cellsOf(runs, cell.unit, cell.digits),
    versus: {
      ours: showVs(vs("elevenlabs-fetch"), show),
      fetchPath: showVs(vs("elevenlabs-fetch/fetch"), show),
      sdk: showVs(vs("official-sdk"), show),
    },
    ...((ok.node || ok.fetch) && verdicts.length > 0 && { pass: verdicts.every(Boolean) }),
  });
  for (const reference of ["fetch-guarded", "node-http"] as const) {
    const ratio = vs(reference);
    if (ratio.length) notes.push(`${row.figure}: ${LABEL[reference]} ${showVs(ratio, show)}`);
  }
}

async function requestRows(baseUrl: string): Promise<void> {
  const ratio = (c: number, f: number) => c / f;
  const minus = (c: number, f: number) => c - f;
  const times = (v: number) => `${fmt(v, 2)}×`;
  const plus = (digits: number, unit: string) => (v: number) => `${v >= 0 ? "+" : ""}${fmt(v, digits)} ${unit}`;
  const size = (bytes: number) => (bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / KiB} KiB`);

  log(
    `requests: CPU and requests/s at 64 KiB and 1 MiB, concurrency 1 and 32, and time to first chunk ` +
      `(${RUNS} rounds × ${CLIENTS.length} contenders, one process each) …`,
  );
  // --quick leaves out the two references (guarded fetch, bare node:http): the targets are against bare fetch.
  const suite = await measure(
    { kind: "suite", loads: LOADS, ttfb: SIZES.ttfb },
    baseUrl,
    args.quick ? 60_000 : 180_000,
    args.quick ? CLIENTS.filter((c) => c !== "fetch-guarded" && c !== "node-http") : CLIENTS,
  );
  // The issue's targets: CPU at 64 KiB (sequential and concurrency 32), requests/s at 64 KiB and concurrency 32.
  for (const load of LOADS) {
    const targeted = load.bytes === 64 * KiB;
    comparedRow(
      {
        id: loadKey("cpu", load),
        figure: `CPU per request, ${size(load.bytes)}, concurrency ${load.concurrency}`,
        ...(targeted && { target: "node:http ≤ 0.75×, fetch ≤ 1.12× fetch" }),
      },
      runsOf(suite, loadKey("cpu", load)),
      { unit: "µs", digits: 0 },
      ratio,
      times,
      targeted ? { node: (v) => v <= 0.75, fetch: (v) => v <= 1.12 } : {},
    );
  }
  for (const load of LOADS) {
    const targeted = load.bytes === 64 * KiB && load.concurrency === 32;
    comparedRow(
      {
        id: loadKey("rps", load),
        figure: `requests/s, ${size(load.bytes)}, concurrency ${load.concurrency}`,
        ...(targeted && { target: "node:http ≥ 1.2×, fetch ≥ 0.95× fetch" }),
      },
      runsOf(suite, loadKey("rps", load)),
      { unit: "req/s", digits: 0 },
      ratio,
      times,
      targeted ? { node: (v) => v >= 1.2, fetch: (v) => v >= 0.95 } : {},
    );
  }
  comparedRow(
    {
      id: "ttfb",
      figure: `time to first chunk (${TTFB_FIRST_BYTES / 1024} KiB now, rest ${TTFB_DELAY_MS} ms later; ${SIZES.ttfb.requests} × ${RUNS})`,
      target: "node:http ≤ fetch, fetch ≤ fetch + 0.3 ms",
    },
    runsOf(suite, "firstChunkMs"),
    { unit: "ms", digits: 2 },
    minus,
    plus(2, "ms"),
    { node: (v) => v <= 0, fetch: (v) => v <= 0.3 },
  );
  notes.push(
    "guarded fetch: bare fetch plus the least that the transport's guarantees need (an abort signal, a headers timer, " +
      "manual redirects, one stream layer over the body); bare node:http: a keep-alive agent, the body as one " +
      "pull-based web stream (both in scripts/bench/worker.ts). Their ratios are the floors of this client's two paths.",
  );

  if (args.quick) {
    notes.push("peak RSS streaming 200 MiB: skipped with --quick");
    return;
  }
  const streamed: ClientName[] = ["elevenlabs-fetch", "elevenlabs-fetch/fetch", "official-sdk", "fetch"];
  log(`peak RSS streaming 200 MiB (${RUNS} runs × ${streamed.length} contenders) …`);
  const rss = await measure({ kind: "rss", ...SIZES.rss }, baseUrl, 120_000, streamed);
  comparedRow(
    { id: "rss", figure: "peak RSS, streaming 200 MiB to nowhere", target: "≤ fetch + 8 MiB" },
    runsOf(rss, "peakRssMiB"),
    { unit: "MiB", digits: 1 },
    minus,
    plus(1, "MiB"),
    { node: (v) => v <= 8, fetch: (v) => v <= 8 },
  );
  rows.push({
    id: "rss-growth",
    figure: "  of which growth while streaming",
    cells: cellsOf(runsOf(rss, "growthMiB"), "MiB", 1),
  });
}

const TYPECHECK_FILES: Record<"empty" | "elevenlabs-fetch" | "official-sdk" | "fetch", string> = {
  empty: "export {};\n",
  "elevenlabs-fetch": `import { ElevenLabsClient } from "elevenlabs-fetch";

const client = new ElevenLabsClient({ apiKey: "k" });
const audio = await client.textToSpeech.convert("JBFqnCBsd6RMkjVDRZzb", { text: "Hello", modelId: "eleven_multilingual_v2" });
const bytes: Uint8Array = await audio.bytes();
console.log(bytes.byteLength, audio.requestId);
`,
  "official-sdk": `import { ElevenLabsClient } from "@elevenlabs/elevenlabs-js";

const client = new ElevenLabsClient({ apiKey: "k" });
const audio = await client.textToSpeech.convert("JBFqnCBsd6RMkjVDRZzb", { text: "Hello", modelId: "eleven_multilingual_v2" });
const bytes = new Uint8Array(await new Response(audio).arrayBuffer());
console.log(bytes.byteLength);
`,
  fetch: `const response = await fetch("https://api.elevenlabs.io/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb", {
  method: "POST",
  headers: { "xi-api-key": "k", "content-type": "application/json" },
  body: JSON.stringify({ text: "Hello", model_id: "eleven_multilingual_v2" }),
});
console.log((await response.arrayBuffer()).byteLength);
`,
};

async function typecheckRow(): Promise<void> {
  if (args.quick) {
    notes.push("consumer type-check: skipped with --quick");
    return;
  }
  log(`consumer type-check (${RUNS} runs × 4 files) …`);
  const dir = join(CONSUMER, "typecheck");
  await mkdir(dir, { recursive: true });
  const tsc = join(ROOT, "node_modules/typescript/lib/tsc.js");
  const flags = [
    "--noEmit",
    "--strict",
    "--skipLibCheck",
    "--target",
    "es2022",
    "--module",
    "nodenext",
    "--moduleResolution",
    "nodenext",
    "--lib",
    "es2023,dom,dom.iterable",
    "--types",
    "node",
  ];
  const files = Object.keys(TYPECHECK_FILES) as (keyof typeof TYPECHECK_FILES)[];
  for (const name of files) await writeFile(join(dir, `${name}.ts`), TYPECHECK_FILES[name]);
  const times: Record<string, Runs> = {};
  for (let run = 0; run < RUNS && timeLeft("type-check"); run++) {
    for (const name of order(files, run)) {
      const r = await runProc(process.execPath, [tsc, ...flags, join(dir, `${name}.ts`)], {
        cwd: dir,
        timeoutMs: 120_000,
      });
      if (r.code !== 0) {
        notes.push(`type-check ${name}.ts: ${failure(r)}`);
        continue;
      }
      (times[name] ??= [])[run] = r.wallMs / 1000;
    }
  }
  const empty = stat((times.empty ?? []).filter((v) => v !== undefined))?.median ?? NaN;
  notes.push(
    `type-check: \`tsc ${flags.join(" ")} FILE\`, each file minus the same run's empty file ` +
      `(median ${fmt(empty, 2)} s).`,
  );
  const deltas = {} as Record<ClientName, number[]>;
  const cells: Row["cells"] = {};
  for (const client of ["elevenlabs-fetch", "official-sdk", "fetch"] as const) {
    deltas[client] = paired(times[client], times.empty, (x, y) => x - y);
    cells[client] = cellOf(deltas[client], "s", 2);
  }
  const ours = median(cells["elevenlabs-fetch"]);
  const show = (v: number) => `${v >= 0 ? "+" : ""}${fmt(v, 2)} s`;
  rows.push({
    id: "typecheck",
    figure: "consumer type-check (tsc, 6-line file) over an empty file",
    cells,
    target: "≤ +0.3 s",
    versus: { ours: showVs(deltas["elevenlabs-fetch"], show), sdk: showVs(deltas["official-sdk"], show) },
    ...(ours !== undefined && { pass: ours <= 0.3 }),
  });
}

async function codegenRow(): Promise<void> {
  const figure = "codegen, whole process (--spec FILE)";
  const cells: Row["cells"] = { "official-sdk": { text: "n/a" }, fetch: { text: "n/a" } };
  if (!args.spec) {
    rows.push({ id: "codegen", figure, cells, target: "≤ 2 s", note: "skipped: pass --spec FILE" });
    notes.push("codegen: skipped; pass `--spec FILE` (e.g. the full public ElevenLabs OpenAPI document) to time it.");
    return;
  }
  const spec = resolve(args.spec);
  log(`codegen on ${spec} (${RUNS} runs) …`);
  const times: number[] = [];
  for (let run = 0; run < RUNS && timeLeft("codegen"); run++) {
    const out = await mkdtemp(join(WORK, "codegen-"));
    // The command as typed, npm included; a fresh folder each run, so no stamp lets it skip the work.
    const r = await runProc("npm", ["run", "generate", "--", "--spec", spec, "--out", out], {
      cwd: ROOT,
      timeoutMs: 120_000,
    });
    await rm(out, { recursive: true, force: true });
    if (r.code !== 0) {
      notes.push(`codegen run ${run + 1}: ${failure(r)}`);
      continue;
    }
    times.push(r.wallMs / 1000);
  }
  const s = stat(times);
  cells["elevenlabs-fetch"] = s && { stat: s, unit: "s", digits: 2 };
  notes.push(
    `codegen: \`npm run generate -- --spec ${spec} --out <tmp>\`, timed as a whole process (a new folder each run).`,
  );
  rows.push({
    id: "codegen",
    figure,
    cells,
    target: "≤ 2 s",
    versus: { ours: s ? `${fmt(s.median, 2)} s` : "—" },
    ...(s && { pass: s.median <= 2 }),
  });
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * Instructions per request (64 KiB, one at a time), counted by valgrind's callgrind: the same figure on every run, however
 * loaded the machine is, unlike CPU time. Each contender runs `COUNT_FEW` and then `COUNT_MANY` requests in a process of
 * its own under callgrind (`node --single-threaded`: V8 compiles on the main thread, so the count is repeatable); the
 * difference over the extra requests is the steady-state cost of one, start-up and warm-up cancelled out. The server is
 * not counted. Skipped with --quick, and where valgrind is not installed.
 */
const COUNT_FEW = 200;
const COUNT_MANY = 1200;

async function instructionRow(baseUrl: string): Promise<void> {
  const id = "instructions-65536-c1";
  const figure = "instructions per request, 64 KiB, one at a time (callgrind)";
  const skip = (note: string): void => void rows.push({ id, figure, cells: {}, note });
  if (args.quick) return skip("skipped with --quick");
  if ((await runProc("valgrind", ["--version"], { timeoutMs: 10_000 })).code !== 0) {
    return skip("skipped: valgrind is not installed (apt-get install valgrind)");
  }
  log(`instructions: ${CLIENTS.length} contenders under callgrind, ${COUNT_FEW} and ${COUNT_MANY} requests each …`);
  const count = async (client: ClientName, requests: number): Promise<number | undefined> => {
    const input: WorkerInput = {
      client,
      baseUrl,
      entry: join(PACKAGE, "dist/src/node/index.js"),
      task: { kind: "count", requests },
      deadlineMs: 300_000,
    };
    const r = await runProc(
      "valgrind",
      [
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        CLIENT_NODE,
        "--single-threaded",
        WORKER,
        JSON.stringify(input),
      ],
      { cwd: CONSUMER, timeoutMs: 320_000 },
    );
    const collected = /Collected : (\d+)/.exec(r.stderr)?.[1];
    if (r.code !== 0 || !collected) {
      notes.push(`instructions, ${LABEL[client]}: ${failure(r)}`);
      return undefined;
    }
    return Number(collected);
  };
  const perRequest: Partial<Record<ClientName, number>> = {};
  for (const client of CLIENTS) {
    if (!timeLeft(`instructions, ${LABEL[client]}`)) break;
    const few = await count(client, COUNT_FEW);
    const many = few === undefined ? undefined : await count(client, COUNT_MANY);
    if (few !== undefined && many !== undefined) perRequest[client] = (many - few) / (COUNT_MANY - COUNT_FEW);
  }
  const cells: Row["cells"] = {};
  for (const [client, value] of Object.entries(perRequest) as [ClientName, number][]) {
    cells[client] = { text: `${fmt(value / 1000, 0)} k` };
  }
  const floor = perRequest.fetch;
  const vs = (client: ClientName) => {
    const value = perRequest[client];
    return value === undefined || !floor ? "—" : `${fmt(value / floor, 2)}×`;
  };
  rows.push({
    id,
    figure,
    cells,
    target: "(CPU targets, counted)",
    versus: { ours: vs("elevenlabs-fetch"), fetchPath: vs("elevenlabs-fetch/fetch"), sdk: vs("official-sdk") },
  });
  notes.push(
    `instructions: guarded fetch ${vs("fetch-guarded")}, bare node:http ${vs("node-http")} of bare fetch; ` +
      `one count per contender (repeatable to about 0.1 %), the server not counted`,
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadBefore = loadavg();
  await mkdir(WORK, { recursive: true });
  await setup();
  const server = await startBenchServer();
  log(`server on ${server.url}`);
  try {
    await bundleRows();
    await coldImportRows();
    await requestRows(server.url);
    await instructionRow(server.url);
    await typecheckRow();
    await codegenRow();
  } finally {
    await server.close();
  }
  const machine = {
    date: new Date().toISOString(),
    node: args.node
      ? (await runProc(CLIENT_NODE, ["--version"], { timeoutMs: 10_000 })).stdout.trim()
      : process.version,
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? "unknown",
    os: `${type()} ${release()}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    sdk: await sdkVersion(),
    /** 1, 5 and 15 minute load averages when the bench started and when it ended (the machine may be shared). */
    loadAverage: { before: loadBefore, after: loadavg() },
  };
  const loads = (l: number[]) => l.map((v) => fmt(v, 2)).join(", ");
  const command = `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim().replace(/ --$/, "");
  const text = [
    `elevenlabs-fetch benchmark — ${machine.date.slice(0, 10)}, Node ${machine.node}${args.node ? ` (the clients; type-check and codegen on ${process.version})` : ""}, ${machine.nproc} CPUs (${machine.cpu}), ${machine.os}`,
    `command: ${command}; official SDK @elevenlabs/elevenlabs-js ${machine.sdk}; ${RUNS} runs per figure, median (min–max)`,
    `load average (1, 5, 15 min): ${loads(machine.loadAverage.before)} at the start, ${loads(machine.loadAverage.after)} at the end`,
    "",
    table(),
    "",
    ...notes.map((n) => `- ${n}`),
  ].join("\n");
  process.stdout.write(`${text}\n`);
  const out = resolve(args.out);
  await mkdir(resolve(out, ".."), { recursive: true });
  await writeFile(
    out,
    `${JSON.stringify({ machine, command, runs: RUNS, sizes: SIZES, rows, notes, seconds: (Date.now() - started) / 1000 }, null, 2)}\n`,
  );
  log(`wrote ${out} (${Math.round((Date.now() - started) / 1000)} s)`);
  const missed = rows.filter((r) => r.pass === false).map((r) => r.id);
  if (missed.length) log(`targets missed: ${missed.join(", ")}`);
}

async function sdkVersion(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(join(ROOT, "node_modules/@elevenlabs/elevenlabs-js/package.json"), "utf8"));
    return String((pkg as { version?: unknown }).version);
  } catch {
    return "unknown";
  }
}

await main();
