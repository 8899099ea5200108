import assert from "node:assert/strict";
import { tableFromIPC } from "@uwdata/flechette";
import { createRequire } from "node:module";
import { distinctValues, eachRow, tableRows, tableSize } from "../../../app/worker/table_rows.ts";
import { loadTable } from "../../../src/data/mod.ts";
import { openDuckDB, writeTable } from "../../../src/db/mod.ts";

Deno.test("tableRows() gives back the loader's rows from DuckDB's Arrow batches (a mixed extra column as text)", async () => {
  const csv = "contact_id,phone,interests,age,score,created_at\n" +
    "1,+79000000000,loans;cards,30,1.5,2024-01-02T03:04:05Z\n" +
    "2,,,,x,\n" +
    "3,+79000000001,cards,41,,2024-02-01\n";
  const { rows } = await loadTable("contacts", {
    name: "contacts.csv",
    bytes: new TextEncoder().encode(csv),
  }, { collectContactIds: false });
  const { conn } = await openDuckDB();
  writeTable(conn, "contacts", rows);
  // The blocking DuckDB-WASM answers with CommonJS apache-arrow tables.
  const arrow = createRequire(import.meta.url)("apache-arrow");
  const table = conn.query("SELECT * FROM contacts");
  const batches = table.batches.map((b) =>
    tableFromIPC(arrow.tableToIPC(new arrow.Table(b), "stream"))
  );
  const back = tableRows(batches);
  // The one difference: an extra column mixing numbers and text is text in the table.
  const want = rows.map((r) => {
    const o = r as Record<string, unknown>;
    return { ...o, score: o.score === null ? null : String(o.score) };
  });
  assert.deepEqual(back, want);
  // Read a row at a time, the same rows.
  assert.deepEqual([...eachRow(batches)], want);
  assert.equal(tableSize(batches), 3);
  conn.close();
});

Deno.test("tableRows() shares one string per repeated value across batches and equals eachRow()", async () => {
  const { conn } = await openDuckDB();
  conn.query(
    "CREATE TABLE events AS SELECT lpad((i % 50)::VARCHAR, 4, '0') AS contact_id, ['view', 'click'][i % 2 + 1] AS type, 'https://x/' || i AS url, i::BIGINT AS seq FROM range(5000) t(i)",
  );
  const arrow = createRequire(import.meta.url)("apache-arrow");
  const table = conn.query("SELECT * FROM events ORDER BY seq");
  const batches = table.batches.map((b) =>
    tableFromIPC(arrow.tableToIPC(new arrow.Table(b), "stream"))
  );
  assert.ok(batches.length > 1);
  const rows = tableRows(batches);
  assert.deepEqual([...eachRow(batches)], rows);
  assert.equal(rows.length, 5000);
  assert.deepEqual(rows[4999], { contact_id: "0049", type: "click", url: "https://x/4999" });
  assert.deepEqual(distinctValues(batches, "type"), new Set(["view", "click"]));
  conn.close();
});
