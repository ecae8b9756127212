/** The Node entry point: everything of the core with the node:http transport, plus play() and stream() through mpv or ffplay. */
export * from "../index.js";
export { ElevenLabsClient } from "./client.js";
export { play, stream, PlayerNotFoundError, type AudioSource, type PlayOptions } from "./play.js";
// The realtime functions with `ws` where Node has no WebSocket (Node 20): they take the place of the core's.
export { streamInput, connectStreamInput, connectMultiStreamInput } from "./realtime.js";
