/** Rejected rows as a CSV a person can open next to the input. */
import type { RejectedRow } from "./types.ts";

// A spreadsheet would run a cell starting with these as a formula; the leading `'` makes
// it text, so a hostile value in a rejects file stays inert.
const FORMULA_START = /^[=+\-@\t\r]/;

function field(value: string | number | null): string {
  if (value === null) return "";
  let s = String(value);
  if (FORMULA_START.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** `file,row,column,value,reason`, one line per rejected row, CRLF-free. */
export function rejectsToCsv(rejects: RejectedRow[]): string {
  const lines = ["file,row,column,value,reason"];
  for (const r of rejects) {
    lines.push([r.file, r.row, r.column, r.value, r.reason].map(field).join(","));
  }
  return lines.join("\n") + "\n";
}

/**
 * Writes `rejects` to `path` atomically (Deno only; in the browser use `rejectsToCsv`
 * and offer the text as a download).
 */
export async function writeRejectsCsv(path: string, rejects: RejectedRow[]): Promise<void> {
  const { writeFileAtomic } = await import("../cli/_io.ts");
  await writeFileAtomic(path, rejectsToCsv(rejects));
}
