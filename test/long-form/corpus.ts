/** 50,000 characters of mixed prose, unicode and CJK, made deterministically (no fixture files). */
const PROSE = [
  "The first move is what sets everything in motion.",
  "Nobody expected the storm to arrive before noon, yet the harbour was already emptying.",
  "She counted the steps twice, then a third time, because the numbers refused to agree.",
  "Über den Dächern der Stadt lag ein Nebel, der nach Regen und Kaffee roch.",
  "Le café était fermé, mais la lumière brillait encore derrière la vitre.",
  "¿Quién dijo que las noches de verano son cortas? Nadie que haya esperado un tren.",
  "Emoji survive too: 🚀 launches, 🌧️ rains, and 👩🏽‍🔬 experiments.",
  "東京の朝は静かで、川沿いの道には誰もいなかった。",
  "我们在山顶等了很久，直到太阳慢慢升起。",
  "서울의 밤거리는 생각보다 따뜻했다.",
];

export function corpus(size = 50_000): string {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const paragraphs: string[] = [];
  let total = 0;
  while (total < size) {
    const sentences = Array.from({ length: 3 + (next() % 6) }, () => PROSE[next() % PROSE.length]!);
    const paragraph = sentences.join(" ");
    paragraphs.push(paragraph);
    total += paragraph.length + 2;
  }
  return paragraphs
    .join("\n\n")
    .slice(0, size)
    .replace(/\s+\S*$/, "");
}
