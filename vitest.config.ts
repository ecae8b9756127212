import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Three projects, one run: `npm test` runs them all (what CI runs); `npm run test:unit` runs only "unit".
 *
 * - unit: in-process tests of src/ and scripts/: no build, no Node.js child process (tsx, Prism, npm, the generator's
 *   command line), little CPU; within 20 s on a 2-core machine. A new test file is a unit test unless listed below.
 * - slow: needs no build either, but starts Node.js processes or costs seconds of CPU: the 10,000-request soak, the
 *   audio codec matrix, the generator with the TypeScript compiler, the CLI and local server as processes, Prism.
 * - integration: needs dist/ (the package imported by name, examples, the built CLI), the packed tarball, other
 *   runtimes or a browser. Only this project's global setup builds dist/ (when the build's inputs changed).
 */
const SLOW = [
  "test/reliability/load.test.ts",
  "test/mock/audio.test.ts",
  "test/generate/generate.test.ts",
  "test/generate/realtime.test.ts",
  "test/generate/spec-extract.test.ts",
  "test/client/regenerate.test.ts",
  "test/cli/signals.test.ts",
  "test/cli/targets.test.ts",
  "test/cli/realtime.test.ts",
  "test/cli/realtime-process.test.ts",
  "test/mock/deps.test.ts",
  "test/mock/realtime-backpressure.test.ts",
  "test/contract/differential.test.ts",
  "test/long-form/model-limit-lookup.test.ts",
  "test/realtime/llm.test.ts",
  "test/realtime/backpressure.test.ts",
];
const INTEGRATION = [
  "test/bench/**/*.test.ts",
  "test/browser/**/*.test.ts",
  "test/examples/**/*.test.ts",
  "test/package/**/*.test.ts",
  "test/runtimes/**/*.test.ts",
  "test/cli/binary.test.ts",
  "test/reliability/unread-stream.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One worker more than there are cores. vitest's default leaves a core free: 1 worker on a 2-core machine, which
    // ran the files one by one. With no real sleeps left the suite is mostly CPU-bound; on 2 cores, 3 workers averaged
    // 66 s for `npm test` against 69 s with 2 (the integration files wait on npm and other child processes).
    maxWorkers: availableParallelism() + 1,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [...SLOW, ...INTEGRATION] },
      },
      {
        // test/client and test/reliability again, with the Node entry's client (node:http, src/node/send.ts) where
        // they import the core's (which sends with fetch): both transports keep the same guarantees.
        extends: true,
        resolve: { alias: [{ find: /^\.\.\/\.\.\/src\/index\.ts$/, replacement: resolve("src/node/index.ts") }] },
        test: {
          name: "node-send",
          include: ["test/client/**/*.test.ts", "test/reliability/**/*.test.ts"],
          exclude: [...SLOW, ...INTEGRATION],
        },
      },
      { extends: true, test: { name: "slow", include: SLOW } },
      {
        extends: true,
        test: { name: "integration", include: INTEGRATION, globalSetup: ["test/global-setup.ts"] },
      },
    ],
  },
});
