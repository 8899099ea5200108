/**
 * Every input table's columns, written once: what a value of each column is, whether a
 * file must have it, and the one DuckDB type the loaders, the browser and the compiled SQL
 * agree on (`docs/formats.md`, "DuckDB tables").
 */
import type { TableKind } from "./table_kinds.ts";

/**
 * What a column holds: `id` (text, never a number), `instant` (a point in time, UTC),
 * `number`, `list` (of texts) or `text`.
 */
export type ColumnKind = "id" | "instant" | "number" | "list" | "text";

/** Column types of scorebench's DuckDB tables. */
export type DuckDBType = "VARCHAR" | "DOUBLE" | "BOOLEAN" | "VARCHAR[]" | "TIMESTAMP" | "BIGINT";

/** One canonical column of an input table. */
export interface ColumnSpec {
  /** The canonical column name, as in `docs/formats.md`. */
  name: string;
  /** What a value of the column is. */
  kind: ColumnKind;
  /** A file must have it (for `verification`: at least one of the required ones). */
  required: boolean;
}

const col = (name: string, kind: ColumnKind, required = false): ColumnSpec => ({
  name,
  kind,
  required,
});

/** Canonical columns of each table, required ones first. */
export const TABLE_SCHEMAS: Readonly<Record<TableKind, readonly ColumnSpec[]>> = {
  contacts: [
    col("contact_id", "id", true),
    col("phone", "id"),
    col("email", "id"),
    col("gender", "text"),
    col("age", "number"),
    col("interests", "list"),
    col("stage", "text"),
    col("tags", "list"),
    col("created_at", "instant"),
  ],
  events: [
    col("contact_id", "id", true),
    col("ts", "instant", true),
    col("type", "text", true),
    col("channel", "text"),
    col("url", "text"),
    col("email_id", "id"),
    col("source", "text"),
    col("phrase", "text"),
    col("tag", "text"),
    col("stage", "text"),
    col("value", "number"),
  ],
  purchases: [
    col("contact_id", "id", true),
    col("ts", "instant", true),
    col("amount", "number"),
    col("channel", "text"),
    col("tag", "text"),
  ],
  verification: [
    col("contact_id", "id", true),
    col("phone", "id", true),
    col("email", "id", true),
  ],
};

/** Tables where a file needs only one of the required columns. */
export const ANY_OF_REQUIRED: ReadonlySet<TableKind> = new Set(["verification"]);

/**
 * The input-order column every DuckDB table the product loads carries: row `i` of the
 * file has `seq = i` (0-based), so SQL breaks ties "in input order" as the engine does.
 */
export const ORDER_COLUMN = "seq";

/** The DuckDB type of a column of each kind: instants are `TIMESTAMP` (UTC), lists `VARCHAR[]`. */
export const DUCKDB_TYPE_OF_KIND: Readonly<Record<ColumnKind, DuckDBType>> = {
  id: "VARCHAR",
  instant: "TIMESTAMP",
  number: "DOUBLE",
  list: "VARCHAR[]",
  text: "VARCHAR",
};

/** The canonical columns of `kind` by name, in their DuckDB types, with `seq` last. */
export function duckdbColumns(kind: TableKind): Record<string, DuckDBType> {
  const out: Record<string, DuckDBType> = {};
  for (const c of TABLE_SCHEMAS[kind]) out[c.name] = DUCKDB_TYPE_OF_KIND[c.kind];
  out[ORDER_COLUMN] = "BIGINT";
  return out;
}

/** Names of the columns of `kind` holding instants. */
export function instantColumns(kind: TableKind): string[] {
  return TABLE_SCHEMAS[kind].filter((c) => c.kind === "instant").map((c) => c.name);
}

/** Names of the columns of `kind` holding lists. */
export function listColumns(kind: TableKind): string[] {
  return TABLE_SCHEMAS[kind].filter((c) => c.kind === "list").map((c) => c.name);
}
