/**
 * Rows in memory -> a DuckDB table, through Arrow IPC (the path DuckDB-WASM accepts from
 * any apache-arrow build). Canonical rows of `src/data/types.ts` go in as they are:
 * strings as `VARCHAR`, numbers (epoch-ms timestamps included) as `DOUBLE`, booleans as
 * `BOOLEAN`, string arrays (`interests`, `tags`) as `VARCHAR[]`, `null`/`undefined` as NULL.
 */
import * as arrow from "apache-arrow";
import type { DuckDBConnection } from "./open_duckdb.ts";
import type { DuckDBType, TableKind } from "../tables/mod.ts";
import { type ColumnData, tableLayout, type TableLayoutOptions } from "./table_layout.ts";

/** Column types this module writes: the table policy's (`TIMESTAMP` from epoch ms). */
export type ColumnType = DuckDBType;
export type { ColumnData };

export interface InsertRowsOptions {
  /** Types of columns, by name; others are inferred from their values (all-missing: `VARCHAR`). @default {} */
  types?: Record<string, ColumnType>;
  /**
   * Columns to write, in this order; a listed column that no row has is all NULL.
   * @default every key seen in the rows, in first-seen order
   */
  columns?: string[];
  /**
   * Adds a `BIGINT` column of this name holding each row's 0-based position in `rows`, so
   * SQL can break ties "in input order" (a table has no order of its own).
   * @default undefined (no such column)
   */
  seqColumn?: string;
  /** Appends to an existing table instead of creating (or replacing) it. @default false */
  append?: boolean;
  /** Rows per Arrow batch; bounds the memory of one conversion. @default 200_000 */
  batchSize?: number;
}

export interface InsertSummary {
  rows: number;
  columns: { name: string; type: ColumnType }[];
}

/**
 * Writes `rows` into table `name`. Throws `TypeError` naming the table, column and row
 * (1-based) when a column mixes types, since coercing silently would change what rules see.
 */
export function insertRows(
  conn: DuckDBConnection,
  name: string,
  rows: Iterable<Record<string, unknown>>,
  options: InsertRowsOptions = {},
): InsertSummary {
  const { types = {}, columns, seqColumn, append = false, batchSize = 200_000 } = options;
  const list = Array.isArray(rows) ? rows as Record<string, unknown>[] : [...rows];
  const names = columns ? [...columns] : columnsOf(list);
  if (seqColumn !== undefined && !names.includes(seqColumn)) names.push(seqColumn);
  const data: Record<string, ColumnData> = {};
  for (const column of names) {
    if (column === seqColumn) {
      data[column] = { type: "BIGINT", values: Float64Array.from(list, (_, i) => i) };
      continue;
    }
    const values = list.map((row) => row[column]);
    data[column] = { type: types[column] ?? inferType(name, column, values), values };
  }
  return insertColumns(conn, name, data, { append, batchSize });
}

export interface InsertColumnsOptions {
  /** Appends to an existing table instead of creating (or replacing) it. @default false */
  append?: boolean;
  /** Rows per Arrow batch. @default 200_000 */
  batchSize?: number;
}

/**
 * Writes columnar data into table `name` (all columns the same length). The columnar form
 * lets generators and loaders skip building one object per row for millions of rows.
 */
export function insertColumns(
  conn: DuckDBConnection,
  name: string,
  columns: Record<string, ColumnData>,
  options: InsertColumnsOptions = {},
): InsertSummary {
  const { append = false, batchSize = 200_000 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `Cannot insert into "${name}": batchSize must be a positive integer, got ${batchSize}`,
    );
  }
  const names = Object.keys(columns);
  if (names.length === 0) throw new TypeError(`Cannot create table "${name}" without columns`);
  const seen = new Map<string, string>();
  for (const column of names) {
    // DuckDB identifiers are case-insensitive: "Stage" and "stage" would collide.
    const key = column.toLowerCase();
    const other = seen.get(key);
    if (other !== undefined) {
      throw new TypeError(
        `Cannot create table "${name}": columns "${other}" and "${column}" differ only in case`,
      );
    }
    seen.set(key, column);
  }
  const length = columns[names[0]].values.length;
  for (const column of names) {
    if (columns[column].values.length !== length) {
      throw new RangeError(
        `Cannot insert into "${name}": column "${column}" has ${
          columns[column].values.length
        } values, "${names[0]}" has ${length}`,
      );
    }
  }
  const summary = { rows: length, columns: names.map((n) => ({ name: n, type: columns[n].type })) };
  if (!append) {
    conn.query(`DROP TABLE IF EXISTS ${quoteIdent(name)}`);
    conn.query(
      `CREATE TABLE ${quoteIdent(name)} (${
        names.map((n) => `${quoteIdent(n)} ${columns[n].type}`).join(", ")
      })`,
    );
  }
  for (let start = 0; start < length; start += batchSize) {
    const end = Math.min(length, start + batchSize);
    const vectors: Record<string, arrow.Vector> = {};
    for (const column of names) {
      const { type, values } = columns[column];
      vectors[column] = toVector(slice(values, start, end), type);
    }
    const table = new arrow.Table(vectors);
    conn.insertArrowFromIPCStream(arrow.tableToIPC(table, "stream"), { name, create: false });
  }
  return summary;
}

