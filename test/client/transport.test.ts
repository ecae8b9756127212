// The send seam: which transport a client uses, and what both keep. This file runs in the "unit" project (the core's
// client, fetch) and in "node-send" (the Node entry's client, node:http): the tests without a transport named hold for
// both.
import { createServer, request as httpRequest, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ElevenLabsClient, ValidationError } from "../../src/index.ts";
import { ElevenLabsClient as NodeClient } from "../../src/node/index.ts";
import { ElevenLabsClient as CoreClient } from "../../src/client.ts";
import { proxyFor } from "../../src/node/send.ts";
import { audio, json, startTestServer, type TestServer } from "../helpers/server.ts";

vi.mock("../../src/core/retry.ts", async (original) =>
  (await import("../helpers/retry-sleep.ts")).recordRetrySleeps(await original()),
);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(audio(new Uint8Array(1000).fill(7)));
});
afterAll(() => server.close());

const VOICE = "voice";
/** fetch (undici) sends `sec-fetch-mode`; node:http does not. */
const viaFetch = (r: { headers: IncomingMessage["headers"] }): boolean => r.headers["sec-fetch-mode"] !== undefined;

async function lastRequest(client: CoreClient): Promise<{ headers: IncomingMessage["headers"] }> {
  await (await client.textToSpeech.convert(VOICE, { text: "Hi" })).bytes();
  const last = server.requests.at(-1);
  if (!last) throw new Error("no request");
  return last;
}

const options = (): { apiKey: string; baseUrl: string; maxRetries: number } => ({
  apiKey: "k",
  baseUrl: server.url,
  maxRetries: 0,
});

describe("which transport", () => {
  it("the Node entry's client sends with node:http, the core's (the browser entry's) with fetch", async () => {
    expect(viaFetch(await lastRequest(new NodeClient(options())))).toBe(false);
    expect(viaFetch(await lastRequest(new CoreClient(options())))).toBe(true);
  });

  it('transport: "fetch" on the Node entry sends with fetch; a fetch option always does', async () => {
    expect(viaFetch(await lastRequest(new NodeClient({ ...options(), transport: "fetch" })))).toBe(true);
    let calls = 0;
    const counting: typeof fetch = (input, init) => (calls++, fetch(input, init));
    await lastRequest(new NodeClient({ ...options(), fetch: counting }));
    expect(calls).toBe(1);
  });

  it('transport: "node" is refused with a fetch option, and any other value is refused', () => {
    expect(() => new NodeClient({ ...options(), transport: "node", fetch })).toThrow(ValidationError);
    expect(() => new NodeClient({ ...options(), transport: "undici" as "node" })).toThrow(/got "undici"/);
  });
});

