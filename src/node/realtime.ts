/**
 * The realtime functions of the Node entry: the core's (src/realtime/), with `ws` where Node has no WebSocket of its
 * own (Node 20; Node 22 and later use theirs). The Node entry exports them under the same names and types.
 */
import * as core from "../realtime/index.js";
import { loadWebSocket } from "./ws.js";

/** {@inheritDoc core.streamInput} */
export const streamInput: typeof core.streamInput = (...args) => core.streamInputWith(loadWebSocket, ...args);

/** {@inheritDoc core.connectStreamInput} */
export const connectStreamInput: typeof core.connectStreamInput = (...args) =>
  core.connectStreamInputWith(loadWebSocket, ...args);

/** {@inheritDoc core.connectMultiStreamInput} */
export const connectMultiStreamInput: typeof core.connectMultiStreamInput = (...args) =>
  core.connectMultiStreamInputWith(loadWebSocket, ...args);
