/** Row objects for the worker's tasks from a table DuckDB sent as Arrow record batches. */
import type { Table } from "@uwdata/flechette";
import { ORDER_COLUMN, TABLE_SCHEMAS } from "../../src/tables/mod.ts";

const CANONICAL = new Set(Object.values(TABLE_SCHEMAS).flatMap((cs) => cs.map((c) => c.name)));

/**
 * The columns rows get: every column but `seq`, less the canonical ones the table holds only
 * as NULL (the loader's rows lack a column the file lacked).
 */
function presentColumns(batches: readonly Table[]): string[] {
  const names = batches[0]?.schema.fields.map((f) => f.name).filter((n) => n !== ORDER_COLUMN) ??
    [];
  return names.filter((name) =>
    !CANONICAL.has(name) ||
    batches.some((b) => {
      const c = b.getChild(name);
      return c !== null && c.nullCount < c.length;
    })
  );
}

/**
 * Whether a column's values repeat enough to keep one string per value (ids, types,
 * channels): judged on the first rows; a column of nearly unique values (URLs with a query)
 * is left as decoded.
 */
function repeats(values: ArrayLike<unknown>): boolean {
  const probe = Math.min(values.length, 4096);
  const seen = new Set<unknown>();
  let text = false;
  for (let i = 0; i < probe; i++) {
    seen.add(values[i]);
    if (typeof values[i] === "string") text = true;
  }
  return text && seen.size <= probe / 2;
}

/** Number of rows of `batches`. */
export function tableSize(batches: readonly Table[]): number {
  let n = 0;
  for (const b of batches) n += b.numRows;
  return n;
}

/**
 * The rows of `batches` (one table) one at a time, as `tableRows` makes them: each row is
 * built when read and kept only as long as the reader keeps it, so a task that reads each
 * row once (scoring) holds the table as columns only.
 */
export function* eachRow(batches: readonly Table[]): Generator<Record<string, unknown>> {
  const present = presentColumns(batches);
  for (const b of batches) {
    const values = present.map((n) => b.getChild(n)!.toArray() as ArrayLike<unknown>);
    for (let i = 0; i < b.numRows; i++) {
      const row: Record<string, unknown> = {};
      for (let k = 0; k < present.length; k++) {
        const v = values[k][i];
        row[present[k]] = v === undefined ? null : v;
      }
      yield row;
    }
  }
}

/** The distinct values of text column `name` of `batches`, read from the columns. */
export function distinctValues(batches: readonly Table[], name: string): Set<string> {
  const out = new Set<string>();
  for (const b of batches) {
    const c = b.getChild(name);
    if (!c) continue;
    for (const v of c.toArray() as Iterable<unknown>) if (typeof v === "string") out.add(v);
  }
  return out;
}

/**
 * The rows of `batches` (one table) as the loader makes them: instants as epoch ms, lists
 * as arrays, no `seq`, and canonical columns the table holds only as NULL left out (the
 * loader's rows lack a column the file lacked). Repeated text values share one string. Built
 * when a task asks, dropped after it.
 */
export function tableRows(batches: readonly Table[]): Record<string, unknown>[] {
  const present = presentColumns(batches);
  const rows: Record<string, unknown>[] = new Array(tableSize(batches));
  let at = 0;
  // Text decodes to a new string per row: one string per value for columns that repeat,
  // shared across batches (1M contact ids over 10M events take 1M strings, not 10M).
  const shared: (Map<string, string> | null | undefined)[] = present.map(() => undefined);
  for (const b of batches) {
    const values = present.map((n, k) => {
      const raw = b.getChild(n)!.toArray() as ArrayLike<unknown>;
      if (!Array.isArray(raw) || raw.length === 0) return raw;
      if (shared[k] === undefined) shared[k] = repeats(raw) ? new Map() : null;
      const one = shared[k];
      if (!one) return raw;
      for (let i = 0; i < raw.length; i++) {
        const v = raw[i];
        if (typeof v !== "string") continue;
        const kept = one.get(v);
        if (kept === undefined) one.set(v, v);
        else raw[i] = kept;
      }
      return raw;
    });
    for (let i = 0; i < b.numRows; i++) {
      const row: Record<string, unknown> = {};
      for (let k = 0; k < present.length; k++) {
        const v = values[k][i];
        row[present[k]] = v === undefined ? null : v;
      }
      rows[at++] = row;
    }
  }
  return rows;
}
