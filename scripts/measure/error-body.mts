/**
 * What a hostile error body costs the client (issue H): `npx tsx scripts/measure/error-body.mts [ROOT]`.
 * A server in a child process answers 500 with (a) a 5 MB HTML page, (b) a body that never ends, sent fast, (c) a
 * body that drips a byte every 100 ms for ever. For each, the client's time to the error and its peak RSS over the
 * RSS after a warm-up request are printed. ROOT (default: this checkout) is the project whose src/ is measured, so an
 * older checkout can be measured side by side.
 */
import { fork } from "node:child_process";
import { resolve } from "node:path";

const SERVER = `
const { createServer } = require("node:http");
const big = "<html>" + "<p>  lorem   ipsum  </p>\\n".repeat(Math.ceil(5e6 / 24)) + "</html>";
const server = createServer((req, res) => {
  req.resume();
  const kind = req.headers["x-kind"];
  if (kind === "warm") { res.writeHead(200, { "content-type": "audio/mpeg" }); return res.end(Buffer.alloc(1024)); }
  res.writeHead(500, { "content-type": "text/html" });
  if (kind === "big") return res.end(big);
  const chunk = Buffer.alloc(16384, 0x20);
  const t = setInterval(() => res.write(kind === "drip" ? " " : chunk), kind === "drip" ? 100 : 2);
  res.on("close", () => clearInterval(t));
});
server.listen(0, "127.0.0.1", () => process.send(server.address().port));
`;

const root = resolve(process.argv[2] ?? resolve(import.meta.dirname, "../.."));
const { ElevenLabsClient } = (await import(`${root}/src/index.ts`)) as typeof import("../../src/index.ts");
const child = fork("-e", [SERVER], { execArgv: ["-e", SERVER], stdio: "inherit" });
const port = await new Promise<number>((r) => child.once("message", (m) => r(Number(m))));
const client = new ElevenLabsClient({ apiKey: "measure-key", baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 });
const call = (kind: string) => client.textToSpeech.convert("v", { text: "Hi" }, { headers: { "x-kind": kind } });
await (await call("warm")).bytes();

for (const kind of ["big", "endless", "drip"]) {
  globalThis.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
  const started = performance.now();
  const limit = AbortSignal.timeout(60_000);
  const error = await Promise.race([
    call(kind)
      .then((audio) => audio.bytes())
      .catch((e: unknown) => e),
    new Promise((r) => limit.addEventListener("abort", () => r(new Error("no error after 60 s")))),
  ]);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const e = error as Error & { body?: unknown };
  console.log(
    `${kind.padEnd(8)} ${String(Math.round(performance.now() - started)).padStart(6)} ms  ` +
      `peak RSS +${((peak - base) / 2 ** 20).toFixed(1)} MiB  ${e.name}, body ${String(e.body ?? "").length} chars, message ${e.message.length} chars`,
  );
}
child.kill();
process.exit(0);
