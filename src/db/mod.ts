/**
 * DuckDB inside Deno: opening an instance and writing rows into its tables.
 *
 * @module
 */
export { type DuckDBBindings, type DuckDBConnection, openDuckDB } from "./open_duckdb.ts";
export {
  type ColumnData,
  type ColumnType,
  insertColumns,
  type InsertColumnsOptions,
  insertRows,
  type InsertRowsOptions,
  type InsertSummary,
  quoteIdent,
  writeTable,
  type WriteTableOptions,
} from "./insert_rows.ts";
export { tableLayout, type TableLayoutOptions } from "./table_layout.ts";
export { tableColumns } from "./table_columns.ts";
