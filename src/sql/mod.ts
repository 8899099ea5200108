/**
 * A scoring config as one SQL query computing the rows of `scores.csv` inside a database,
 * with the SQL dialects it can be written in.
 *
 * @module
 */
export {
  CANONICAL_COLUMNS,
  compileToSql,
  type CompileToSqlOptions,
  type SqlColumns,
  type SqlTables,
} from "./compile_to_sql.ts";
export type { SqlDialect } from "./sql_dialect.ts";
export type { ColumnType } from "./column_type.ts";
export { clickhouse, duckdb, globToLike, SQL_DIALECTS, sqlDialect } from "./dialects/mod.ts";
export {
  clickhouseSchema,
  type ClickhouseSchemaOptions,
  clickhouseType,
  type TableKind,
} from "./clickhouse_schema.ts";
export { type ShardScoringOptions, shardScoringSql } from "./clickhouse_cluster.ts";
