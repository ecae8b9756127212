/** Prism (@stoplight/prism-cli) on loopback, as an independent oracle of what the spec allows. */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

export interface Prism {
  url: string;
  close(): Promise<void>;
}

export async function startPrism(spec = join(ROOT, "generated/openapi.json")): Promise<Prism> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    join(ROOT, "node_modules/.bin/prism"),
    ["mock", spec, "--host", "127.0.0.1", "--port", String(port), "--errors"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await new Promise<void>((ready, fail) => {
    let log = "";
    const timer = setTimeout(() => fail(new Error(`prism did not start in 30 s:\n${log}`)), 30_000);
    const onData = (d: Buffer) => {
      log += d.toString();
      if (log.includes("Prism is listening")) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => fail(new Error(`prism exited (${code}):\n${log}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}
