/**
 * The realtime client driven by a simulated LLM (a word every 30 ms), shared by test/realtime/llm.test.ts and
 * scripts/measure/realtime.mts: the text, the token source, and one timed run of streamInput() against a local server.
 */
import WebSocket from "ws";
import type { Alignment } from "../../src/captions.ts";
import {
  ElevenLabsClient,
  streamInput,
  type StreamInputOptions,
  type WebSocketConstructor,
} from "../../src/node/index.ts";

const SENTENCES = [
  "The model writes its answer a word at a time, and the voice should start before it is done.",
  "Each word goes to the socket once it is whole, so no word is ever cut in two.",
  "The server waits for enough text, then speaks it, and sends the audio back in pieces.",
  "Every piece carries the times of the characters that start in it, relative to the piece itself.",
  "The client adds the length of the audio before it, so that all the times share one clock.",
];

/** A text of `sentences` sentences (38: about 660 words, 20 s at a word every 30 ms). */
export const llmText = (sentences = 38): string =>
  Array.from({ length: sentences }, (_, i) => SENTENCES[i % SENTENCES.length]).join(" ");

/** A word at a time (with the space before it), one every `ms`, as a chat model streams its answer. */
export async function* wordsEvery(text: string, ms: number): AsyncGenerator<string> {
  for (const word of text.split(/(?=\s)/)) {
    yield word;
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

export interface LlmRun {
  /** From the call to the first audio byte read. */
  firstAudioMs: number;
  /** From the call to the end of the token source. */
  textEndMs: number;
  /** From the call to the end of the audio. */
  audioEndMs: number;
  audio: Uint8Array;
  alignment: Alignment;
}

/** One run: the text a word every `wordMs` through streamInput() to `baseUrl`, the audio read as it arrives. */
export async function runSimulatedLlm(
  baseUrl: string,
  text: string,
  wordMs = 30,
  options: StreamInputOptions = {},
): Promise<LlmRun> {
  const client = new ElevenLabsClient({ apiKey: "sk_simulated_llm_key_01234", baseUrl });
  const started = performance.now();
  let textEndMs = 0;
  async function* tokens(): AsyncGenerator<string> {
    yield* wordsEvery(text, wordMs);
    textEndMs = performance.now() - started;
  }
  const stream = await streamInput(client, "JBFqnCBsd6RMkjVDRZzb", tokens(), options);
  let firstAudioMs = 0;
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) {
    if (parts.length === 0) firstAudioMs = performance.now() - started;
    parts.push(chunk);
  }
  const audioEndMs = performance.now() - started;
  return { firstAudioMs, textEndMs, audioEndMs, audio: Buffer.concat(parts), alignment: await stream.alignment() };
}

/**
 * `ws`'s WebSocket as a browser's behaves: `new WebSocket(url, { headers })` throws a SyntaxError (a browser takes the
 * object for a subprotocol), and it cannot pause. `opened` lists the URLs it connected to.
 */
export function browserLikeWebSocket(): { WebSocket: WebSocketConstructor; opened: string[] } {
  const opened: string[] = [];
  class BrowserWebSocket extends WebSocket {
    constructor(url: string, protocols?: unknown) {
      if (protocols !== undefined && (typeof protocols !== "string" || !/^[\w.-]+$/.test(protocols))) {
        throw Object.assign(new Error(`The subprotocol '${String(protocols)}' is invalid.`), { name: "SyntaxError" });
      }
      super(url);
      opened.push(url);
    }
  }
  Object.defineProperties(BrowserWebSocket.prototype, { pause: { value: undefined }, resume: { value: undefined } });
  return { WebSocket: BrowserWebSocket as unknown as WebSocketConstructor, opened };
}
