import assert from "node:assert/strict";
import { loadTable } from "../../src/data/mod.ts";
import { type DuckDBConnection, openDuckDB, writeTable } from "../../src/db/mod.ts";

// One instance for the file: starting DuckDB-WASM takes about a second.
let shared: Promise<DuckDBConnection> | undefined;
const connect = () => shared ??= openDuckDB().then((d) => d.conn);

Deno.test("writeTable() writes canonical, order and extra columns that SQL reads back", async () => {
  const bytes = new TextEncoder().encode(
    "contact_id,ts,type,score,note\n007,2024-01-01T00:00:00Z,visit,1.5,a\n+42,2024-01-02T00:00:00Z,call,,007\n",
  );
  const { rows } = await loadTable("events", { name: "e.csv", bytes });
  // An extra column whose name differs from a canonical one only in case.
  rows[0].Type = "x";
  rows[1].Type = "y";
  const conn = await connect();
  const summary = writeTable(conn, "events", rows);
  assert.equal(summary.rows, 2);
  assert.deepEqual(
    summary.columns.map((c) => `${c.name}:${c.type}`),
    [
      "contact_id:VARCHAR",
      "ts:TIMESTAMP",
      "type:VARCHAR",
      "channel:VARCHAR",
      "url:VARCHAR",
      "email_id:VARCHAR",
      "source:VARCHAR",
      "phrase:VARCHAR",
      "tag:VARCHAR",
      "stage:VARCHAR",
      "value:DOUBLE",
      "seq:BIGINT",
      "score:DOUBLE",
      "note:VARCHAR",
      "Type_extra:VARCHAR",
    ],
  );
  const out = conn.query(
    "SELECT contact_id, epoch_ms(ts) AS ts, type, score, note, Type_extra FROM events ORDER BY ts",
  ).toArray().map((r) => ({ ...r.toJSON() }));
  assert.deepEqual(out, [
    {
      contact_id: "007",
      ts: Date.UTC(2024, 0, 1),
      type: "visit",
      score: 1.5,
      note: "a",
      Type_extra: "x",
    },
    {
      contact_id: "+42",
      ts: Date.UTC(2024, 0, 2),
      type: "call",
      score: null,
      note: "007",
      Type_extra: "y",
    },
  ]);
});

Deno.test("writeTable() keeps contact lists as VARCHAR[]", async () => {
  const bytes = new TextEncoder().encode("contact_id,interests\n1,loans;cards\n2,\n");
  const { rows } = await loadTable("contacts", { name: "c.csv", bytes });
  const conn = await connect();
  writeTable(conn, "contacts", rows, { table: "c" });
  const out = conn.query("SELECT contact_id, len(interests) AS n FROM c ORDER BY 1").toArray()
    .map((r) => ({ ...r.toJSON() }));
  assert.deepEqual(out, [{ contact_id: "1", n: 2 }, { contact_id: "2", n: null }]);
});

Deno.test("writeTable() adds the input-order column seq", async () => {
  const bytes = new TextEncoder().encode(
    "contact_id,ts,type\nb,2024-01-01T00:00:00Z,x\na,2024-01-01T00:00:00Z,y\n",
  );
  const { rows } = await loadTable("events", { name: "e.csv", bytes });
  const conn = await connect();
  writeTable(conn, "events", rows, { extraColumns: false });
  const out = conn.query("SELECT seq, contact_id FROM events ORDER BY seq").toArray()
    .map((r) => ({ ...r.toJSON() }));
  assert.deepEqual(out, [{ seq: 0, contact_id: "b" }, { seq: 1, contact_id: "a" }]);
  const [{ t }] = conn.query("SELECT typeof(ts) AS t FROM events LIMIT 1").toArray();
  assert.equal(t, "TIMESTAMP");
});
