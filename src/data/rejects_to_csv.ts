/** Rejected rows as a CSV a person can open next to the input. */
import type { RejectedRow } from "./types.ts";
import { toCsv } from "../tables/csv.ts";

const REJECT_COLUMNS = ["file", "row", "column", "value", "reason"];

/**
 * `file,row,column,value,reason`, one line per rejected row (LF line ends). Text cells that
 * a spreadsheet would run as a formula get a leading `'`, so a hostile value stays inert.
 */
export function rejectsToCsv(rejects: RejectedRow[]): string {
  return toCsv(rejects as unknown as Record<string, unknown>[], REJECT_COLUMNS, { newline: "\n" });
}
