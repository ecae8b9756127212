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

const NAMES = new WeakMap<object, ReadonlyMap<string, string>>();

/**
 * The spec's name for a camelCase key among `names` (an object's declared properties, or an operation's query
 * parameters): `modelId` → `model_id`, `color1` → `color_1`. The inverse of toCamel over the names the spec has, so
 * it is exact where a rule would not be (`color_1` and `color1` camelCase alike). Undefined when none matches.
 */
export function toWireName(names: object, key: string): string | undefined {
  let map = NAMES.get(names);
  if (!map) {
    map = new Map(Object.keys(names).map((name) => [toCamel(name), name]));
    NAMES.set(names, map);
  }
  return map.get(key);
}

/** `model_id` → `modelId`, as the CamelCase type spells it (`foo__bar` → `fooBar`, `color_1` → `color1`). */
export function toCamel(key: string): string {
  if (!key.includes("_")) return key;
  const [head = "", ...rest] = key.split("_");
  return head + rest.map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join("");
}
