/** Text preparation for synthesis: ASCII folding for Flite and sentence-sized segments for streaming. */

/** First segment: short, so the first audio leaves quickly. Later segments: up to this many characters. */
const FIRST_SEGMENT_MAX = 160;
const SEGMENT_MAX = 300;

const REPLACEMENTS: Record<string, string> = {
  "\u2018": "'",
  "\u2019": "'",
  "\u201c": '"',
  "\u201d": '"',
  "\u2013": "-",
  "\u2014": ", ",
  "\u2026": "...",
  "\u00a0": " ",
  "&": " and ",
};

/**
 * Folds text to what Flite's English front end handles: accents are stripped (é → e), typographic punctuation is
 * mapped to ASCII, and anything else outside printable ASCII becomes a space.
 */
export function toSpeakable(text: string): string {
  const folded = text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0&]/g, (ch) => REPLACEMENTS[ch] ?? " ");
  return folded
    .replace(/[^\x20-\x7e]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** True when Flite has something to say (letters or digits). */
export function hasSpeech(text: string): boolean {
  return /[A-Za-z0-9]/.test(text);
}

/**
 * Splits text into segments at sentence ends (then commas, then spaces) so long texts stream sentence by sentence.
 * Deterministic, and no text is dropped.
 */
export function segmentText(text: string): string[] {
  const normalised = text.replace(/\s+/g, " ").trim();
  if (normalised === "") return [];
  // A sentence ends at . ! ? ; : followed by a space or the end: not inside "3.14", "10:30", "e.g." or "example.com",
  // whose pieces, joined again with a space, would no longer be found in the text (and get no timestamps).
  const sentences = normalised.match(/.+?(?:[.!?;:]+(?= |$)|$)/g) ?? [normalised];
  const segments: string[] = [];
  let current = "";
  const limit = (): number => (segments.length === 0 ? FIRST_SEGMENT_MAX : SEGMENT_MAX);
  const push = (): void => {
    if (current.trim() !== "") segments.push(current.trim());
    current = "";
  };
  for (const raw of sentences) {
    let sentence = raw.trim();
    while (sentence.length > 0) {
      const room = limit() - (current === "" ? 0 : current.length + 1);
      if (sentence.length <= room) {
        current = current === "" ? sentence : `${current} ${sentence}`;
        sentence = "";
        break;
      }
      if (current !== "") {
        push();
        continue;
      }
      // One sentence longer than a whole segment: cut at the last comma, else the last space, else hard.
      const max = limit();
      const window = sentence.slice(0, max);
      let cut = Math.max(window.lastIndexOf(", ") + 1, 0);
      if (cut < max / 3) cut = window.lastIndexOf(" ");
      if (cut < max / 3) cut = max;
      current = sentence.slice(0, cut).trim();
      push();
      sentence = sentence.slice(cut).trim();
    }
    // The first segment is one sentence (or part of one) so that the first audio is ready early.
    if (segments.length === 0) push();
  }
  push();
  return segments;
}
