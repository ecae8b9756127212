/** The browser (and default) entry point: the core, plus play() through an <audio> element. */
export * from "./index.js";
export { play, stream, type AudioSource } from "./play-browser.js";
