/**
 * Read an environment variable where there is one: Node, Bun and Deno (`process.env`, which Deno may guard with a
 * permission error), and nothing in browsers and workers, where there is no `process` global.
 */
export function readEnv(name: string): string | undefined {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    const value = env?.[name];
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  } catch {
    return undefined;
  }
}
