// What an outside audit of the packed package found after the first reliability round, one test per hole: lenient
// HTTP dates, errno codes taken for network failures, keys that still reached an error (redirect headers, escaped or
// cut echoes, a custom fetch's message), client.raw's per-request baseUrl and header pairs, control characters in
// headers, a custom fetch or body that ignores the abort, throwing hooks that leaked the connection, and careless
// calls that threw TypeErrors.
import { getEventListeners } from "node:events";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConnectionError,
  convertLongForm,
  ElevenLabsAbortError,
  ElevenLabsClient,
  ElevenLabsError,
  ElevenLabsTimeoutError,
  ValidationError,
  type ElevenLabsClientOptions,
  type RequestOptions,
} from "../../src/index.ts";
import { retryDelayMs } from "../../src/core/retry.ts";
import { play } from "../../src/node/play.ts";
import { fakePlayers } from "../helpers/fake-players.ts";
import { audio, json, startTestServer, type TestServer } from "../helpers/server.ts";
import { settle } from "../helpers/settle.ts";

const KEY = "sk_client_key_0123456789";
const OTHER = "sk/tenant/0123456789abcdef";
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const client = (options: ElevenLabsClientOptions = {}) =>
  new ElevenLabsClient({ apiKey: KEY, baseUrl: server.url, maxRetries: 0, ...options });
const text = "Audit me.";
const MP3 = new Uint8Array(4096).fill(0xff);
const exposures = (e: unknown) => [
  (e as Error).message,
  String((e as Error).stack),
  JSON.stringify(e),
  inspect(e, { depth: 10, showHidden: true }),
  JSON.stringify((e as ElevenLabsError).body ?? null),
  JSON.stringify([...((e as ElevenLabsError).headers ?? new Headers())]),
];
const fetchThat = (impl: () => Promise<Response>) => {
  const calls: unknown[] = [];
  const fetch = ((...args: unknown[]) => {
    calls.push(args);
    return impl();
  }) as typeof globalThis.fetch;
  return { fetch, calls };
};

describe("Retry-After: only RFC 9110's HTTP-date forms", () => {
  it.each(["Wed 2099", "Dec 31 2099", "Mon, 1 Jan 2099", "Thursday, 2099", "Abc 1999", "Sat, 2099-01-01"])(
    "%s is not a date: the backoff applies",
    (value) => expect(retryDelayMs(0, new Headers({ "retry-after": value }), 0, () => 0)).toBe(500),
  );
  it("the three forms are dates, and a value with spaces around it is trimmed", () => {
    const now = Date.parse("1994-11-06T08:49:30Z");
    for (const date of ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"])
      expect(retryDelayMs(0, new Headers({ "retry-after": date }), now, () => 0)).toBe(7000);
    const raw = { get: (name: string) => (name === "retry-after" ? "1 " : null) } as Headers;
    expect(retryDelayMs(0, raw, 0, () => 0)).toBe(1000);
  });
});

describe("failures that are not the network's", () => {
  it.each(["ENOENT", "EACCES", "EINVAL", "ERR"])("a thrown error with code %s is not retried", async (code) => {
    const { fetch, calls } = fetchThat(() => Promise.reject(Object.assign(new Error("nope"), { code })));
    const error = await client({ fetch, maxRetries: 2 })
      .textToSpeech.convert("v", { text })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsError);
    expect(error).not.toBeInstanceOf(ConnectionError);
    expect(calls).toHaveLength(1);
  });

  it("Response.error() from a custom fetch is a connection failure; something not a Response is an error", async () => {
    const failed = await client({ fetch: fetchThat(async () => Response.error()).fetch })
      .textToSpeech.convert("v", { text })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ConnectionError);
    const odd = await client({ fetch: fetchThat(async () => "nope" as unknown as Response).fetch })
      .textToSpeech.convert("v", { text })
      .catch((e: unknown) => e);
    expect(odd).toBeInstanceOf(ElevenLabsError);
    expect((odd as Error).message).toContain("not a Response");
  });
});

