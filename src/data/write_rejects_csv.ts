/** Rejected rows as a CSV a person can open next to the input. */
import type { RejectedRow } from "./types.ts";
import { toCsv } from "../export/csv.ts";

const REJECT_COLUMNS = ["file", "row", "column", "value", "reason"];

/**
 * `file,row,column,value,reason`, one line per rejected row (LF line ends). Text cells that
 * a spreadsheet would run as a formula get a leading `'`, so a hostile value stays inert.
 */
export function rejectsToCsv(rejects: RejectedRow[]): string {
  return toCsv(rejects as unknown as Record<string, unknown>[], REJECT_COLUMNS, { newline: "\n" });
}

/**
 * Writes `rejects` to `path` atomically (Deno only; in the browser use `rejectsToCsv`
 * and offer the text as a download).
 */
export async function writeRejectsCsv(path: string, rejects: RejectedRow[]): Promise<void> {
  const { writeFileAtomic } = await import("../cli/_io.ts");
  await writeFileAtomic(path, rejectsToCsv(rejects));
}
