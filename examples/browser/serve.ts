/**
 * Serve the browser example on loopback: `npx tsx examples/browser/serve.ts [--port 4173]` prints the URL to open.
 * (It bundles the package's browser build from dist/: run `npm run build` first.)
 *
 * One origin does everything, as a production setup would: it serves the page and its module (bundled by esbuild
 * for the browser on start, into a temporary folder), and forwards `/v1/*` to the API — here the local
 * ElevenLabs-compatible server — putting the API key on the request itself. The page never holds a real key, and
 * the browser never makes a cross-origin request (no CORS, no preflight per request).
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { AddressInfo, Socket } from "node:net";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { startMockServer, type MockServer } from "elevenlabs-fetch/mock";

const HERE = import.meta.dirname;
const ROOT = resolve(HERE, "../..");

export interface BrowserExampleOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** The local server's audio: "auto" (speech when the speech engine is installed) or "tone" (fast, for tests). */
  engine?: "auto" | "tone";
  /** The key the proxy sends upstream (the only key the local server accepts). */
  apiKey?: string;
}

export interface BrowserExample {
  /** The page's address. */
  url: string;
  /** The local server behind the proxy, with the requests it received. */
  mock: MockServer;
  close(): Promise<void>;
}

/** Bundle app.ts for the browser, resolving "elevenlabs-fetch" like a user's bundler does: through `exports`. */
async function bundle(outdir: string): Promise<void> {
  if (!existsSync(join(ROOT, "dist/src/browser.js"))) {
    throw new Error("dist/ is missing: run `npm run build` first (the page bundles the package's browser build)");
  }
  await build({
    entryPoints: [join(HERE, "app.ts")],
    outdir,
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    // Not the project's tsconfig: its `paths` point "elevenlabs-fetch" at src/node for the typecheck.
    tsconfigRaw: "{}",
    logLevel: "silent",
  });
}

/** Forward one request to the local server, with the server-side key instead of whatever the page sent. */
function proxy(req: IncomingMessage, res: ServerResponse, upstream: string, apiKey: string): void {
  const headers = { ...req.headers, host: new URL(upstream).host, "xi-api-key": apiKey };
  const out = httpRequest(new URL(req.url ?? "/", upstream), { method: req.method ?? "GET", headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  out.on("error", (error) => {
    if (res.headersSent) res.destroy();
    else res.writeHead(502, { "content-type": "text/plain" }).end(`proxy error: ${error.message}`);
  });
  req.pipe(out);
}

export async function serveBrowserExample(options: BrowserExampleOptions = {}): Promise<BrowserExample> {
  const apiKey = options.apiKey ?? "local-server-key";
  const outdir = await mkdtemp(join(tmpdir(), "elevenlabs-fetch-browser-"));
  let mock: MockServer | undefined;
  try {
    await bundle(outdir);
    // cors: false: the page and its API share one origin, so the local server needs no CORS headers.
    mock = await startMockServer({ engine: options.engine ?? "auto", apiKeys: [apiKey], cors: false });
  } catch (error) {
    await rm(outdir, { recursive: true, force: true });
    throw error;
  }
  const local = mock;
  const upstream = local.url;
  const files: Record<string, [file: string, type: string]> = {
    "/": [join(HERE, "index.html"), "text/html; charset=utf-8"],
    "/app.js": [join(outdir, "app.js"), "text/javascript; charset=utf-8"],
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://page").pathname;
    if (path.startsWith("/v1/")) return proxy(req, res, upstream, apiKey);
    const entry = files[path];
    if (req.method !== "GET" || !entry) {
      res.writeHead(path === "/favicon.ico" ? 204 : 404).end();
      return;
    }
    readFile(entry[0]).then(
      (body) =>
        res
          .writeHead(200, {
            "content-type": entry[1],
            "cache-control": "no-store",
            // The page may load only its own files, and play audio from blob: URLs.
            "content-security-policy": "default-src 'self'; style-src 'unsafe-inline'; media-src blob:",
          })
          .end(body),
      () => res.writeHead(500).end(),
    );
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((ready) => server.listen(options.port ?? 0, "127.0.0.1", ready));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    mock: local,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((done) => server.close(() => done()));
      await local.close();
      await rm(outdir, { recursive: true, force: true });
    },
  };
}

// Run by hand: print the URL, stop on Ctrl-C.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const at = process.argv.indexOf("--port");
  const example = await serveBrowserExample({ port: at > 0 ? Number(process.argv[at + 1]) : 4173 });
  console.log(`Browser example: open ${example.url} (the API is the local server at ${example.mock.url})`);
  console.log("Ctrl-C to stop");
  process.once("SIGINT", () => void example.close().then(() => process.exit(0)));
}
