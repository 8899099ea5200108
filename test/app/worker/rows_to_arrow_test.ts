import assert from "node:assert/strict";
import { rowsToArrowIpc } from "../../../app/worker/rows_to_arrow.ts";
import { openDuckDB } from "../../../src/db/open_duckdb.ts";

Deno.test("rowsToArrowIpc() reaches DuckDB in the table policy's types, with NULLs, lists and order", async () => {
  const rows = [
    {
      contact_id: "007",
      ts: Date.UTC(2024, 0, 2, 3, 4, 5),
      type: "page_view",
      value: 1.5,
      interests: ["loans", "cards"],
      ok: true,
    },
    { contact_id: "+44", ts: Date.UTC(2024, 1, 1), type: "call", value: null, mixed: 3 },
    { contact_id: "12", ts: Date.UTC(2024, 1, 2), type: "chat", mixed: "x" },
  ];
  const { db, conn } = await openDuckDB();
  try {
    conn.insertArrowFromIPCStream(rowsToArrowIpc("events", rows), { name: "events" });
    const types = conn.query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'events' ORDER BY ordinal_position",
    )
      .toArray().map((r) => `${r.column_name} ${r.data_type}`);
    assert.deepEqual(types, [
      "contact_id VARCHAR",
      "ts TIMESTAMP",
      "type VARCHAR",
      "channel VARCHAR",
      "url VARCHAR",
      "email_id VARCHAR",
      "source VARCHAR",
      "phrase VARCHAR",
      "tag VARCHAR",
      "stage VARCHAR",
      "value DOUBLE",
      "seq BIGINT",
      "interests VARCHAR[]",
      "ok BOOLEAN",
      "mixed VARCHAR",
    ]);
    const back = conn.query(
      "SELECT contact_id, strftime(ts, '%Y-%m-%dT%H:%M:%S') AS ts, value, array_to_string(interests, ';') AS interests, ok, mixed FROM events ORDER BY seq",
    ).toArray().map((r) => ({ ...r }));
    assert.deepEqual(back, [
      {
        contact_id: "007",
        ts: "2024-01-02T03:04:05",
        value: 1.5,
        interests: "loans;cards",
        ok: true,
        mixed: null,
      },
      {
        contact_id: "+44",
        ts: "2024-02-01T00:00:00",
        value: null,
        interests: null,
        ok: null,
        mixed: "3",
      },
      {
        contact_id: "12",
        ts: "2024-02-02T00:00:00",
        value: null,
        interests: null,
        ok: null,
        mixed: "x",
      },
    ]);
  } finally {
    conn.close();
    db.reset();
  }
});

Deno.test("rowsToArrowIpc() sends repeated and distinct text alike (dictionary or plain)", async () => {
  // 6000 distinct ids (plain text) beside 3 repeated types (a dictionary).
  const rows = Array.from({ length: 6000 }, (_, i) => ({
    contact_id: String(i).padStart(6, "0"),
    type: ["page_view", "call", "chat"][i % 3],
  }));
  const { db, conn } = await openDuckDB();
  try {
    conn.insertArrowFromIPCStream(rowsToArrowIpc("events", rows), { name: "events" });
    const types = conn.query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'events' ORDER BY ordinal_position",
    ).toArray().map((r) => `${r.column_name} ${r.data_type}`);
    assert.deepEqual(types.filter((t) => /^(contact_id|type) /.test(t)), [
      "contact_id VARCHAR",
      "type VARCHAR",
    ]);
    const back = conn.query(
      "SELECT count(DISTINCT contact_id) AS ids, min(contact_id) AS first, max(contact_id) AS last, count(*) FILTER (WHERE type = 'chat') AS chats FROM events",
    ).toArray().map((r) => ({ ...r }));
    assert.deepEqual(back, [{ ids: 6000, first: "000000", last: "005999", chats: 2000 }]);
  } finally {
    conn.close();
    db.reset();
  }
});
