/**
 * ClickHouse tables that the `clickhouse` dialect's query reads: MergeTree ordered by
 * (`contact_id`, `ts`), and for a cluster a `Distributed` table over each, sharded by
 * `cityHash64(contact_id)`. Sharding by contact keeps every row the scoring groups
 * together (a contact's events, its contact row, its verification by id) on one shard.
 */
import type { ColumnType } from "./column_type.ts";

/** The input tables, by kind. */
export type TableKind = "events" | "contacts" | "verification";

/** Cluster, database and table names of `clickhouseSchema`. */
export interface ClickhouseSchemaOptions {
  /**
   * Cluster name from the servers' `remote_servers`: each table becomes `<name>_local`
   * (MergeTree, on every server) plus `<name>` (Distributed over the cluster).
   * @default undefined (plain MergeTree tables)
   */
  cluster?: string;
  /** Database the Distributed tables point to. @default "default" */
  database?: string;
  /** Table names. @default the kind's name */
  names?: Partial<Record<TableKind, string>>;
}

function ident(name: string): string {
  return `\`${name.replaceAll("\\", "\\\\").replaceAll("`", "\\`")}\``;
}

/** ClickHouse type of a column: `contact_id`, `ts` and `type` are never NULL. */
export function clickhouseType(kind: TableKind, name: string, type: ColumnType): string {
  if (name === "contact_id") return "String";
  if (kind === "events" && name === "ts") return type === "TIMESTAMP" ? "DateTime" : "Float64";
  if (kind === "events" && name === "type") return "String";
  if (kind === "events" && name === "seq") return "Int64";
  switch (type) {
    case "DOUBLE":
      return "Nullable(Float64)";
    case "BIGINT":
      return "Nullable(Int64)";
    case "BOOLEAN":
      return "Nullable(UInt8)";
    case "VARCHAR[]":
      return "Array(String)";
    case "TIMESTAMP":
      return "Nullable(DateTime)";
    default:
      return "Nullable(String)";
  }
}

/**
 * `CREATE TABLE` statements (separated by `;\n`) for the given columns of each table;
 * events get an input-order column `seq` when they have none.
 */
export function clickhouseSchema(
  columns: Partial<Record<TableKind, Readonly<Record<string, ColumnType>>>>,
  options: ClickhouseSchemaOptions = {},
): string[] {
  const { cluster, database = "default", names = {} } = options;
  const out: string[] = [];
  for (const kind of ["events", "contacts", "verification"] as const) {
    const given = columns[kind];
    if (!given) continue;
    const cols = { contact_id: "VARCHAR", ...given } as Record<string, ColumnType>;
    if (kind === "events" && !Object.hasOwn(cols, "seq")) cols.seq = "BIGINT";
    const name = names[kind] ?? kind;
    const body = Object.entries(cols)
      .map(([c, t]) => `  ${ident(c)} ${clickhouseType(kind, c, t)}`)
      .join(",\n");
    const order = kind === "events" ? "(contact_id, ts)" : "contact_id";
    const local = cluster === undefined ? name : `${name}_local`;
    out.push(
      `CREATE TABLE ${ident(local)} (\n${body}\n) ENGINE = MergeTree() ORDER BY ${order}`,
    );
    if (cluster !== undefined) {
      out.push(
        `CREATE TABLE ${ident(name)} AS ${ident(local)} ENGINE = Distributed(${ident(cluster)}, ${
          ident(database)
        }, ${ident(local)}, cityHash64(contact_id))`,
      );
    }
  }
  return out;
}