describe("no key in any error", () => {
  it("a refused cross-origin redirect whose headers echo the key", async () => {
    server.handle((req, res) => {
      res.writeHead(307, { location: "http://127.0.0.2:9/elsewhere", "x-echo": String(req.headers["xi-api-key"]) });
      res.end();
    });
    for (const options of [{}, { apiKey: OTHER }] as RequestOptions[]) {
      const error = await client()
        .textToSpeech.convert("v", { text }, options)
        .catch((e: unknown) => e);
      expect((error as Error).message).toContain("another origin");
      for (const place of exposures(error)) {
        expect(place).not.toContain(KEY);
        expect(place).not.toContain(OTHER);
      }
    }
  });

  it("an echo escaped in JSON (\\/ and \\u0073), and a key cut at the 64 KiB boundary", async () => {
    const escaped = JSON.stringify({ detail: { message: `bad key ${OTHER}` } }).replaceAll("/", "\\/");
    const unicode = `{"detail":{"message":"bad key \\u0073${KEY.slice(1)}"}}`;
    const cut = `${" ".repeat(65_536 - 12)}${OTHER}`;
    for (const body of [escaped, unicode, cut]) {
      server.handle((_req, res) => {
        res.writeHead(401, { "content-type": body === cut ? "text/plain" : "application/json" });
        res.end(body);
      });
      const error = await client()
        .textToSpeech.convert("v", { text }, { apiKey: OTHER })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ElevenLabsError);
      for (const place of exposures(error)) {
        expect(place).not.toContain(KEY);
        expect(place).not.toContain(OTHER);
        expect(place).not.toContain(OTHER.slice(0, 12));
      }
    }
  });

  it("a custom fetch whose error message carries the key", async () => {
    const fetch = ((_url: string, init: RequestInit) =>
      Promise.reject(
        new TypeError(`fetch failed: sent ${JSON.stringify(init.headers)}`, {
          cause: Object.assign(new Error(`reset with key ${KEY}`), { code: "ECONNRESET" }),
        }),
      )) as unknown as typeof globalThis.fetch;
    const error = await client({ fetch })
      .textToSpeech.convert("v", { text })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    for (const place of [...exposures(error), inspect((error as Error).cause, { depth: 10 })])
      expect(place).not.toContain(KEY);
  });
});

