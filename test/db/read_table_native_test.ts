/**
 * `readTableNative` reads every file of the malformed-input corpus as the project's loader
 * does (same rows, same rejects), whichever path it takes, and takes DuckDB's path where it
 * can.
 */
import assert from "node:assert/strict";
import { LoadError, loadTable } from "../../src/data/mod.ts";
import type { TableKind } from "../../src/data/types.ts";
import { type NativeDuckDB, openNativeDuckDB } from "../../src/db/native_duckdb.ts";
import { readTableNative, tableRows } from "../../src/db/read_table_native.ts";

const DATA = new URL("../testdata/", import.meta.url).pathname;

function stable(row: object): string {
  return JSON.stringify(Object.entries(row).sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}

/** Loads `path` both ways; returns the native path taken, or throws on any difference. */
async function compareBothWays(
  db: NativeDuckDB,
  kind: TableKind,
  path: string,
): Promise<string> {
  let expected;
  try {
    expected = await loadTable(kind, path, { collectContactIds: false });
  } catch (err) {
    if (!(err instanceof LoadError)) throw err;
    await assert.rejects(readTableNative(db.conn, kind, path), LoadError, path);
    return "error";
  }
  const got = await readTableNative(db.conn, kind, path);
  const rows = await tableRows(db.conn, kind, got.table);
  assert.equal(rows.length, expected.rows.length, `${path}: row count (${got.path})`);
  for (let i = 0; i < rows.length; i++) {
    assert.equal(stable(rows[i]), stable(expected.rows[i]), `${path}: row ${i} (${got.path})`);
  }
  const strip = (r: { row: number; column: string | null; value: string | null; reason: string }) =>
    `${r.row}|${r.column}|${r.value}|${r.reason}`;
  assert.deepEqual(got.rejects.map(strip), expected.rejects.map(strip), `${path}: rejects`);
  assert.equal(got.summary.rowsLoaded, expected.summary.rowsLoaded, `${path}: rowsLoaded`);
  assert.equal(got.summary.minTs, expected.summary.minTs, `${path}: minTs`);
  assert.equal(got.summary.maxTs, expected.summary.maxTs, `${path}: maxTs`);
  assert.equal(got.summary.duplicates, expected.summary.duplicates, `${path}: duplicates`);
  assert.deepEqual(got.summary.eventTypes, expected.summary.eventTypes, `${path}: event types`);
  return got.path;
}

Deno.test({
  name: "readTableNative() reads every corpus file as loadTable() does",
  sanitizeResources: false,
  async fn() {
    const db = await openNativeDuckDB();
    const paths: Record<string, string> = {};
    try {
      for (const entry of [...Deno.readDirSync(DATA)].sort((a, b) => a.name < b.name ? -1 : 1)) {
        if (!/\.(csv|tsv|json|ndjson|arrow|xlsx)$/.test(entry.name)) continue;
        const path = DATA + entry.name;
        // Each file as the first kind whose required columns it has.
        let kind: TableKind = "events";
        for (const k of ["events", "purchases", "contacts", "verification"] as const) {
          kind = k;
          try {
            await loadTable(k, path, { collectContactIds: false });
            break;
          } catch (err) {
            if (!(err instanceof LoadError)) throw err;
          }
        }
        paths[entry.name] = `${kind}:${await compareBothWays(db, kind, path)}`;
      }
    } finally {
      await db.close();
    }
    // DuckDB's own path where the file is plain UTF-8 CSV events or purchases.
    for (const name of ["comma_basic.csv", "iso_offsets.csv", "bad_dates.csv", "crlf.csv"]) {
      assert.equal(paths[name], "events:duckdb", `${name}: ${paths[name]}`);
    }
    // The loader where DuckDB cannot read the file as the contract requires.
    for (
      const name of [
        "cp1251.csv",
        "day_first_dates.csv",
        "unix_ms.csv",
        "purchases_amounts.csv",
        "handmade.xlsx",
      ]
    ) {
      assert.match(paths[name], /:loader$/, `${name}: ${paths[name]}`);
    }
    // A JSON array with an element that is not an object: DuckDB refuses it, the loader
    // rejects that element and reads the rest.
    assert.equal(paths["events.json"], "events:loader");
  },
});

Deno.test({
  name: "readTableNative() says why a file took the loader, and keeps DuckDB's rejects",
  sanitizeResources: false,
  async fn() {
    const db = await openNativeDuckDB();
    const dir = await Deno.makeTempDir();
    try {
      const amounts = await readTableNative(db.conn, "purchases", DATA + "purchases_amounts.csv");
      assert.equal(amounts.path, "loader");
      assert.match(amounts.why!, /DuckDB cannot read and the loader can/);
      const cp = await readTableNative(db.conn, "events", DATA + "cp1251.csv");
      assert.match(cp.why!, /not UTF-8/);

      // Rows DuckDB refuses and rows the loader's rules refuse, with their file rows.
      const file = `${dir}/events.csv`;
      await Deno.writeTextFile(
        file,
        [
          "contact_id,ts,type,value",
          "1,2024-01-01T10:00:00+03:00,visit,1.5",
          "2,not a date,visit,2",
          ",2024-01-02,visit,",
          "3,2024-01-03,visit,x",
          "4,2024-01-04, ,4",
          '="0042",2024-01-05,visit,5',
        ].join("\n") + "\n",
      );
      const t = await readTableNative(db.conn, "events", file);
      assert.equal(t.path, "duckdb", t.why ?? "");
      assert.deepEqual(
        t.rejects.map((r) => [r.row, r.column]),
        [[3, "ts"], [4, "contact_id"], [5, "value"], [6, "type"]],
      );
      const rows = await tableRows(db.conn, "events", t.table);
      assert.deepEqual(rows.map((r) => [r.contact_id, r.ts]), [
        ["1", Date.UTC(2024, 0, 1, 7)],
        ["0042", Date.UTC(2024, 0, 5)],
      ]);
      assert.equal(t.summary.rowsRead, 6);
      assert.equal(t.summary.rowsRejected, 4);
    } finally {
      await db.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "readTableNative() reads Parquet and NDJSON through DuckDB and the loader's row rules",
  sanitizeResources: false,
  async fn() {
    const db = await openNativeDuckDB();
    const dir = await Deno.makeTempDir();
    try {
      const parquet = `${dir}/events.parquet`;
      // Parquet written by DuckDB from the corpus CSV, ids as text, times as TIMESTAMP.
      await db.conn.run(
        `COPY (SELECT * FROM read_csv('${DATA}iso_offsets.csv', all_varchar = true)) TO '${parquet}' (FORMAT parquet)`,
      );
      const fromCsv = await loadTable("events", DATA + "iso_offsets.csv");
      const t = await readTableNative(db.conn, "events", parquet);
      assert.equal(t.path, "duckdb+rows");
      const rows = await tableRows(db.conn, "events", t.table);
      assert.deepEqual(rows.map(stable), fromCsv.rows.map(stable));
      assert.deepEqual(t.rejects.map((r) => r.row), fromCsv.rejects.map((r) => r.row));

      // Typed Parquet: times as a zoneless TIMESTAMP (UTC) and as TIMESTAMPTZ, numbers as DOUBLE.
      for (const cast of ["timezone('UTC', ts::TIMESTAMPTZ)", "ts::TIMESTAMPTZ"]) {
        const typed = `${dir}/typed.parquet`;
        await db.conn.run(
          `COPY (SELECT contact_id, ${cast} AS ts, type, 2.5::DOUBLE AS value FROM read_csv('${DATA}iso_offsets.csv', all_varchar = true) WHERE TRY_CAST(ts AS TIMESTAMPTZ) IS NOT NULL) TO '${typed}' (FORMAT parquet)`,
        );
        const p = await readTableNative(db.conn, "events", typed);
        const prows = await tableRows(db.conn, "events", p.table);
        assert.deepEqual(
          prows.map((r) => [r.contact_id, r.ts, r.value]),
          fromCsv.rows.map((r) => [r.contact_id, r.ts, 2.5]),
          cast,
        );
      }

      // NDJSON the same way.
      const ndjson = `${dir}/events.ndjson`;
      await Deno.writeTextFile(
        ndjson,
        fromCsv.rows.map((r) => JSON.stringify({ ...r, ts: new Date(r.ts).toISOString() }))
          .join("\n") + "\n",
      );
      const j = await readTableNative(db.conn, "events", ndjson);
      assert.equal(j.path, "duckdb+rows");
      const jrows = await tableRows(db.conn, "events", j.table);
      assert.deepEqual(jrows.map(stable), fromCsv.rows.map(stable));
    } finally {
      await db.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
