/** The Node entry point: everything of the core with the node:http transport, plus play() and stream() through mpv or ffplay. */
export * from "../index.js";
export { ElevenLabsClient } from "./client.js";
export { play, stream, PlayerNotFoundError, type AudioSource } from "./play.js";