describe("proxies are never bypassed", () => {
  const KEYS = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"];
  const DISPATCHER = Symbol.for("undici.globalDispatcher.1");
  const globals = globalThis as Record<symbol, unknown>;
  beforeEach(() => {
    for (const key of KEYS) vi.stubEnv(key, undefined);
  });
  afterEach(() => vi.unstubAllEnvs());

  it("HTTP_PROXY for the URL: the request goes through fetch, as Node's own would; NO_PROXY for it: node:http", async () => {
    vi.stubEnv("HTTP_PROXY", "http://127.0.0.1:9");
    expect(viaFetch(await lastRequest(new NodeClient(options())))).toBe(true);
    vi.stubEnv("NO_PROXY", "example.com, 127.0.0.1");
    expect(viaFetch(await lastRequest(new NodeClient(options())))).toBe(false);
    vi.stubEnv("NO_PROXY", "127.0.0.1:1");
    expect(viaFetch(await lastRequest(new NodeClient(options())))).toBe(true);
    // An HTTPS proxy does not apply to an http:// URL.
    vi.stubEnv("HTTP_PROXY", undefined);
    vi.stubEnv("HTTPS_PROXY", "http://127.0.0.1:9");
    expect(viaFetch(await lastRequest(new NodeClient(options())))).toBe(false);
    // transport: "node" is node:http whatever the environment says.
    vi.stubEnv("HTTP_PROXY", "http://127.0.0.1:9");
    vi.stubEnv("NO_PROXY", "");
    expect(viaFetch(await lastRequest(new NodeClient({ ...options(), transport: "node" })))).toBe(false);
  });

  it("an environment that cannot be read (Deno without --allow-env): fetch, which may know a proxy we cannot see", async () => {
    const client = new NodeClient(options());
    const env = process.env;
    process.env = new Proxy(
      {},
      {
        get: () => {
          throw new Error("PermissionDenied: Requires env access");
        },
      },
    );
    try {
      expect(viaFetch(await lastRequest(client))).toBe(true);
    } finally {
      process.env = env;
    }
  });

  it("NO_PROXY as undici's EnvHttpProxyAgent reads it", () => {
    const proxy = { HTTPS_PROXY: "http://proxy:3128", HTTP_PROXY: "http://proxy:3128" };
    const via = (url: string, noProxy?: string) => proxyFor(url, { ...proxy, NO_PROXY: noProxy });
    expect(via("https://api.elevenlabs.io/v1")).toBe(true);
    expect(via("https://api.elevenlabs.io/v1", "*")).toBe(false);
    expect(via("https://api.elevenlabs.io/v1", "elevenlabs.io")).toBe(false); // a domain and its subdomains
    expect(via("https://api.elevenlabs.io/v1", ".elevenlabs.io")).toBe(false);
    expect(via("https://api.elevenlabs.io/v1", "*.elevenlabs.io")).toBe(false);
    expect(via("https://api.elevenlabs.io/v1", "lelevenlabs.io")).toBe(true); // not a suffix at a dot
    expect(via("https://api.elevenlabs.io/v1", "api.elevenlabs.io:443")).toBe(false);
    expect(via("https://api.elevenlabs.io/v1", "api.elevenlabs.io:8443")).toBe(true);
    expect(via("http://[::1]:8080/", "::1")).toBe(false);
    expect(via("http://[::1]:8080/", "[::1]:8080")).toBe(false);
    expect(via("http://[::1]:8080/", "[::1]:9")).toBe(true);
    expect(via("http://127.0.0.1:8080/", "localhost, 127.0.0.1")).toBe(false);
    // An http proxy applies to https URLs when no https one is set, as undici does; not the other way round.
    expect(proxyFor("https://api.elevenlabs.io/", { http_proxy: "http://proxy:3128" })).toBe(true);
    expect(proxyFor("http://127.0.0.1/", { https_proxy: "http://proxy:3128" })).toBe(false);
  });

  it("an undici global dispatcher that goes through a loopback proxy: the request goes through it", async () => {
    // A forward proxy on loopback: it answers absolute-form requests by sending them on.
    const seen: string[] = [];
    const proxy = createServer((req, res) => {
      seen.push(req.url ?? "");
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const out = httpRequest(req.url ?? "", { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        out.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const proxyOrigin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    await fetch(`${server.url}/warm-up`).then((r) => r.arrayBuffer()); // Node's own dispatcher is now installed
    const plain = globals[DISPATCHER] as { dispatch(options: Record<string, unknown>, handler: unknown): boolean };
    // What undici's ProxyAgent does for plain http: the request, in absolute form, to the proxy.
    const viaProxy = {
      dispatch: (opts: Record<string, unknown>, handler: unknown) =>
        plain.dispatch({ ...opts, origin: proxyOrigin, path: `${String(opts.origin)}${String(opts.path)}` }, handler),
    };
    try {
      const client = new NodeClient(options());
      expect(viaFetch(await lastRequest(client))).toBe(false); // Node's default dispatcher: node:http
      globals[DISPATCHER] = viaProxy;
      await lastRequest(client);
      expect(seen).toEqual([`${server.url}/v1/text-to-speech/voice?output_format=mp3_44100_128`]);
    } finally {
      globals[DISPATCHER] = plain;
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});

describe("both transports", () => {
  it.each([
    ["gzip", gzipSync],
    ["deflate", deflateSync],
    ["br", brotliCompressSync],
  ])("a JSON answer in %s is decoded", async (encoding, compress) => {
    const models = [{ model_id: "m1", name: "Model one" }];
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": encoding });
      res.end(compress(Buffer.from(JSON.stringify(models))));
    });
    try {
      const client = new ElevenLabsClient(options());
      expect(await client.models.list()).toEqual([{ modelId: "m1", name: "Model one" }]);
      expect(server.requests.at(-1)?.headers["accept-encoding"]).toMatch(/gzip/);
    } finally {
      server.handle(audio(new Uint8Array(1000).fill(7)));
    }
  });

  it("rawResponse is a Response with the status, the headers and the URL", async () => {
    const client = new ElevenLabsClient(options());
    const { data, rawResponse } = await client.textToSpeech.convert(VOICE, { text: "Hi" }).withRawResponse();
    expect(rawResponse).toBeInstanceOf(Response);
    expect(rawResponse.status).toBe(200);
    expect(rawResponse.headers.get("request-id")).toBe("req_123");
    expect(rawResponse.url).toBe(`${server.url}/v1/text-to-speech/voice?output_format=mp3_44100_128`);
    expect((await data.bytes()).byteLength).toBe(1000);
  });

  it("a 204 gives undefined; a HEAD-less JSON error is still its error class", async () => {
    server.handle((_req, res) => res.writeHead(204).end());
    try {
      const client = new ElevenLabsClient(options());
      expect(await client.models.list()).toBeUndefined();
      server.handle(json(404, { detail: "nope" }));
      await expect(client.models.list()).rejects.toMatchObject({ statusCode: 404 });
    } finally {
      server.handle(audio(new Uint8Array(1000).fill(7)));
    }
  });
});

describe("node:http", () => {
  it("sequential requests reuse one kept-alive connection", async () => {
    const sockets = new Set<Socket>();
    const client = new NodeClient(options());
    server.handle((req, res) => {
      sockets.add(req.socket);
      audio(new Uint8Array(100).fill(1))(req, res, undefined as never);
    });
    try {
      for (let i = 0; i < 5; i++) await (await client.textToSpeech.convert(VOICE, { text: "Hi" })).bytes();
      expect(sockets.size).toBe(1);
    } finally {
      server.handle(audio(new Uint8Array(1000).fill(7)));
    }
  });

  it("a kept-alive socket the server closed fails before any response, as a connection failure, and is retried", async () => {
    const served = new WeakSet<Socket>();
    let dropped = 0;
    server.handle((req, res) => {
      // The second request on a socket finds it closed (as a server's keep-alive timeout would), before any answer.
      if (served.has(req.socket) && dropped === 0) {
        dropped++;
        req.socket.destroy();
        return;
      }
      served.add(req.socket);
      audio(new Uint8Array(100).fill(1))(req, res, undefined as never);
    });
    try {
      const errors: { error: Error; willRetry: boolean }[] = [];
      const client = new NodeClient({ ...options(), maxRetries: 1, onError: (e) => errors.push(e) });
      await (await client.textToSpeech.convert(VOICE, { text: "Hi" })).bytes();
      const bytes = await (await client.textToSpeech.convert(VOICE, { text: "Hi" })).bytes();
      expect(bytes.byteLength).toBe(100);
      expect(dropped).toBe(1);
      expect(errors.map((e) => [e.error.name, e.willRetry])).toEqual([["ConnectionError", true]]);
    } finally {
      server.handle(audio(new Uint8Array(1000).fill(7)));
    }
  });

  it("a gzip body cut short is an error, not a short answer", async () => {
    const whole = gzipSync(Buffer.from(JSON.stringify([{ model_id: "m".repeat(5000) }])));
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(whole.subarray(0, whole.byteLength - 20));
    });
    try {
      await expect(new NodeClient(options()).models.list()).rejects.toThrow(/unexpected end of file/);
    } finally {
      server.handle(audio(new Uint8Array(1000).fill(7)));
    }
  });
});
