// The WebSocket classes users pass as `webSocket` fit the client's type: the runtime's (DOM's, in this project's lib)
// and the `ws` package's. Checked by the type checker (npm run typecheck); the test only says so.
import WS from "ws";
import { describe, expect, it } from "vitest";
import type { StreamInputOptions, WebSocketConstructor } from "../../src/index.ts";

type Fits<T> = T extends WebSocketConstructor ? true : false;
const runtimes: Fits<typeof WebSocket> = true;
const wsPackage: Fits<typeof WS> = true;
const options: StreamInputOptions = { webSocket: WS, outputFormat: "pcm_16000" };

describe("webSocket option", () => {
  it("takes the runtime's WebSocket and ws's", () => {
    expect([runtimes, wsPackage, typeof options.webSocket]).toEqual([true, true, "function"]);
  });
});
