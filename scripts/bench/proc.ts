/** Run a child process with a hard time limit, capturing its output and its wall time. Never hangs. */
import { spawn } from "node:child_process";

export interface ProcResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  timedOut: boolean;
}

export interface ProcOptions {
  cwd?: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

const MAX_OUTPUT = 1 << 20;

export function runProc(command: string, args: string[], options: ProcOptions): Promise<ProcResult> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += d.toString();
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ code, signal, stdout, stderr, wallMs, timedOut });
    };
    child.on("error", (error) => {
      stderr += String(error);
      finish(null, null);
    });
    child.on("close", finish);
  });
}

/** The last non-empty line of a child's stdout, parsed as JSON. */
export function lastJsonLine(stdout: string): unknown {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as unknown;
}

/** A one-line description of why a child failed. */
export function failure(result: ProcResult): string {
  if (result.timedOut) return `timed out after ${Math.round(result.wallMs)} ms`;
  const tail = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-3).join(" | ");
  return `exit ${result.code ?? result.signal}: ${tail.slice(0, 400)}`;
}
