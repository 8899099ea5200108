/**
 * DuckDB-WASM in the browser, from the files the build copied next to the page: nothing is
 * fetched from a CDN, and the queries run in a worker so the page stays responsive.
 */
import * as duckdb from "@duckdb/duckdb-wasm";

export type BrowserDuckDB = duckdb.AsyncDuckDB;
export type BrowserConnection = duckdb.AsyncDuckDBConnection;

/** Opens DuckDB from `<base>duckdb/`, with extension autoload off (offline it would hang). */
export async function openBrowserDuckDB(
  base: string | URL,
): Promise<{ db: BrowserDuckDB; conn: BrowserConnection }> {
  const at = (file: string) => new URL(`duckdb/${file}`, base).href;
  const bundle = await duckdb.selectBundle({
    mvp: { mainModule: at("duckdb-mvp.wasm"), mainWorker: at("duckdb-browser-mvp.worker.js") },
    eh: { mainModule: at("duckdb-eh.wasm"), mainWorker: at("duckdb-browser-eh.worker.js") },
  });
  const worker = new Worker(bundle.mainWorker!);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
  await db.open({ query: { castBigIntToDouble: true, castDecimalToDouble: true } });
  const conn = await db.connect();
  await conn.query("SET autoinstall_known_extensions=false; SET autoload_known_extensions=false;");
  return { db, conn };
}

/** Result of a query as plain rows plus the column names in order. */
export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

/** Runs `sql` and returns plain JS rows (timestamps as `Date`, big integers as numbers). */
export async function queryRows(conn: BrowserConnection, sql: string): Promise<QueryResult> {
  const table = await conn.query(sql);
  const columns = table.schema.fields.map((f) => f.name);
  const rows: Record<string, unknown>[] = new Array(table.numRows);
  const vectors = columns.map((_, j) => table.getChildAt(j));
  const temporal = table.schema.fields.map((f) => /^Timestamp|^Date/.test(String(f.type)));
  for (let i = 0; i < table.numRows; i++) {
    const row: Record<string, unknown> = {};
    for (let j = 0; j < columns.length; j++) {
      let v = vectors[j]?.get(i) ?? null;
      if (typeof v === "bigint") v = Number(v);
      if (temporal[j] && typeof v === "number") v = new Date(v);
      row[columns[j]] = v;
    }
    rows[i] = row;
  }
  return { columns, rows };
}

/**
 * Makes the rows of `arrow` (an Arrow IPC stream, see `rowsToArrowIpc`) queryable as table
 * `name`, replacing any table of that name (an empty `arrow` leaves none). Millisecond timestamps become plain TIMESTAMP,
 * the type SQL date functions expect.
 */
export async function replaceTable(
  conn: BrowserConnection,
  name: string,
  arrow: Uint8Array,
): Promise<void> {
  const table = `"${name.replace(/"/g, '""')}"`;
  await conn.query(`DROP TABLE IF EXISTS ${table}`);
  if (!arrow.byteLength) return;
  await conn.insertArrowFromIPCStream(arrow, { name });
  const columns = await conn.query(
    `SELECT column_name FROM information_schema.columns WHERE table_name = '${
      name.replace(/'/g, "''")
    }' AND data_type = 'TIMESTAMP_MS'`,
  );
  for (const row of columns.toArray()) {
    await conn.query(`ALTER TABLE ${table} ALTER "${row.column_name}" TYPE TIMESTAMP`);
  }
}
