/** Browser play(): an <audio> element on a Blob URL. */
import { concat, type AudioSource } from "./core/chunks.js";
import { ElevenLabsError } from "./core/errors.js";

export type { AudioSource };
/**
 * Play audio in the page and resolve when it ends. Returns after `ended`, or rejects on a media error or when the
 * browser blocks autoplay (call it from a click handler). The element is also given to `onElement` if passed.
 */
export async function play(
  audio: AudioSource,
  options: { type?: string; onElement?: (element: HTMLAudioElement) => void } = {},
): Promise<void> {
  const type = options.type ?? (audio as { contentType?: string }).contentType ?? "audio/mpeg";
  const url = URL.createObjectURL(new Blob([await concat(audio)], { type }));
  const element = new Audio(url);
  options.onElement?.(element);
  try {
    await new Promise<void>((resolve, reject) => {
      element.onended = () => resolve();
      element.onerror = () => reject(new ElevenLabsError(`the browser could not play the audio (${type})`));
      element.play().catch(reject);
    });
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** In the browser, stream() is play(): the element buffers progressively. */
export const stream = play;
