/**
 * A minimal, in-memory WASI (preview1) host for running a command-style wasm module such as flite.
 *
 * Why not `node:wasi`: it prints an ExperimentalWarning on Node 20, needs real directories and temp files for output,
 * exposes the real clock, and was seen to abort the whole process (a V8 fatal error, not an exception) on a long
 * argument. Here, the module sees one preopened directory "." whose files live in memory, a clock fixed at zero
 * (deterministic), an empty stdin, and captured stdout/stderr. Only the 13 imports flite uses are implemented.
 */

const ERRNO_SUCCESS = 0;
const ERRNO_BADF = 8;
const ERRNO_INVAL = 28;
const ERRNO_NOENT = 44;
const ERRNO_SPIPE = 70;

const FILETYPE_CHARACTER_DEVICE = 2;
const FILETYPE_DIRECTORY = 3;
const FILETYPE_REGULAR_FILE = 4;

const PREOPEN_FD = 3;
const OFLAGS_CREAT = 1;
const OFLAGS_TRUNC = 8;

class ProcExit {
  constructor(readonly code: number) {}
}

class MemFile {
  data = new Uint8Array(1 << 16);
  length = 0;

  write(bytes: Uint8Array, position: number): void {
    const end = position + bytes.length;
    if (end > this.data.length) {
      const grown = new Uint8Array(Math.max(end, this.data.length * 2));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    this.data.set(bytes, position);
    this.length = Math.max(this.length, end);
  }

  contents(): Uint8Array {
    return this.data.subarray(0, this.length);
  }
}

interface OpenFile {
  file: MemFile;
  position: number;
}

export interface WasiRunResult {
  exitCode: number;
  /** Files the program created in its working directory, by name. */
  files: Map<string, Uint8Array>;
  stdout: string;
  stderr: string;
}

interface CommandExports {
  memory: WebAssembly.Memory;
  _start: () => void;
}

function isCommand(exports: WebAssembly.Exports): exports is WebAssembly.Exports & CommandExports {
  return exports["memory"] instanceof WebAssembly.Memory && typeof exports["_start"] === "function";
}

/** Instantiates `module` and runs its `_start` with `args` (args[0] is the program name). Synchronous. */
export function runWasiCommand(module: WebAssembly.Module, args: readonly string[]): WasiRunResult {
  const encoder = new TextEncoder();
  const argBytes = args.map((arg) => encoder.encode(`${arg}\0`));
  const files = new Map<string, MemFile>();
  const fds = new Map<number, OpenFile>();
  let nextFd = PREOPEN_FD + 1;
  const output: Record<1 | 2, Uint8Array[]> = { 1: [], 2: [] };
  // The module exports its memory; the imports reach it through this holder once the instance exists.
  const bound: { memory?: WebAssembly.Memory } = {};

  const view = (): DataView => {
    if (!bound.memory) throw new Error("WASI call before the module's memory was bound");
    return new DataView(bound.memory.buffer);
  };
  const bytes = (): Uint8Array => new Uint8Array(view().buffer);

  const imports = {
    args_sizes_get(countPtr: number, sizePtr: number): number {
      const dv = view();
      dv.setUint32(countPtr, argBytes.length, true);
      dv.setUint32(
        sizePtr,
        argBytes.reduce((sum, arg) => sum + arg.length, 0),
        true,
      );
      return ERRNO_SUCCESS;
    },
    args_get(argvPtr: number, bufPtr: number): number {
      const dv = view();
      const mem = bytes();
      let cursor = bufPtr;
      argBytes.forEach((arg, i) => {
        dv.setUint32(argvPtr + 4 * i, cursor, true);
        mem.set(arg, cursor);
        cursor += arg.length;
      });
      return ERRNO_SUCCESS;
    },
    clock_time_get(_id: number, _precision: bigint, timePtr: number): number {
      view().setBigUint64(timePtr, 0n, true);
      return ERRNO_SUCCESS;
    },
    fd_close(fd: number): number {
      fds.delete(fd);
      return ERRNO_SUCCESS;
    },
    fd_fdstat_get(fd: number, statPtr: number): number {
      let type: number;
      if (fd <= 2) type = FILETYPE_CHARACTER_DEVICE;
      else if (fd === PREOPEN_FD) type = FILETYPE_DIRECTORY;
      else if (fds.has(fd)) type = FILETYPE_REGULAR_FILE;
      else return ERRNO_BADF;
      const dv = view();
      dv.setUint8(statPtr, type);
      dv.setUint16(statPtr + 2, 0, true);
      dv.setBigUint64(statPtr + 8, 0xffffffffffffffffn, true);
      dv.setBigUint64(statPtr + 16, 0xffffffffffffffffn, true);
      return ERRNO_SUCCESS;
    },
    fd_fdstat_set_flags(): number {
      return ERRNO_SUCCESS;
    },
    fd_prestat_get(fd: number, prestatPtr: number): number {
      if (fd !== PREOPEN_FD) return ERRNO_BADF;
      const dv = view();
      dv.setUint32(prestatPtr, 0, true); // preopen type: directory
      dv.setUint32(prestatPtr + 4, 1, true); // name length of "."
      return ERRNO_SUCCESS;
    },
    fd_prestat_dir_name(fd: number, pathPtr: number, pathLen: number): number {
      if (fd !== PREOPEN_FD) return ERRNO_BADF;
      if (pathLen < 1) return ERRNO_INVAL;
      bytes()[pathPtr] = 0x2e; // "."
      return ERRNO_SUCCESS;
    },
    fd_read(fd: number, _iovs: number, _iovsLen: number, readPtr: number): number {
      if (fd !== 0 && !fds.has(fd)) return ERRNO_BADF;
      // stdin is empty; files are write-only here (flite only writes its output).
      view().setUint32(readPtr, 0, true);
      return ERRNO_SUCCESS;
    },
    fd_seek(fd: number, offset: bigint, whence: number, newOffsetPtr: number): number {
      const open = fds.get(fd);
      if (!open) return fd <= 2 ? ERRNO_SPIPE : ERRNO_BADF;
      const base = whence === 0 ? 0 : whence === 1 ? open.position : open.file.length;
      const position = base + Number(offset);
      if (position < 0) return ERRNO_INVAL;
      open.position = position;
      view().setBigUint64(newOffsetPtr, BigInt(position), true);
      return ERRNO_SUCCESS;
    },
    fd_write(fd: number, iovsPtr: number, iovsLen: number, writtenPtr: number): number {
      const open = fds.get(fd);
      if (!open && fd !== 1 && fd !== 2) return ERRNO_BADF;
      const dv = view();
      const mem = bytes();
      let written = 0;
      for (let i = 0; i < iovsLen; i++) {
        const ptr = dv.getUint32(iovsPtr + 8 * i, true);
        const len = dv.getUint32(iovsPtr + 8 * i + 4, true);
        const chunk = mem.subarray(ptr, ptr + len);
        if (open) {
          open.file.write(chunk, open.position);
          open.position += len;
        } else {
          output[fd as 1 | 2].push(chunk.slice());
        }
        written += len;
      }
      dv.setUint32(writtenPtr, written, true);
      return ERRNO_SUCCESS;
    },
    path_open(
      dirFd: number,
      _dirFlags: number,
      pathPtr: number,
      pathLen: number,
      oflags: number,
      _rightsBase: bigint,
      _rightsInheriting: bigint,
      _fdFlags: number,
      fdPtr: number,
    ): number {
      if (dirFd !== PREOPEN_FD) return ERRNO_BADF;
      const name = new TextDecoder().decode(bytes().subarray(pathPtr, pathPtr + pathLen));
      let file = files.get(name);
      if (!file) {
        if ((oflags & OFLAGS_CREAT) === 0) return ERRNO_NOENT;
        file = new MemFile();
        files.set(name, file);
      } else if ((oflags & OFLAGS_TRUNC) !== 0) {
        file.length = 0;
      }
      const fd = nextFd++;
      fds.set(fd, { file, position: 0 });
      view().setUint32(fdPtr, fd, true);
      return ERRNO_SUCCESS;
    },
    proc_exit(code: number): never {
      throw new ProcExit(code);
    },
  };

  const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: imports });
  if (!isCommand(instance.exports)) throw new Error("Not a WASI command module (no memory/_start export)");
  bound.memory = instance.exports.memory;
  let exitCode = 0;
  try {
    instance.exports._start();
  } catch (error) {
    if (!(error instanceof ProcExit)) throw error;
    exitCode = error.code;
  }
  const decoder = new TextDecoder();
  const text = (chunks: Uint8Array[]): string => chunks.map((c) => decoder.decode(c)).join("");
  return {
    exitCode,
    files: new Map([...files].map(([name, file]) => [name, file.contents()])),
    stdout: text(output[1]),
    stderr: text(output[2]),
  };
}
