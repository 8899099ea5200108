/**
 * The one DuckDB table policy (`docs/formats.md`, "DuckDB tables"), as columns ready to
 * encode: every canonical column of the table in its policy type (all-NULL when the file
 * lacked it), the input-order column `seq`, then the file's extra columns. Pure: the CLI's
 * DuckDB and the browser's encode the same layout with their own Arrow builders.
 */
import {
  duckdbColumns,
  type DuckDBType,
  ORDER_COLUMN,
  TABLE_SCHEMAS,
  type TableKind,
} from "../tables/mod.ts";

/** One column in columnar form: `values[i]` is row `i`, `null`/`undefined` is NULL. */
export interface ColumnData {
  type: DuckDBType;
  values: ArrayLike<unknown>;
}

/** Options of `tableLayout`. */
export interface TableLayoutOptions {
  /** Also lay out the columns beyond the canonical ones. @default true */
  extraColumns?: boolean;
}

/**
 * Columns of `rows` (canonical rows of table `kind`) under the table policy. Extra columns
 * are `DOUBLE` when every value is a number, `BOOLEAN` when every value is a boolean,
 * `VARCHAR[]` when every value is a list, else `VARCHAR` (lists joined by `;`); an extra
 * column whose name differs from a taken one only in case gets the suffix `_extra`.
 */
export function tableLayout(
  kind: TableKind,
  rows: readonly object[],
  options: TableLayoutOptions = {},
): Record<string, ColumnData> {
  const { extraColumns = true } = options;
  const list = rows as readonly Record<string, unknown>[];
  const types = duckdbColumns(kind);
  const canonical = TABLE_SCHEMAS[kind].map((c) => c.name);
  const columns: Record<string, ColumnData> = {};
  for (const name of canonical) {
    columns[name] = { type: types[name], values: list.map((r) => r[name] ?? null) };
  }
  columns[ORDER_COLUMN] = { type: "BIGINT", values: Float64Array.from(list, (_, i) => i) };
  if (!extraColumns) return columns;
  const taken = new Set(Object.keys(columns).map((c) => c.toLowerCase()));
  const known = new Set(canonical);
  const extras: string[] = [];
  const seen = new Set<string>();
  for (const r of list) {
    for (const k in r) {
      if (!seen.has(k) && !known.has(k)) seen.add(k), extras.push(k);
    }
  }
  for (const name of extras) {
    const values = list.map((r) => r[name] ?? null);
    const all = (test: (v: unknown) => boolean) => values.every((v) => v === null || test(v));
    const type: DuckDBType = all((v) => typeof v === "number")
      ? "DOUBLE"
      : all((v) => typeof v === "boolean")
      ? "BOOLEAN"
      : all((v) => Array.isArray(v))
      ? "VARCHAR[]"
      : "VARCHAR";
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
  return columns;
}
