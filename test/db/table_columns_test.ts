import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { openDuckDB, tableColumns } from "../../src/db/mod.ts";

Deno.test({
  name: "tableColumns() reads a table's columns as the scoring SQL types them",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { conn } = await openDuckDB();
    conn.query(`CREATE TABLE t AS SELECT 'a' AS id, 1::INTEGER AS n, 2::BIGINT AS b, 1.5 AS dec,
      TRUE AS flag, ['x'] AS list, TIMESTAMP '2024-01-01' AS at`);
    assertEquals(tableColumns(conn, "t"), {
      id: "VARCHAR",
      n: "DOUBLE",
      b: "DOUBLE",
      dec: "DOUBLE",
      flag: "BOOLEAN",
      list: "VARCHAR[]",
      at: "TIMESTAMP",
    });
    assertEquals(tableColumns(conn, "nope"), null);
    conn.close();
  },
});
