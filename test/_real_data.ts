/**
 * The public datasets in `../shared/data/real/` are read in place and may be absent; the
 * tests that need them are skipped, each file saying so once.
 *
 * @module
 */
import { exists, REAL_DATA_DIR } from "./recipes/mod.ts";

/**
 * Whether `path` exists; when it does not, logs `Skipping <what>: <path> is absent`.
 * Use the result as the tests' `ignore: !present`.
 */
export async function realDataPresent(what: string, path = REAL_DATA_DIR): Promise<boolean> {
  const present = await exists(path);
  if (!present) console.log(`Skipping ${what}: ${path} is absent`);
  return present;
}
