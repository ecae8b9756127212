/** Type-check files with the TypeScript compiler API, as a strict NodeNext consumer would. */
import ts from "typescript";

export const STRICT_NODENEXT: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2023.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
  allowImportingTsExtensions: true,
  types: [],
};

/** Diagnostics per file name; `sources` adds in-memory files (absolute path → text). */
export function typecheck(files: string[], sources: Record<string, string> = {}): Map<string, string[]> {
  const host = ts.createCompilerHost(STRICT_NODENEXT);
  const readFile = host.readFile;
  const fileExists = host.fileExists;
  host.readFile = (f) => sources[f] ?? readFile(f);
  host.fileExists = (f) => f in sources || fileExists(f);
  const program = ts.createProgram(files, STRICT_NODENEXT, host);
  const byFile = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const name = d.file?.fileName ?? "?";
    const list = byFile.get(name) ?? [];
    list.push(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    byFile.set(name, list);
  }
  return byFile;
}
