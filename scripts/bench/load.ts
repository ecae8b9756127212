/** What index.ts and the worker share about a load (the worker runs `main()` on import, so it exports only types). */

/** One load: `requests` requests of `bytes` each, `concurrency` at a time, after `warmup` of them. */
export interface Load {
  bytes: number;
  concurrency: number;
  requests: number;
  warmup: number;
}

/** The metric name of a load's figure: `cpu-65536-c1` … */
export const loadKey = (metric: "cpu" | "rps", { bytes, concurrency }: Pick<Load, "bytes" | "concurrency">): string =>
  `${metric}-${bytes}-c${concurrency}`;
