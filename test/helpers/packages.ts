/** Package resolvers for tests of the local server's start-up check. */
import type { PackageResolver } from "../../src/mock/deps.ts";

/** A resolver that finds everything except `missing`, as require.resolve fails for an absent package. */
export const without =
  (...missing: string[]): PackageResolver =>
  (specifier) => {
    if (missing.some((name) => specifier === name || specifier.startsWith(`${name}/`))) {
      throw Object.assign(new Error(`Cannot find module '${specifier}'`), { code: "MODULE_NOT_FOUND" });
    }
    return `/fake/${specifier}`;
  };
