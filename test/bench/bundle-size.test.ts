// CI gate: the "construct client + convert + read bytes" bundle stays within 6 KiB min+gzip, in browsers and in Node.
// The bundle is defined once, in scripts/bench/bundle.ts (npm run bench measures the same thing), and imports the
// package by name through package.json "exports", so it needs dist/ (vitest's global setup runs `npm run build`).
import { describe, expect, it } from "vitest";
import { bundle, BUNDLE_BUDGET_BYTES, type Platform } from "../../scripts/bench/bundle.ts";

describe("bundle size", () => {
  it.each(["browser", "node"] satisfies Platform[])(
    "construct + convert + read, %s: ≤ 6 KiB min+gzip",
    async (platform) => {
      const result = await bundle("elevenlabs-fetch", platform);
      if (!result.ok) throw new Error(`the ${platform} bundle does not build: ${result.error}`);
      const inputs = result.inputs.map((i) => `  ${String(i.bytes).padStart(6)}  ${i.path}`).join("\n");
      console.log(
        `${platform}: ${result.gzipBytes} B min+gzip (${result.bytes} B minified), budget ${BUNDLE_BUDGET_BYTES} B\n` +
          `minified bytes by input:\n${inputs}`,
      );
      expect(
        result.gzipBytes,
        `the ${platform} bundle is ${result.gzipBytes} B min+gzip, over the ${BUNDLE_BUDGET_BYTES} B budget by ` +
          `${result.gzipBytes - BUNDLE_BUDGET_BYTES} B; minified bytes by input:\n${inputs}`,
      ).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
    },
  );
});
