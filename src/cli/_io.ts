/** File output shared by every command: nothing partial ever appears under the final name. */
import { basename, dirname, join } from "node:path";

/**
 * Writes `data` to `path` through a temporary file in the same folder, then renames it,
 * so a crash or a full disk never leaves a half-written output under the final name.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | Iterable<string>,
): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else if (data instanceof Uint8Array) await Deno.writeFile(tmp, data);
    else await writeChunks(tmp, data);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
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
