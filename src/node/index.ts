/** The Node entry point: everything of the core, plus play() and stream() through mpv or ffplay. */
export * from "../index.js";
export { play, stream, PlayerNotFoundError, type AudioSource } from "./play.js";
