/** Row objects for the worker's tasks from a table DuckDB sent as Arrow record batches. */
import type { Table } from "@uwdata/flechette";
import { ORDER_COLUMN, TABLE_SCHEMAS } from "../../src/tables/mod.ts";

const CANONICAL = new Set(Object.values(TABLE_SCHEMAS).flatMap((cs) => cs.map((c) => c.name)));

/**
 * The rows of `batches` (one table) as the loader makes them: instants as epoch ms, lists
 * as arrays, no `seq`, and canonical columns the table holds only as NULL left out (the
 * loader's rows lack a column the file lacked). Built when a task asks, dropped after it.
 */
export function tableRows(batches: readonly Table[]): Record<string, unknown>[] {
  const names = batches[0]?.schema.fields.map((f) => f.name).filter((n) => n !== ORDER_COLUMN) ??
    [];
  const present = names.filter((name) =>
    !CANONICAL.has(name) ||
    batches.some((b) => {
      const c = b.getChild(name);
      return c !== null && c.nullCount < c.length;
    })
  );
  const rows: Record<string, unknown>[] = [];
  for (const b of batches) {
    const values = present.map((n) => b.getChild(n)!.toArray() as ArrayLike<unknown>);
    for (let i = 0; i < b.numRows; i++) {
      const row: Record<string, unknown> = {};
      for (let k = 0; k < present.length; k++) {
        const v = values[k][i];
        row[present[k]] = v === undefined ? null : v;
      }
      rows.push(row);
    }
  }
  return rows;
}
