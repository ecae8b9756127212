// words(), toWebVtt() and toSrt(): captions from a character alignment, in any script.
import { describe, expect, it } from "vitest";
import { toSrt, toWebVtt, ValidationError, words, type Alignment } from "../../src/index.ts";

/** An alignment of `text`: one entry per code point, each `step` seconds long, spaces included. */
function align(text: string, step = 0.1): Alignment {
  const characters = Array.from(text);
  return {
    characters,
    characterStartTimesSeconds: characters.map((_, i) => +(i * step).toFixed(3)),
    characterEndTimesSeconds: characters.map((_, i) => +((i + 1) * step).toFixed(3)),
  };
}

describe("words(alignment)", () => {
  it("splits at spaces, keeps punctuation with the word it touches, and times each word", () => {
    expect(words(align('She said, "Hello!" (twice).'))).toEqual([
      { word: "She", start: 0, end: 0.3 },
      { word: "said,", start: 0.4, end: 0.9 },
      { word: '"Hello!"', start: 1, end: 1.8 },
      { word: "(twice).", start: 1.9, end: 2.7 },
    ]);
  });

  it("splits Chinese and Japanese, which have no spaces, into words", () => {
    const zh = words(align("我们今天去公园。"), "zh");
    expect(zh.map((w) => w.word).join("")).toBe("我们今天去公园。");
    expect(zh.length).toBeGreaterThan(2);
    expect(zh.at(-1)!.word.endsWith("。")).toBe(true);
    const ja = words(align("今日は晴れです。"), "ja");
    expect(ja.map((w) => w.word).join("")).toBe("今日は晴れです。");
    expect(ja.length).toBeGreaterThan(2);
  });

  it("keeps characters of several code units whole (emoji, combining accents) and times them", () => {
    const alignment: Alignment = {
      characters: ["I", " ", "❤️", " ", "cafe\u0301", "!"],
      characterStartTimesSeconds: [0, 0.1, 0.2, 0.5, 0.6, 1.0],
      characterEndTimesSeconds: [0.1, 0.2, 0.5, 0.6, 1.0, 1.1],
    };
    const result = words(alignment);
    expect(result.map((w) => w.word)).toEqual(["I", "❤️", "cafe\u0301!"]);
    expect(result[1]).toEqual({ word: "❤️", start: 0.2, end: 0.5 });
    expect(result.at(-1)).toEqual({ word: "cafe\u0301!", start: 0.6, end: 1.1 });
    expect(result.every((w, i) => i === 0 || w.start >= result[i - 1]!.end)).toBe(true);
  });

  it("Spanish inverted marks start the word they precede; a mark between spaces is a word of its own", () => {
    expect(words(align("¿Qué tal? ¡Bien!")).map((w) => w.word)).toEqual(["¿Qué", "tal?", "¡Bien!"]);
    expect(words(align("Wait - what?")).map((w) => w.word)).toEqual(["Wait", "-", "what?"]);
    expect(words(align("...")).map((w) => w.word)).toEqual(["..."]);
  });

  it("refuses an alignment whose lists differ in length", () => {
    const bad = { ...align("Hi"), characterEndTimesSeconds: [0.1] };
    expect(() => words(bad)).toThrow(ValidationError);
    expect(() => words({} as Alignment)).toThrow(ValidationError);
  });
});

describe("toWebVtt and toSrt", () => {
  const text = "The first move is what sets everything in motion. Then the second one follows, much later on.";

  it("WebVTT: a header, cues of at most 42 characters, a sentence's end closing its cue", () => {
    const vtt = toWebVtt(align(text, 0.05));
    expect(vtt.startsWith("WEBVTT\n\n00:00:00.000 --> ")).toBe(true);
    const cueTexts = vtt
      .split("\n\n")
      .slice(1)
      .map((block) => block.split("\n")[1]!);
    expect(cueTexts.every((t) => [...t].length <= 42)).toBe(true);
    expect(cueTexts.some((t) => t.endsWith("motion."))).toBe(true);
    expect(cueTexts.join(" ")).toBe(text);
    expect(vtt).toMatch(/^\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}$/m);
  });

  it("SRT: numbered cues with comma milliseconds, monotonic and inside the audio", () => {
    const srt = toSrt(align(text, 0.05), { maxCharacters: 20 });
    const blocks = srt.trim().split("\n\n");
    expect(blocks[0]!.split("\n")[0]).toBe("1");
    expect(blocks.at(-1)!.split("\n")[0]).toBe(String(blocks.length));
    const times = blocks.map((b) => b.split("\n")[1]!.split(" --> "));
    const seconds = (t: string) => {
      const [h, m, s] = t.replace(",", ".").split(":").map(Number);
      return h! * 3600 + m! * 60 + s!;
    };
    for (let i = 0; i < times.length; i++) {
      expect(seconds(times[i]![0]!)).toBeLessThan(seconds(times[i]![1]!));
      if (i > 0) expect(seconds(times[i]![0]!)).toBeGreaterThanOrEqual(seconds(times[i - 1]![1]!));
    }
    expect(seconds(times.at(-1)![1]!)).toBeCloseTo([...text].length * 0.05, 3);
  });

  it("a cue writes words that touch in the text without a space: CJK, 10:30, a dash", () => {
    const cueText = (text: string) => toWebVtt(align(text), { maxCharacters: 100 }).split("\n")[3];
    expect(cueText("你好世界。")).toBe("你好世界。");
    expect(cueText("Meet at 10:30 today.")).toBe("Meet at 10:30 today.");
    expect(cueText("Hello—world, again.")).toBe("Hello—world, again.");
    expect(cueText('Say "yes" - then go!')).toBe('Say "yes" - then go!');
  });

  it("a cue is never longer than maxSeconds, and hours are written past an hour", () => {
    const slow = align("one two three four five", 1);
    const vtt = toWebVtt(slow, { maxSeconds: 6 });
    expect(vtt.split("\n\n").length - 1).toBeGreaterThan(2);
    expect(toSrt([{ word: "late", start: 3723.5, end: 3724 }])).toBe("1\n01:02:03,500 --> 01:02:04,000\nlate\n");
    expect(() => toSrt(slow, { maxSeconds: 0 })).toThrow(ValidationError);
  });
});
