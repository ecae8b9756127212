/// <reference types="node" />
import { createRequire } from "node:module";
import { AUDIO_PACKAGES, isNotFound, MissingDependencyError, missingPackages } from "../deps.js";

export { AUDIO_PACKAGES };

export type AudioPackage = keyof typeof AUDIO_PACKAGES;

const require = createRequire(import.meta.url);

/**
 * Thrown when an optional audio package is not installed; the message names it and the exact install command. It is
 * a MissingDependencyError, like a missing ajv, so one `instanceof` check covers every optional package of the server.
 */
export class MissingAudioDependencyError extends MissingDependencyError {
  constructor(packages: readonly string[], purpose?: string) {
    super(packages, purpose);
    this.name = "MissingAudioDependencyError";
  }
}

/** Which of the given packages cannot be resolved from here (default: all optional audio packages). */
export function missingAudioPackages(packages: readonly string[] = Object.keys(AUDIO_PACKAGES)): string[] {
  return missingPackages(packages);
}

/**
 * Resolves a file inside an optional package, throwing MissingAudioDependencyError (naming the package and the
 * install command) when the package is absent.
 */
export function resolvePackageFile(pkg: string, subpath: string | undefined, purpose: string): string {
  try {
    return require.resolve(subpath === undefined ? pkg : `${pkg}/${subpath}`);
  } catch (error) {
    if (isNotFound(error) && missingAudioPackages([pkg]).length > 0) {
      throw new MissingAudioDependencyError([pkg], purpose);
    }
    throw error;
  }
}

/** `require` for the CommonJS audio packages (alawmulaw), with the same missing-package error. */
export function requirePackage(pkg: string, purpose: string): unknown {
  const path = resolvePackageFile(pkg, undefined, purpose);
  return require(path) as unknown;
}

/**
 * Caches a lazy async loader: the first call starts loading, later calls share the result. A failed load is not
 * cached, so installing a missing package and retrying works without a restart.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
