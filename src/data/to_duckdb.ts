/**
 * Canonical rows into a DuckDB table (workbench and SQL paths), through the Arrow IPC
 * insert of `src/db/insert_rows.ts`: the canonical columns with fixed types, then the
 * file's extra columns (numbers as `DOUBLE` when every value is one, else `VARCHAR`).
 * Timestamps stay epoch milliseconds (`DOUBLE`), as in the rows.
 */
import type { RowTypes, TableKind } from "./types.ts";
import { TABLE_COLUMNS } from "./map_columns.ts";
import type { DuckDBConnection } from "../db/open_duckdb.ts";
import { CANONICAL_COLUMNS } from "../db/canonical_columns.ts";
import {
  type ColumnData,
  type ColumnType,
  insertColumns,
  type InsertSummary,
} from "../db/insert_rows.ts";

export interface ToDuckDBOptions {
  /** Which table the rows are. */
  kind: TableKind;
  /** Table name. @default the kind (`events`, ...) */
  table?: string;
  /** Also write the columns beyond the canonical ones. @default true */
  extraColumns?: boolean;
  /** Append to an existing table instead of replacing it. @default false */
  append?: boolean;
  /**
   * Adds a `DOUBLE` column of this name holding each row's 0-based position, so SQL can
   * break ties in input order (the compiled scoring SQL reads `seq`).
   * @default undefined (no such column)
   */
  seqColumn?: string;
}

/**
 * Writes `rows` to a DuckDB table with every canonical column of `kind` (all-NULL when
 * the file lacked it), so SQL can rely on them. Returns the columns and row count.
 */
export function toDuckDB<K extends TableKind>(
  rows: RowTypes[K][],
  conn: DuckDBConnection,
  options: ToDuckDBOptions & { kind: K },
): InsertSummary {
  const { kind, table = kind, extraColumns = true, append = false, seqColumn } = options;
  const spec = TABLE_COLUMNS[kind];
  const canonical = [...spec.required, ...spec.optional];
  const columns: Record<string, ColumnData> = {};
  const list = rows as unknown as Record<string, unknown>[];
  for (const name of canonical) {
    columns[name] = {
      type: CANONICAL_COLUMNS[kind][name],
      values: list.map((r) => r[name] ?? null),
    };
  }
  const taken = new Set(canonical.map((c) => c.toLowerCase()));
  if (seqColumn !== undefined) {
    if (taken.has(seqColumn.toLowerCase())) {
      throw new RangeError(`seqColumn "${seqColumn}" would replace a canonical ${kind} column`);
    }
    taken.add(seqColumn.toLowerCase());
    columns[seqColumn] = { type: "DOUBLE", values: Float64Array.from(list, (_, i) => i) };
  }
  if (extraColumns) {
    const extras: string[] = [];
    const seen = new Set<string>();
    for (const r of list) {
      for (const k of Object.keys(r)) {
        if (!seen.has(k) && !canonical.includes(k)) seen.add(k), extras.push(k);
      }
    }
    for (const name of extras) {
      const values = list.map((r) => r[name] ?? null);
      const numeric = values.every((v) => v === null || typeof v === "number");
      const boolean = values.every((v) => v === null || typeof v === "boolean");
      const type: ColumnType = numeric ? "DOUBLE" : boolean ? "BOOLEAN" : "VARCHAR";
      // Column names differing only in case collide in DuckDB; the extra one gets a suffix.
      let column = name;
      while (taken.has(column.toLowerCase())) column += "_extra";
      taken.add(column.toLowerCase());
      columns[column] = {
        type,
        values: type === "VARCHAR"
          ? values.map((v) => v === null ? null : Array.isArray(v) ? v.join(";") : String(v))
          : values,
      };
    }
  }
  return insertColumns(conn, table, columns, { append });
}
