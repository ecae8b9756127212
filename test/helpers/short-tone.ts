/**
 * Shorter audio from the local server, for tests about long *text* (splitting, stitching, progress, request ids)
 * rather than long audio: while `shortTones.on`, the tone engine gives each sentence one 300 ms note instead of 60 ms
 * per character (21,000 characters: 20 minutes of audio become about 2). In a test file:
 *
 *   vi.mock("../../src/mock/audio/tone.ts", async (original) =>
 *     (await import("../helpers/short-tone.ts")).withShortTones(await original()),
 *   );
 *
 * then `useShortTones()` at the start of each test that wants it (it is switched off again when the test ends).
 */
import { onTestFinished } from "vitest";
import type * as Tone from "../../src/mock/audio/tone.ts";

export const shortTones = { on: false };

/** Switch short tones on for the rest of the current test. */
export function useShortTones(): void {
  shortTones.on = true;
  onTestFinished(() => void (shortTones.on = false));
}

/** The tone module with `toneFor` voicing only each sentence's first character while `shortTones.on`. */
export function withShortTones(original: typeof Tone): typeof Tone {
  return {
    ...original,
    toneFor: (text, ...rest) => original.toneFor(shortTones.on ? text.slice(0, 1) : text, ...rest),
  };
}
