// The local server alone over 10,000 sequential MP3 requests: heap and RSS every 2,500 (issue C figures).
// Run after `npm run build`: node --expose-gc scripts/bench/mock-memory.mjs
/* global fetch, performance */
import { startMockServer } from "../../dist/src/mock/index.js";
const m = await startMockServer({ engine: "tone", recordLimit: 1000 });
const one = async (i) => {
  const r = await fetch(m.url + "/v1/text-to-speech/v?output_format=mp3_22050_32", {
    method: "POST",
    headers: { "xi-api-key": "k" },
    body: JSON.stringify({ text: "Hello number " + (i % 50) }),
  });
  await r.arrayBuffer();
};
for (let i = 0; i < 500; i++) await one(i);
const mb = () => {
  globalThis.gc();
  return (
    (process.memoryUsage().heapUsed / 1048576).toFixed(1) +
    " MiB heap, " +
    (process.memoryUsage().rss / 1048576).toFixed(0) +
    " MiB RSS"
  );
};
const t = performance.now();
const samples = [mb()];
for (let i = 0; i < 10000; i++) {
  await one(i);
  if (i % 2500 === 2499) samples.push(mb());
}
console.log("10,000 requests in", Math.round(performance.now() - t), "ms;", samples.join(" | "));
await m.close();
