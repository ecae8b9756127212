/** Fake `mpv` / `ffplay` executables for PATH: they record their arguments and everything sent to their stdin. */
import { tempDir } from "./tmp.ts";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface FakePlayers {
  /** Put this first on PATH. */
  bin: string;
  /** `<log>.<player>.args` and `<log>.<player>.audio` are written by the fakes. */
  log: string;
}

export async function fakePlayers(names: ("mpv" | "ffplay")[], exitCode = 0, readStdin = true): Promise<FakePlayers> {
  const dir = await tempDir("players-");
  const bin = join(dir, "bin");
  await mkdir(bin);
  const log = join(dir, "log");
  for (const name of names) {
    const read = readStdin ? `/bin/cat > "${log}.${name}.audio"` : "";
    const script = `#!/bin/sh\nprintf '%s\\n' "$@" > "${log}.${name}.args"\n${read}\nexit ${exitCode}\n`;
    await writeFile(join(bin, name), script);
    await chmod(join(bin, name), 0o755);
  }
  return { bin, log };
}