/** Double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function columnsOf(rows: Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

function typeOfValue(value: unknown): ColumnType | null | "other" {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return "VARCHAR";
  if (typeof value === "number") return "DOUBLE";
  if (typeof value === "boolean") return "BOOLEAN";
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return "VARCHAR[]";
  return "other";
}

function inferType(table: string, column: string, values: unknown[]): ColumnType {
  let type: ColumnType | null = null;
  let firstRow = 0;
  for (let i = 0; i < values.length; i++) {
    const t = typeOfValue(values[i]);
    if (t === null) continue;
    if (t === "other") {
      throw new TypeError(
        `Cannot insert into "${table}": row ${i + 1}, column "${column}" holds ${
          JSON.stringify(values[i])
        }, expected a string, number, boolean or list of strings`,
      );
    }
    if (type === null) {
      type = t;
      firstRow = i;
    } else if (t !== type) {
      throw new TypeError(
        `Cannot insert into "${table}": column "${column}" is ${type} in row ${
          firstRow + 1
        } but row ${i + 1} holds ${JSON.stringify(values[i])}`,
      );
    }
  }
  return type ?? "VARCHAR";
}

function slice(values: ArrayLike<unknown>, start: number, end: number): unknown[] {
  const out = new Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = values[i] ?? null;
  return out;
}

const encoder = new TextEncoder();

/**
 * Arrow buffers written by hand: `vectorFromArray` goes through a generic builder about 25
 * times slower, which would dominate loading millions of rows. Encoded strings are cached
 * because columns like `type` or `url` repeat a few values.
 */
function utf8Data(values: unknown[]): arrow.Data<arrow.Utf8> {
  const n = values.length;
  const offsets = new Int32Array(n + 1);
  const validity = new Uint8Array((n + 7) >> 3);
  const parts: (Uint8Array | null)[] = new Array(n);
  const cache = new Map<string, Uint8Array>();
  let total = 0, nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      parts[i] = null;
      nulls++;
    } else {
      const text = String(v);
      let bytes = cache.get(text);
      if (bytes === undefined) {
        bytes = encoder.encode(text);
        if (cache.size < 100_000) cache.set(text, bytes);
      }
      parts[i] = bytes;
      total += bytes.length;
      validity[i >> 3] |= 1 << (i & 7);
    }
    offsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  for (let i = 0; i < n; i++) {
    const bytes = parts[i];
    if (bytes !== null) data.set(bytes, offsets[i]);
  }
  return arrow.makeData({
    type: new arrow.Utf8(),
    length: n,
    nullCount: nulls,
    nullBitmap: validity,
    valueOffsets: offsets,
    data,
  });
}

function toVector(values: unknown[], type: ColumnType): arrow.Vector {
  const n = values.length;
  const validity = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (values[i] === null || values[i] === undefined) nulls++;
    else validity[i >> 3] |= 1 << (i & 7);
  }
  switch (type) {
    case "VARCHAR":
      return arrow.makeVector(utf8Data(values));
    case "DOUBLE": {
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v !== null && v !== undefined) data[i] = v as number;
      }
      return arrow.makeVector(
        arrow.makeData({
          type: new arrow.Float64(),
          length: n,
          nullCount: nulls,
          nullBitmap: validity,
          data,
        }),
      );
    }
    case "TIMESTAMP":
    case "BIGINT": {
      // Instants (epoch ms) are stored in microseconds, exact for any millisecond with up
      // to three decimals.
      const scale = type === "TIMESTAMP" ? 1000 : 1;
      const data = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v !== null && v !== undefined) data[i] = BigInt(Math.round((v as number) * scale));
      }
      const props = { length: n, nullCount: nulls, nullBitmap: validity, data };
      return type === "TIMESTAMP"
        ? arrow.makeVector(arrow.makeData({ type: new arrow.TimestampMicrosecond(), ...props }))
        : arrow.makeVector(arrow.makeData({ type: new arrow.Int64(), ...props }));
    }
    case "BOOLEAN": {
      const data = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) if (values[i] === true) data[i >> 3] |= 1 << (i & 7);
      return arrow.makeVector(
        arrow.makeData({
          type: new arrow.Bool(),
          length: n,
          nullCount: nulls,
          nullBitmap: validity,
          data,
        }),
      );
    }
    case "VARCHAR[]": {
      const offsets = new Int32Array(n + 1);
      const items: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const list = values[i];
        if (Array.isArray(list)) { for (const item of list) items.push(item); }
        offsets[i + 1] = items.length;
      }
      const child = utf8Data(items);
      return arrow.makeVector(arrow.makeData({
        type: new arrow.List(new arrow.Field("item", new arrow.Utf8(), true)),
        length: n,
        nullCount: nulls,
        nullBitmap: validity,
        valueOffsets: offsets,
        child,
      }));
    }
  }
}

/** Options of `writeTable`. */
export interface WriteTableOptions extends TableLayoutOptions {
  /** Table name. @default the kind (`events`, ...) */
  table?: string;
  /** Appends to an existing table instead of replacing it. @default false */
  append?: boolean;
}

/**
 * Writes canonical rows of table `kind` under the one table policy (see `tableLayout`):
 * the tables the CLI, the tests and the compiled SQL read.
 */
export function writeTable(
  conn: DuckDBConnection,
  kind: TableKind,
  rows: readonly object[],
  options: WriteTableOptions = {},
): InsertSummary {
  const { table = kind, append = false, ...layout } = options;
  return insertColumns(conn, table, tableLayout(kind, rows, layout), { append });
}
