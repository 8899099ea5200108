/** Column references of the input tables, typed as the caller declared them. */
import { type ColumnType, type ValueType, valueType } from "./column_type.ts";
import type { SqlDialect } from "./sql_dialect.ts";

export interface Column {
  /** Expression reading the column (text columns cast to text). */
  expr: string;
  /** The column's quoted name, uncast. */
  ref: string;
  /** The column's type as predicates compare it. */
  type: ValueType;
  /** The type as declared. */
  declared: ColumnType;
}

/**
 * Looks a column up by name (case-insensitive) in the declared columns of a table; `null`
 * when the table is declared without it. An undeclared table has every column, of the
 * type `fallback` gives (text unless it says otherwise).
 */
export function columnLookup(
  d: SqlDialect,
  given: Record<string, ColumnType> | undefined,
  fallback: (name: string) => ColumnType = () => "VARCHAR",
): (name: string) => Column | null {
  // Instants read as epoch milliseconds, as the engine's rows hold them. Text columns are
  // cast so that a column of another type reads as its text instead of failing the query;
  // on a text column the cast costs nothing.
  const column = (key: string, declared: ColumnType): Column => {
    const ref = d.ident(key);
    const type = valueType(declared);
    const expr = declared === "TIMESTAMP"
      ? d.epochMs(ref, "timestamp")
      : type === "VARCHAR"
      ? d.text(ref)
      : ref;
    return { expr, ref, type, declared };
  };
  return (name) => {
    if (given) {
      const key = Object.keys(given).find((k) => k.toLowerCase() === name.toLowerCase());
      return key === undefined ? null : column(key, given[key]);
    }
    return column(name, fallback(name));
  };
}

/** Text of a scalar column, `null` for a list column or no column. */
export function textOf(d: SqlDialect, col: Column | null): string | null {
  if (col === null || col.type === "VARCHAR[]") return null;
  return col.type === "VARCHAR" ? col.expr : d.asText(col.expr, col.type);
}

/** Fails with the table's name when a required column is missing. */
export function required(col: Column | null, table: string, name: string): Column {
  if (col === null) {
    throw new RangeError(`Cannot write SQL: table "${table}" has no column "${name}"`);
  }
  return col;
}
