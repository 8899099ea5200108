import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import { insertColumns, insertRows, openDuckDB } from "../../src/db/mod.ts";

const { conn } = await openDuckDB();
const opts = { sanitizeResources: false, sanitizeOps: false };
const all = (sql: string) => conn.query(sql).toArray().map((r) => r.toJSON());

Deno.test({
  name: "insertRows() writes canonical rows with their types and an input-order column",
  ...opts,
  fn() {
    const summary = insertRows(conn, "t_rows", [
      { contact_id: "007", ts: 1711843200000, interests: ["loans", "cards"], vip: true },
      { contact_id: "+44", ts: 1711843200001, age: 30.5, interests: null },
      { contact_id: "x", ts: 1711843200002, age: undefined, vip: false },
    ], { seqColumn: "seq" });
    assertEquals(summary.rows, 3);
    assertEquals(summary.columns, [
      { name: "contact_id", type: "VARCHAR" },
      { name: "ts", type: "DOUBLE" },
      { name: "interests", type: "VARCHAR[]" },
      { name: "vip", type: "BOOLEAN" },
      { name: "age", type: "DOUBLE" },
      { name: "seq", type: "BIGINT" },
    ]);
    const rows = all("SELECT contact_id, ts, interests, vip, age, seq FROM t_rows ORDER BY seq");
    assertEquals(
      rows.map((r) => [r.contact_id, r.ts, r.interests?.toJSON() ?? null, r.vip, r.age, r.seq]),
      [
        ["007", 1711843200000, ["loans", "cards"], true, null, 0],
        ["+44", 1711843200001, null, null, 30.5, 1],
        ["x", 1711843200002, null, false, null, 2],
      ],
    );
  },
});

Deno.test({
  name: "insertRows() creates an empty table from the listed columns and types",
  ...opts,
  fn() {
    insertRows(conn, "t_empty", [], { columns: ["contact_id", "ts"], types: { ts: "DOUBLE" } });
    assertEquals(
      all(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 't_empty'",
      )
        .map((r) => [r.column_name, r.data_type]),
      [["contact_id", "VARCHAR"], ["ts", "DOUBLE"]],
    );
    assertEquals(all("SELECT count(*) AS n FROM t_empty")[0].n, 0);
  },
});

Deno.test({
  name: "insertRows() refuses a column that mixes types, naming the rows",
  ...opts,
  fn() {
    throws(() => insertRows(conn, "t_bad", [{ value: 1 }, { value: null }, { value: "2" }]), {
      name: "TypeError",
      message: 'Cannot insert into "t_bad": column "value" is DOUBLE in row 1 but row 3 holds "2"',
    });
    throws(() => insertRows(conn, "t_bad", [{ a: 1, A: 2 }]), {
      name: "TypeError",
      message: 'Cannot create table "t_bad": columns "a" and "A" differ only in case',
    });
  },
});

Deno.test({
  name: "insertColumns() appends batches to an existing table",
  ...opts,
  fn() {
    const ids = Array.from({ length: 25 }, (_, i) => `c${i}`);
    insertColumns(conn, "t_cols", {
      id: { type: "VARCHAR", values: ids },
      n: { type: "DOUBLE", values: Float64Array.from(ids, (_, i) => i) },
    }, { batchSize: 10 });
    insertColumns(conn, "t_cols", {
      id: { type: "VARCHAR", values: ["z"] },
      n: { type: "DOUBLE", values: [100] },
    }, { append: true });
    assertEquals(all("SELECT count(*) AS n, sum(n) AS s FROM t_cols")[0], { n: 26, s: 400 });
  },
});
