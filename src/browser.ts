/** The browser (and default) entry point: the core, plus play() through an <audio> element (MP3 as it arrives). */
export * from "./index.js";
export { play, stream, type AudioSource, type PlayOptions } from "./play-browser.js";
