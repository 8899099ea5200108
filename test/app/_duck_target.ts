/** The page's DuckDB reader on the blocking DuckDB-WASM of the tests. */
import type { DuckTarget } from "../../app/read_into_duckdb.ts";
import type { DuckDBBindings, DuckDBConnection } from "../../src/db/mod.ts";

export function blockingTarget(db: DuckDBBindings, conn: DuckDBConnection): DuckTarget {
  return {
    query: (sql) =>
      Promise.resolve(
        conn.query(sql).toArray().map((r) =>
          JSON.parse(
            JSON.stringify(r.toJSON(), (_k, v) => typeof v === "bigint" ? Number(v) : v),
          )
        ),
      ),
    async registerFile(name, data) {
      db.registerFileBuffer(
        name,
        data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : data.slice(),
      );
    },
    dropFile: (name) => Promise.resolve(db.dropFile(name)),
    insertArrow: (ipc, table, append) =>
      Promise.resolve(conn.insertArrowFromIPCStream(ipc, { name: table, create: !append })),
  };
}
