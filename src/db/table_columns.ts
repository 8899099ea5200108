/** The columns of a DuckDB table in the types of the table policy, for `compileToSql`. */
import type { DuckDBType } from "../tables/mod.ts";
import type { DuckDBConnection } from "./open_duckdb.ts";

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/**
 * Columns of table `name` by name, typed as the scoring SQL reads them (every number type
 * as `DOUBLE`, `TIMESTAMP` (with or without a zone), `VARCHAR[]`, `BOOLEAN`, the rest as
 * `VARCHAR`); `null` when there is no such table.
 */
export function tableColumns(
  conn: DuckDBConnection,
  name: string,
): Record<string, DuckDBType> | null {
  const rows = conn.query(tableColumnsSql(name)).toArray();
  if (rows.length === 0) return null;
  const out: Record<string, DuckDBType> = {};
  for (const r of rows) out[String(r.column_name)] = policyType(String(r.data_type));
  return out;
}

/** The query of table `name`'s columns (`column_name`, `data_type`), in their order. */
export function tableColumnsSql(name: string): string {
  return `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '${
    name.replaceAll("'", "''")
  }' ORDER BY ordinal_position`;
}

/** A DuckDB column type as the scoring SQL reads it (see `tableColumns`). */
export function policyType(type: string): DuckDBType {
  return NUMERIC.test(type)
    ? "DOUBLE"
    : type === "BOOLEAN"
    ? "BOOLEAN"
    : type.startsWith("TIMESTAMP")
    ? "TIMESTAMP"
    : type.endsWith("[]")
    ? "VARCHAR[]"
    : "VARCHAR";
}
