// Browsers cannot set a WebSocket's headers. A page keeps no real key (the README's rule): it opens the socket on its
// own origin, where a proxy adds the key to the handshake and forwards the messages untouched (docs/realtime.md).
// Here a browser-like WebSocket (which throws on `{ headers }`, as browsers do) goes through such a proxy on loopback
// to the local server; with `apiKey: null` the client sends no key at all. Without the proxy, the key goes in the
// first message.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/index.ts";
import { AuthenticationError, ElevenLabsClient, streamInput } from "../../src/index.ts";
import { walkMp3Frames } from "../helpers/audio-check.ts";
import { browserLikeWebSocket, sockets, startKeyProxy, VOICE, within } from "./helpers.ts";

const REAL_KEY = "sk_server_side_key_never_in_the_page";
let mock: MockServer;
let proxy: { url: string; close(): Promise<void> };

beforeAll(async () => {
  mock = await startMockServer({ engine: "tone", apiKeys: [REAL_KEY] });
  proxy = await startKeyProxy(mock.url, REAL_KEY);
});
afterAll(async () => {
  await proxy?.close();
  await mock?.close();
});

const lastSocket = () => sockets(mock.requests).at(-1)!;

describe("a page behind a same-origin proxy", () => {
  it("apiKey: null sends no key; the proxy adds it to the handshake; the audio is whole", async () => {
    const browser = browserLikeWebSocket();
    // As in examples/browser: the client needs a key to exist; this one never leaves the page.
    const client = new ElevenLabsClient({ apiKey: "placeholder-replaced-by-the-proxy", baseUrl: proxy.url });
    const audio = await streamInput(client, VOICE, ["Spoken ", "through ", "the proxy."], {
      webSocket: browser.WebSocket,
      apiKey: null,
    });
    const bytes = await within(audio.bytes(), 15_000, "the audio");
    expect(walkMp3Frames(bytes, { cbr: true }).audioFrames.length).toBeGreaterThan(0);
    expect((await audio.alignment()).characters.join("")).toBe("Spoken through the proxy. ");
    const socket = lastSocket();
    expect(socket.headers["xi-api-key"]).toBe("[redacted]"); // the proxy's
    const received = JSON.stringify(socket.socket!.received);
    expect(received).not.toMatch(/api.?key|placeholder/i);
    expect(browser.opened).toHaveLength(1);
    expect(browser.opened[0]).toMatch(
      new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v1/text-to-speech/${VOICE}/stream-input\\?`),
    );
    expect(browser.opened[0]).not.toMatch(/key|placeholder/i);
  });

  it("without a header, the key goes in the first message (xi-api-key), redacted in the server's record", async () => {
    const browser = browserLikeWebSocket();
    const client = new ElevenLabsClient({ apiKey: REAL_KEY, baseUrl: mock.url });
    const audio = await streamInput(client, VOICE, "A key in the first message.", { webSocket: browser.WebSocket });
    await within(audio.bytes(), 15_000, "the audio");
    const socket = lastSocket();
    expect(socket.headers["xi-api-key"]).toBeUndefined();
    expect(socket.socket!.received[0]).toEqual({ text: " ", "xi-api-key": "[redacted]" });
    expect(browser.opened[0]).not.toContain(REAL_KEY);
  });

  it("a page's placeholder is no key: without the proxy it is refused, and it appears in no error", async () => {
    const browser = browserLikeWebSocket();
    const client = new ElevenLabsClient({ apiKey: "placeholder-replaced-by-the-proxy", baseUrl: mock.url });
    const audio = await streamInput(client, VOICE, "Hello.", { webSocket: browser.WebSocket });
    const error = await within(
      audio.bytes().catch((e: unknown) => e),
      10_000,
      "the refusal",
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    const text = JSON.stringify({ message: (error as Error).message, body: (error as AuthenticationError).body });
    expect(text).not.toContain("placeholder-replaced-by-the-proxy");
  });
});