describe("client.raw", () => {
  const post = (c: ElevenLabsClient, init: Record<string, unknown>) =>
    c.raw.POST("/v1/text-to-speech/{voice_id}", {
      params: { path: { voice_id: "v" } },
      body: { text },
      parseAs: "arrayBuffer",
      ...init,
    } as never);

  it("a per-request baseUrl on another origin, or not a URL, is refused before sending", async () => {
    const from = server.requests.length;
    for (const baseUrl of ["http://127.0.0.2:9", "http://attacker.example", "nope"]) {
      const error = await post(client(), { baseUrl }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe("init.baseUrl");
    }
    expect(server.requests.length).toBe(from);
  });

  it("binary answers are asked for with accept-encoding: identity", async () => {
    server.handle(audio(MP3));
    await post(client(), {});
    expect(server.requests.at(-1)!.headers["accept-encoding"]).toBe("identity");
  });

  it("header pairs and Headers objects carry their key (facade and raw), not a header named 0", async () => {
    server.handle(audio(MP3));
    await (await client().textToSpeech.convert("v", { text }, { headers: [["xi-api-key", OTHER]] as never })).bytes();
    expect(server.requests.at(-1)!.headers["xi-api-key"]).toBe(OTHER);
    expect(server.requests.at(-1)!.headers["0"]).toBeUndefined();
    await post(client(), { headers: [["xi-api-key", OTHER]] });
    expect(server.requests.at(-1)!.headers["xi-api-key"]).toBe(OTHER);
    await post(client(), { headers: new Headers({ "xi-api-key": OTHER }) });
    expect(server.requests.at(-1)!.headers["xi-api-key"]).toBe(OTHER);
  });

  it("params.header is checked too, and the value is never echoed", async () => {
    const from = server.requests.length;
    const error = await post(client(), {
      params: { path: { voice_id: "v" }, header: { authorization: "Bearer SECRET\r\nX-Injected: 1" } },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).not.toContain("SECRET");
    expect(server.requests.length).toBe(from);
  });
});

describe("header values the HTTP layer would refuse", () => {
  it.each(["a\x01b", "a\x7fb", " leading", "trailing ", "ends\r\n", "\nstarts"])(
    "%j is a ValidationError, nothing sent",
    async (value) => {
      const from = server.requests.length;
      const error = await client()
        .textToSpeech.convert("v", { text }, { headers: { "x-value": value } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(server.requests.length).toBe(from);
    },
  );

  it("an xi-api-key header is checked as a key", async () => {
    const error = await client()
      .textToSpeech.convert("v", { text }, { headers: { "xi-api-key": "has space" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).not.toContain("has space");
  });
});

describe("a custom fetch or body that ignores the abort", () => {
  it("a fetch that never settles: the headers timeout, and the caller's abort, still end the call", async () => {
    const never = fetchThat(() => new Promise<Response>(() => undefined)).fetch;
    const timedOut = await settle(
      client({ fetch: never, timeoutInSeconds: 0.3 }).textToSpeech.convert("v", { text }),
      3000,
    );
    expect(timedOut.error).toBeInstanceOf(ElevenLabsTimeoutError);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const aborted = await settle(
      client({ fetch: never }).textToSpeech.convert("v", { text }, { abortSignal: controller.signal }),
      3000,
    );
    expect(aborted.error).toBeInstanceOf(ElevenLabsAbortError);
  });

  it("a body that stalls and ignores cancel: the idle timeout still ends the read", async () => {
    const stalled = fetchThat(async () => {
      const body = new ReadableStream<Uint8Array>({
        start: (c) => c.enqueue(MP3),
        pull: () => new Promise<void>(() => undefined),
      });
      return new Response(body, { headers: { "content-type": "audio/mpeg" } });
    }).fetch;
    const audio = await client({ fetch: stalled, idleTimeoutInSeconds: 0.3 }).textToSpeech.convert("v", { text });
    const read = await settle(audio.bytes(), 3000);
    expect(read.error).toBeInstanceOf(ElevenLabsTimeoutError);
  });
});

describe("hooks and middleware that throw or read", () => {
  it("a throwing onResponse hook: an ElevenLabsError, the connection closed, no listener left", async () => {
    let closed = false;
    server.handle((req, res) => {
      req.socket.once("close", () => (closed = true));
      res.writeHead(200, { "content-type": "audio/mpeg" });
      res.write(MP3);
      const timer = setTimeout(() => res.end(), 8000);
      res.on("close", () => clearTimeout(timer));
    });
    const controller = new AbortController();
    const error = await client({
      onResponse: () => {
        throw new Error("hook bug");
      },
    })
      .textToSpeech.convert("v", { text }, { abortSignal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsError);
    expect(getEventListeners(controller.signal, "abort")).toEqual([]);
    const deadline = Date.now() + 2000;
    while (!closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(true);
  });

  it("a logging middleware that reads response.clone(): convert still gives every byte", async () => {
    server.handle(audio(MP3));
    const c = client();
    let logged = 0;
    c.raw.use({
      async onResponse({ response }) {
        logged = (await response.clone().arrayBuffer()).byteLength;
      },
    });
    const bytes = await (await c.textToSpeech.convert("v", { text })).bytes();
    expect(bytes.byteLength).toBe(MP3.byteLength);
    expect(logged).toBe(MP3.byteLength);
  });

  it("a middleware that answers 200 with JSON: an error, not audio", async () => {
    const c = client();
    c.raw.use({ onRequest: () => Response.json({ detail: "cached error" }) });
    const error = await c.textToSpeech.convert("v", { text }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsError);
    expect((error as Error).message).toContain("not audio");
  });
});

describe("careless calls: ValidationErrors, never TypeErrors", () => {
  it("options and request options that are not objects or not the right kind", async () => {
    expect(() => new ElevenLabsClient(null as never)).toThrow(ValidationError);
    expect(() => client({ onRequest: "x" as never })).toThrow(ValidationError);
    const bad = await client()
      .textToSpeech.convert("v", { text }, { abortSignal: {} as never })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).field).toBe("requestOptions.abortSignal");
    server.handle(audio(MP3));
    const ok = await client()
      .textToSpeech.convert("v", { text }, null as never)
      .then((a) => a.bytes());
    expect(ok.byteLength).toBe(MP3.byteLength);
  });

  it("messages: the maximum for Infinity, a quoted string, a per-request key that is empty", async () => {
    expect(() => client({ timeoutInSeconds: Infinity })).toThrow(/at most 2147483/);
    expect(() => client({ maxRetries: "5" as never })).toThrow(/got "5"/);
    const empty = await client()
      .textToSpeech.convert("v", { text }, { apiKey: "" })
      .catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(ValidationError);
    expect((empty as Error).message).toBe("requestOptions.apiKey: must be a non-empty API key");
  });

  it("convertLongForm: bad request, voice id or request options are ValidationErrors before anything is sent", () => {
    const from = server.requests.length;
    expect(() => convertLongForm(client(), "v", undefined as never)).toThrow(ValidationError);
    expect(() => convertLongForm(client(), "v", null as never)).toThrow(ValidationError);
    expect(() => convertLongForm(client(), "", { text })).toThrow(ValidationError);
    expect(() => convertLongForm(client(), "v", { text }, { requestOptions: { timeoutInSeconds: -1 } })).toThrow(
      ValidationError,
    );
    expect(() => convertLongForm(client(), "v", { text }, { requestOptions: { headers: { "x-a": "\n" } } })).toThrow(
      ValidationError,
    );
    expect(server.requests.length).toBe(from);
  });

  it("play() with a player that fails: an ElevenLabsError", async () => {
    const players = await fakePlayers(["mpv"], 2);
    const path = process.env.PATH;
    process.env.PATH = `${players.bin}:/usr/bin:/bin`;
    try {
      const error = await play(new Uint8Array([1, 2, 3])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ElevenLabsError);
      expect((error as Error).message).toContain("exited with code 2");
    } finally {
      process.env.PATH = path;
    }
  });
});

describe("json() helper stays in use", () => {
  it("a 401 JSON answer is an AuthenticationError with the detail", async () => {
    server.handle(json(401, { detail: { status: "invalid_api_key", message: "Invalid API key" } }));
    const error = await client()
      .textToSpeech.convert("v", { text })
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain("invalid_api_key: Invalid API key");
  });
});

describe("what the second outside tester found", () => {
  it("a 200 audio answer with an empty body is an error, not silence", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "audio/mpeg", "content-length": "0" });
      res.end();
    });
    const audio = await client().textToSpeech.convert("v", { text });
    const error = await audio.bytes().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsError);
    expect((error as Error).message).toContain("empty body");
  });

  it("a throwing onProgress, splitText(null) and malformed caption words are ElevenLabsErrors", async () => {
    const { splitText, toWebVtt } = await import("../../src/index.ts");
    expect(() => splitText(null as never, 10)).toThrow(ValidationError);
    expect(() => toWebVtt([{ text: "a" } as never])).toThrow(ValidationError);
    server.handle(audio(MP3));
    const stream = convertLongForm(
      client(),
      "v",
      { text: "One. Two." },
      {
        maxCharacters: 5,
        onProgress: () => {
          throw new Error("progress bug");
        },
      },
    );
    const error = await stream.bytes().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsError);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});
