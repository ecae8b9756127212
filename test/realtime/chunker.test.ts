// The text buffering of the realtime client: tokens cut anywhere become messages that end at a word boundary with a
// space, so no word is split across messages; sentence mode (auto mode) waits for a sentence or clause end.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SENTENCE_LIMIT, TextChunker } from "../../src/realtime/chunker.ts";

/** Every message the chunker gives for `tokens`, the held rest last. */
function messages(tokens: readonly string[], sentences = false): string[] {
  const chunker = new TextChunker(sentences);
  const out: string[] = [];
  for (const token of tokens) {
    const message = chunker.push(token);
    if (message !== undefined) out.push(message);
  }
  const rest = chunker.drain();
  if (rest !== undefined) out.push(rest);
  return out;
}

describe("TextChunker", () => {
  it("holds a word until it is whole, and sends whole words ending with a space", () => {
    const chunker = new TextChunker(false);
    expect(chunker.push("Hel")).toBeUndefined();
    expect(chunker.push("lo wo")).toBe("Hello ");
    expect(chunker.push("rld")).toBeUndefined();
    expect(chunker.push(", how are")).toBe("world, how ");
    expect(chunker.drain()).toBe("are ");
    expect(chunker.drain()).toBeUndefined();
  });

  it("adds a space after other white space, and never sends white space alone", () => {
    const chunker = new TextChunker(false);
    expect(chunker.push("   ")).toBeUndefined();
    expect(chunker.push("Line one\n")).toBe("   Line one\n ");
    expect(chunker.push("\t")).toBeUndefined();
    expect(chunker.drain()).toBeUndefined();
  });

  it("sentence mode: sends at a sentence or clause end, or once the words held reach the limit", () => {
    const chunker = new TextChunker(true);
    expect(chunker.push("Hello there")).toBeUndefined();
    expect(chunker.push(" friend. How")).toBe("Hello there friend. ");
    expect(chunker.push(" are you; fine")).toBe("How are you; ");
    expect(chunker.push("? Yes")).toBe("fine? ");
    expect(chunker.push(" 3.14 is pi")).toBeUndefined();
    const long = "word ".repeat(SENTENCE_LIMIT / 5);
    expect(chunker.push(` ${long}`)).toBe(`Yes 3.14 is pi ${long}`);
  });

  it("for any tokens: the messages joined are the text (a space added where one is missing), no word is split", () => {
    const word = fc.stringMatching(/^[a-zA-Z,.!?'é]{1,12}$/);
    const text = fc.array(word, { minLength: 1, maxLength: 40 }).map((words) => words.join(" "));
    fc.assert(
      fc.property(
        text,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1 }),
        fc.boolean(),
        (t, cuts, sentences) => {
          const tokens: string[] = [];
          for (let at = 0, i = 0; at < t.length; i++) {
            const size = cuts[i % cuts.length]!;
            tokens.push(t.slice(at, at + size));
            at += size;
          }
          const out = messages(tokens, sentences);
          for (const m of out) expect(m).toMatch(/\S.* $|^\S $/s);
          expect(out.join("")).toBe(`${t} `);
          const words = t.split(" ");
          expect(out.flatMap((m) => m.trim().split(" "))).toEqual(words);
        },
      ),
    );
  });
});
