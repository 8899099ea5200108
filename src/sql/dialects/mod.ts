/** SQL dialects `compileToSql` can write, by their `--dialect` name. */
import type { SqlDialect } from "../sql_dialect.ts";
import { clickhouse } from "./clickhouse.ts";
import { duckdb } from "./duckdb.ts";

export { clickhouse } from "./clickhouse.ts";
export { duckdb, globToLike } from "./duckdb.ts";

/** Every supported dialect by name. */
export const SQL_DIALECTS: Readonly<Record<string, SqlDialect>> = { duckdb, clickhouse };

/** The dialect called `name`; throws `RangeError` listing the supported ones otherwise. */
export function sqlDialect(name: string): SqlDialect {
  const dialect = Object.hasOwn(SQL_DIALECTS, name) ? SQL_DIALECTS[name] : undefined;
  if (!dialect) {
    throw new RangeError(
      `Cannot write SQL for dialect "${name}": supported dialects are ${
        Object.keys(SQL_DIALECTS).map((n) => `"${n}"`).join(", ")
      }`,
    );
  }
  return dialect;
}
