/**
 * Column types as the scoring SQL reads them. The caller says what its tables hold (the
 * loader's table policy lives in `src/db/`); the SQL layer only reads these names.
 */

/**
 * A column's type: `DOUBLE` stands for every number type (`BIGINT` is accepted as a
 * synonym), `TIMESTAMP` for an instant (read as epoch milliseconds), `VARCHAR[]` for a
 * list of texts; any other type reads as `VARCHAR`.
 */
export type ColumnType = "VARCHAR" | "DOUBLE" | "BIGINT" | "BOOLEAN" | "VARCHAR[]" | "TIMESTAMP";

/** The types a predicate distinguishes: numbers, texts, booleans and lists of texts. */
export type ValueType = "VARCHAR" | "DOUBLE" | "BOOLEAN" | "VARCHAR[]";

/** How a column of type `type` is compared by predicates (an instant as text). */
export function valueType(type: ColumnType): ValueType {
  if (type === "BIGINT") return "DOUBLE";
  if (type === "TIMESTAMP") return "VARCHAR";
  return type;
}
