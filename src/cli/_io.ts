/** File output shared by every command: nothing partial ever appears under the final name. */
import { basename, dirname, join } from "node:path";

/**
 * Writes `data` to `path` through a temporary file in the same folder, then renames it,
 * so a crash or a full disk never leaves a half-written output under the final name.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}
