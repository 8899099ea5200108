/**
 * Column types as the scoring SQL reads them. The caller says what its tables hold (the
 * product's table policy: `src/tables/`); the SQL layer only reads these names.
 */
import type { DuckDBType } from "../tables/mod.ts";

/**
 * A column's type: `DOUBLE` and `BIGINT` numbers, `TIMESTAMP` an instant (UTC, read as
 * epoch milliseconds), `VARCHAR[]` a list of texts, `BOOLEAN`, or text (`VARCHAR`).
 */
export type ColumnType = DuckDBType;

/** The types a predicate distinguishes: numbers, texts, booleans and lists of texts. */
export type ValueType = "VARCHAR" | "DOUBLE" | "BOOLEAN" | "VARCHAR[]";

/** How a column of type `type` is compared by predicates (an instant as its epoch ms). */
export function valueType(type: ColumnType): ValueType {
  if (type === "BIGINT" || type === "TIMESTAMP") return "DOUBLE";
  return type;
}
