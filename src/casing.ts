/**
 * The facade speaks camelCase (`modelId`), the API snake_case (`model_id`). The types are derived from the generated
 * ones with a mapped type, and one tiny mapper converts at run time, so a field added to the spec is accepted
 * camelCased after `npm run generate`, with no edit here.
 */

/** `model_id` → `modelId` */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** Camel-case every key, deeply; optionality and nullability are kept. */
export type Camelize<T> = T extends Blob | Uint8Array
  ? T
  : T extends readonly (infer Item)[]
    ? Camelize<Item>[]
    : T extends object
      ? { [K in keyof T as K extends string ? CamelCase<K> : K]: Camelize<T[K]> }
      : T;

const SNAKE = new Map<string, string>();

/**
 * `modelId` → `model_id` (the inverse of CamelCase for the spec's lower snake_case names). Remembered, so that a
 * request pays a map lookup per key rather than a regular expression. The keys come from callers' objects, so the
 * memory is bounded.
 */
export function toSnake(key: string): string {
  let wire = SNAKE.get(key);
  if (wire === undefined) {
    wire = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (SNAKE.size < 256) SNAKE.set(key, wire);
  }
  return wire;
}

/** `model_id` → `modelId` */
export function toCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
