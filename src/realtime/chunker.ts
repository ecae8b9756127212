/**
 * Text as the realtime API takes it: tokens (an LLM's, cut anywhere, even inside a word) are held until a word is
 * whole, and sent as messages that end at a word boundary with a space, so a word is never split across messages.
 *
 * - Words (the default): every whole word goes out as soon as it is whole, with whatever else is whole by then; the
 *   API's chunk-length schedule decides when to generate.
 * - Sentences (auto mode, where the API generates at once from each message): text goes out at the end of a sentence
 *   or clause (`.`, `!`, `?`, `;`, `:`, `…`, their full-width forms, a line break) followed by white space, or once
 *   the whole words held reach SENTENCE_LIMIT characters without one.
 *
 * A message that ends in other white space (a line break, a tab) gets a space added, as the API asks. White space
 * alone is never a message: it is held for the next one.
 */

/** Whole words held in sentence mode before they go out without a sentence end. */
export const SENTENCE_LIMIT = 250;

/** After the last sentence or clause end followed by white space, or a line break: where a sentence-mode cut goes. */
const SENTENCE_END = /[.!?;:…。！？；：][)\]"'”’»]*\s+|\n\s*/gu;

/** Ends with a space, as the API asks of each text message. */
const spaced = (text: string): string => (text.endsWith(" ") ? text : `${text} `);

export class TextChunker {
  #held = "";

  constructor(private readonly sentences: boolean) {}

  /** Adds a token; returns the text to send now, if any. */
  push(token: string): string | undefined {
    this.#held += token;
    const text = this.#held;
    let cut = 0;
    if (this.sentences) {
      for (const match of text.matchAll(SENTENCE_END)) cut = match.index + match[0].length;
    }
    if (cut === 0 && (!this.sentences || text.length >= SENTENCE_LIMIT)) cut = lastBoundary(text);
    const out = text.slice(0, cut);
    if (out.trim() === "") return undefined;
    this.#held = text.slice(cut);
    return spaced(out);
  }

  /** Everything held (a word may be cut here: the caller asked), ending with a space; undefined when nothing is held. */
  drain(): string | undefined {
    const text = this.#held;
    if (text.trim() === "") return undefined;
    this.#held = "";
    return spaced(text);
  }
}

/** Just after the last white space of `text` (0 when there is none): everything before it is whole words. */
function lastBoundary(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) if (/\s/u.test(text.charAt(i))) return i + 1;
  return 0;
}
