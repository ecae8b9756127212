/** Runs the CLI's main() in this process against a local server, with fake stdio: what the CLI test files use. */
import type { EventEmitter } from "node:events";
import { PassThrough, type Readable } from "node:stream";
import { afterAll, beforeAll } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { main } from "../../src/node/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

export interface CliRun {
  code: number;
  out: string;
  err: string;
  /** stdout as bytes (audio with -o -). */
  bytes: Buffer;
}

export async function runCli(
  baseUrl: string,
  args: string[],
  options: {
    /** A string, ended at once; or a stream the test writes as it goes. */
    stdin?: string | Readable;
    env?: Record<string, string | undefined>;
    tty?: boolean;
    /** Where the test sends SIGINT or SIGTERM (`emit("SIGINT")`). */
    signals?: EventEmitter;
    /** Called with each piece of stderr as it is written. */
    onStderr?: (text: string) => void;
  } = {},
): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: options.tty ?? false });
  const stdin = typeof options.stdin === "object" ? options.stdin : new PassThrough().end(options.stdin ?? "");
  const outParts: Buffer[] = [];
  let err = "";
  stdout.on("data", (d: Buffer) => outParts.push(d));
  stderr.on("data", (d: Buffer) => {
    err += d.toString();
    options.onStderr?.(d.toString());
  });
  const saved = { ...process.env };
  Object.assign(process.env, { ELEVENLABS_API_KEY: "cli-key", ELEVENLABS_BASE_URL: baseUrl }, options.env);
  for (const [k, v] of Object.entries(options.env ?? {})) if (v === undefined) Reflect.deleteProperty(process.env, k);
  try {
    const code = await main(args, {
      stdout,
      stderr,
      stdin,
      env: process.env,
      ...(options.signals ? { signals: options.signals } : {}),
    });
    const bytes = Buffer.concat(outParts);
    return { code, out: bytes.toString(), err, bytes };
  } finally {
    process.env = saved;
  }
}

/**
 * A local server (tone engine) and a scratch folder for one CLI test file, started before its tests and closed after:
 * read `fixture.mock`, `fixture.dir`, and run the CLI against the server with `fixture.cli(args)`.
 */
export function cliFixture(prefix: string) {
  const state: { mock?: MockServer; dir?: string } = {};
  beforeAll(async () => {
    state.mock = await startMockServer({ engine: "tone" });
    state.dir = await tempDir(prefix);
  });
  afterAll(() => state.mock?.close());
  return {
    get mock(): MockServer {
      return state.mock!;
    },
    get dir(): string {
      return state.dir!;
    },
    cli: (args: string[], options: Parameters<typeof runCli>[2] = {}) => runCli(state.mock!.url, args, options),
  };
}
