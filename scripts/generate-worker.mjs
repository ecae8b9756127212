// The generator's second thread (plain JS, no build step, no tsx): started before the main thread loads the
// TypeScript compiler, it loads prettier and Redocly, validates the normalised spec and formats runtime.ts while the
// main thread runs openapi-typescript, then formats schema.ts. On a 2-core machine that overlap is worth ~0.5 s.
import { parentPort } from "node:worker_threads";

const [prettier, redocly] = await Promise.all([import("prettier"), import("@redocly/openapi-core")]);
// Warm prettier's TypeScript printer up while the main thread is busy.
await prettier.format("export interface A {\n  b?: string;\n}\n", { parser: "babel-ts" });

async function validate({ doc, label }) {
  const config = await redocly.createConfig({
    rules: {
      struct: "error",
      "no-unresolved-refs": "error",
      "path-parameters-defined": "error",
      "operation-operationId-unique": "error",
    },
  });
  const problems = await redocly.lintDocument({
    document: { source: new redocly.Source(label, JSON.stringify(doc)), parsed: doc },
    config: config.styleguide,
    externalRefResolver: new redocly.BaseResolver(),
  });
  return problems
    .filter((p) => p.severity === "error")
    .map((p) => ({ rule: p.ruleId, pointer: p.location[0]?.pointer?.replace(/^#/, "") || "/", message: p.message }));
}

// The generated TypeScript is parsed with babel-ts, not the typescript parser that the file name selects: the printer
// is the same and so is the output (checked on the full public spec, spec/ and others), but babel's parser gets up to
// speed sooner; on the full public spec's 1 MB of types, a cold format takes ~0.6 s instead of ~0.9 s. Should babel-ts
// ever fail to parse the code, the typescript parser gets its turn.
async function format({ code, file }) {
  const options = { ...(await prettier.resolveConfig(file)), filepath: file };
  return prettier.format(code, { ...options, parser: "babel-ts" }).catch(() => prettier.format(code, options));
}

const tasks = { validate, format };
parentPort.on("message", async ({ id, task, input }) => {
  try {
    parentPort.postMessage({ id, result: await tasks[task](input) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
