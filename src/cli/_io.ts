/**
 * File output shared by every command: every output path is checked before any work, and
 * the outputs of one command appear together or not at all, never partial.
 */
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "./_args.ts";

/** An output a command will write: the flag that named it and its path. */
export interface OutputPath {
  flag: string;
  path: string;
  /** The output is a folder of files (`--charts DIR`), created when missing. @default false */
  folder?: boolean;
}

/** One file of a command's outputs. */
export interface OutputFile {
  path: string;
  data: string | Uint8Array | Iterable<string>;
}

async function stat(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch {
    return null;
  }
}

/** The file a path names once links in its folder are resolved (the file itself may not exist yet). */
async function identity(path: string): Promise<string> {
  const dir = dirname(resolve(path));
  let real = dir;
  try {
    real = await Deno.realPath(dir);
  } catch {
    // A missing folder is reported by the caller.
  }
  return join(real, basename(path));
}

/**
 * Checks, before any work, that every output can be written: its folder exists and is
 * writable, a file output is not an existing folder (and a folder output not a file), no
 * two outputs are the same file, and no output is one of the `inputs` (flag -> path).
 * Throws `UsageError` naming the flag and the path.
 */
export async function checkOutputs(
  outputs: OutputPath[],
  inputs: Record<string, string | undefined> = {},
): Promise<void> {
  const seen = new Map<string, string>();
  for (const [flag, path] of Object.entries(inputs)) {
    if (path !== undefined) seen.set(await identity(path), `--${flag} (an input)`);
  }
  for (const { flag, path, folder = false } of outputs) {
    const where = `--${flag} "${path}"`;
    if (path.trim() === "") throw new UsageError(`${where}: an empty path`);
    const info = await stat(path);
    if (info?.isDirectory && !folder) {
      throw new UsageError(`${where}: is a folder; give a file name`);
    }
    if (info && !info.isDirectory && folder) {
      throw new UsageError(`${where}: is a file; give a folder for the ${flag}`);
    }
    const dir = folder && info?.isDirectory ? path : dirname(path);
    const dirInfo = await stat(dir);
    if (!dirInfo?.isDirectory) throw new UsageError(`${where}: folder "${dir}" does not exist`);
    try {
      const probe = await Deno.makeTempFile({ dir, prefix: ".scorebench-probe-" });
      await Deno.remove(probe);
    } catch (err) {
      throw new UsageError(`${where}: cannot write in folder "${dir}" (${(err as Error).message})`);
    }
    const id = await identity(path);
    const first = seen.get(id);
    if (first !== undefined) {
      throw new UsageError(`${where}: is the same file as ${first}; give each output its own name`);
    }
    seen.set(id, `--${flag}`);
  }
}

/**
 * Outputs written to temporary files beside their final names and renamed into place
 * together by `commit`: until then no output exists under its name, and `discard` (or a
 * failure while writing) removes every temporary file.
 */
export class OutputBatch {
  #staged: [string, string][] = [];

  #temp(path: string): string {
    const tmp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
    this.#staged.push([tmp, path]);
    return tmp;
  }

  /** Stages `data` for `path`. */
  async add(path: string, data: OutputFile["data"]): Promise<void> {
    const tmp = this.#temp(path);
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else if (data instanceof Uint8Array) await Deno.writeFile(tmp, data);
    else await writeChunks(tmp, data);
  }

  /**
   * Stages the text (or UTF-8 bytes) `produce` writes piece by piece for `path`; returns
   * what it returns.
   */
  async addWith<T>(
    path: string,
    produce: (write: (data: string | Uint8Array) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    const tmp = this.#temp(path);
    const encoder = new TextEncoder();
    using file = await Deno.open(tmp, { write: true, create: true, truncate: true });
    return await produce(async (data) => {
      const bytes = typeof data === "string" ? encoder.encode(data) : data;
      for (let o = 0; o < bytes.length;) o += await file.write(bytes.subarray(o));
    });
  }

  /** Renames every staged file into place. */
  async commit(): Promise<void> {
    for (const [tmp, path] of this.#staged) await Deno.rename(tmp, path);
    this.#staged = [];
  }

  /** Removes every staged file. */
  async discard(): Promise<void> {
    for (const [tmp] of this.#staged) await Deno.remove(tmp).catch(() => {});
    this.#staged = [];
  }
}

/**
 * Runs `fill` on a new `OutputBatch` and commits it; on any error the staged files are
 * removed and the error rethrown, so a failed command leaves none of its outputs.
 */
export async function withOutputs<T>(fill: (batch: OutputBatch) => Promise<T>): Promise<T> {
  const batch = new OutputBatch();
  try {
    const result = await fill(batch);
    await batch.commit();
    return result;
  } catch (err) {
    await batch.discard();
    throw err;
  }
}

/**
 * Writes every file of `files` to a temporary file beside it, then renames them all into
 * place: a failure while writing (a full disk, a crash) leaves no output at all, and no
 * output ever exists half-written under its final name.
 */
export async function writeOutputs(files: OutputFile[]): Promise<void> {
  await withOutputs(async (batch) => {
    for (const { path, data } of files) await batch.add(path, data);
  });
}

/**
 * Writes `data` to `path` through a temporary file in the same folder, then renames it,
 * so a crash or a full disk never leaves a half-written output under the final name.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | Iterable<string>,
): Promise<void> {
  await writeOutputs([{ path, data }]);
}

/** Text written piece by piece: a large output never exists whole, as text or as bytes. */
async function writeChunks(path: string, chunks: Iterable<string>): Promise<void> {
  const encoder = new TextEncoder();
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  for (const chunk of chunks) {
    const bytes = encoder.encode(chunk);
    for (let o = 0; o < bytes.length;) o += await file.write(bytes.subarray(o));
  }
}

/**
 * Like `writeFileAtomic`, for output produced piece by piece: `produce` calls `write` with
 * each piece in order; the file appears under `path` only once `produce` has finished.
 */
export async function writeFileAtomicWith<T>(
  path: string,
  produce: (write: (text: string) => Promise<void>) => Promise<T>,
): Promise<T> {
  const tmp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
  const encoder = new TextEncoder();
  try {
    let result: T;
    {
      using file = await Deno.open(tmp, { write: true, create: true, truncate: true });
      result = await produce(async (text) => {
        const bytes = encoder.encode(text);
        for (let o = 0; o < bytes.length;) o += await file.write(bytes.subarray(o));
      });
    }
    await Deno.rename(tmp, path);
    return result;
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}
