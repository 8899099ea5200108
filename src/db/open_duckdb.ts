/**
 * DuckDB-WASM inside Deno (blocking build), for the CLI and the tests. The browser opens
 * its own asynchronous instance through a worker.
 */
import * as duckdb from "@duckdb/duckdb-wasm/blocking";
import { createRequire } from "node:module";

export type DuckDBConnection = duckdb.DuckDBConnection;
export type DuckDBBindings = duckdb.DuckDBBindings;

/**
 * Opens an in-memory DuckDB with extension autoload switched off: offline, a query that
 * needs an extension would otherwise try the network from the worker and never return.
 */
export async function openDuckDB(): Promise<{ db: DuckDBBindings; conn: DuckDBConnection }> {
  const require = createRequire(import.meta.url);
  const bundles = {
    mvp: {
      mainModule: require.resolve("@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm"),
      mainWorker: require.resolve("@duckdb/duckdb-wasm/dist/duckdb-node-mvp.worker.cjs"),
    },
    eh: {
      mainModule: require.resolve("@duckdb/duckdb-wasm/dist/duckdb-eh.wasm"),
      mainWorker: require.resolve("@duckdb/duckdb-wasm/dist/duckdb-node-eh.worker.cjs"),
    },
  };
  const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
  await db.instantiate(() => {});
  db.open({ query: { castBigIntToDouble: true, castDecimalToDouble: true } });
  const conn = db.connect();
  conn.query("SET autoinstall_known_extensions=false; SET autoload_known_extensions=false;");
  return { db, conn };
}
