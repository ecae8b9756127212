/** The Node entry's client: the core's, sending over node:http (src/node/send.ts) unless fetch is chosen or needed. */
import { ElevenLabsClient as CoreClient, type ElevenLabsClientOptions } from "../client.js";
import type { Send } from "../core/send.js";
import { nodeTransport } from "./send.js";

/**
 * The client: `client.textToSpeech.convert(…)`, `client.models.list()`, `client.voices.search()` … one method per
 * operation of the spec, with the official SDK's names; `client.raw` for the typed low-level client. On Node, requests
 * go out through node:http on keep-alive agents (see the `transport` option).
 */
export class ElevenLabsClient extends CoreClient {
  /** @internal */
  protected override nodeSend(doFetch: typeof fetch, options: ElevenLabsClientOptions): Send | undefined {
    return nodeTransport(doFetch, options);
  }
}
