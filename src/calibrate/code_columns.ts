/**
 * Contact columns that hold a few whole numbers: they may be codes (a customer type 1-41)
 * rather than quantities, and are offered to be declared categorical (`categorical` of
 * snapshot calibration).
 */
import type { ContactRow } from "../data/types.ts";

/** A column of whole numbers with few distinct values. */
export interface CodeColumn {
  /** The contacts column. */
  column: string;
  /** Distinct whole numbers in the column. */
  distinct: number;
  /** Up to six of them, in increasing order, to show. */
  examples: number[];
}

/** Options for `codeLikeColumns`. */
export interface CodeLikeOptions {
  /** Columns never offered (the label, ids). @default [] */
  exclude?: string[];
  /** Fewest distinct values (two values are a flag, not codes). @default 3 */
  minDistinct?: number;
  /** Most distinct values. @default 50 */
  maxDistinct?: number;
}

/**
 * Columns of `rows` whose every present value is a whole number, with between `minDistinct`
 * and `maxDistinct` distinct values: the ones snapshot calibration warns may be codes.
 */
export function codeLikeColumns(rows: ContactRow[], options: CodeLikeOptions = {}): CodeColumn[] {
  const { exclude = [], minDistinct = 3, maxDistinct = 50 } = options;
  const skip = new Set(["contact_id", ...exclude].map((c) => c.toLowerCase()));
  const columns = new Set<string>();
  for (const row of rows.slice(0, 1000)) for (const k of Object.keys(row)) columns.add(k);
  const out: CodeColumn[] = [];
  for (const column of columns) {
    if (skip.has(column.toLowerCase())) continue;
    const distinct = new Set<number>();
    let codes = true;
    for (const row of rows) {
      const v = row[column];
      if (v === null || v === undefined || v === "") continue;
      if (typeof v !== "number" || !Number.isInteger(v)) {
        codes = false;
        break;
      }
      distinct.add(v);
      if (distinct.size > maxDistinct) {
        codes = false;
        break;
      }
    }
    if (codes && distinct.size >= minDistinct) {
      const sorted = [...distinct].sort((a, b) => a - b);
      out.push({ column, distinct: distinct.size, examples: sorted.slice(0, 6) });
    }
  }
  return out.sort((a, b) => a.column.localeCompare(b.column));
}
