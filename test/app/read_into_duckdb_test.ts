import assert from "node:assert/strict";
import { readIntoDuckDB } from "../../app/read_into_duckdb.ts";
import { loadInBatches } from "../../app/worker/load_batches.ts";
import { loadTable } from "../../src/data/mod.ts";
import type { TableKind } from "../../src/data/types.ts";
import { type DuckDBConnection, openDuckDB, writeTable } from "../../src/db/mod.ts";
import type { FileReadOptions } from "../../src/workspace/workspace_file.ts";
import { blockingTarget } from "./_duck_target.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const enc = (s: string) => new TextEncoder().encode(s);

const rowsOf = (conn: DuckDBConnection, sql: string) =>
  conn.query(sql).toArray().map((r) =>
    JSON.stringify(r.toJSON(), (_k, v) => typeof v === "bigint" ? Number(v) : v)
  );
const schemaOf = (conn: DuckDBConnection, table: string) =>
  rowsOf(
    conn,
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`,
  );

/**
 * Reads `bytes` through the page's reader and through the loader + `writeTable` (the CLI's
 * table), and checks tables, summaries and rejects agree.
 */
async function readBoth(
  kind: TableKind,
  name: string,
  bytes: Uint8Array,
  options: FileReadOptions = {},
  headBytes?: number,
) {
  const { db, conn } = await openDuckDB();
  const target = blockingTarget(db, conn);
  const staged = await readIntoDuckDB(
    target,
    kind,
    { name, data: new Blob([bytes as Uint8Array<ArrayBuffer>]), options },
    (onBatch) => loadInBatches(kind, { name, bytes }, options, onBatch, { batchRows: 7 }),
    { headBytes },
  );
  const want = await loadTable(kind, { name, bytes }, { ...options, collectContactIds: false });
  writeTable(conn, kind, want.rows);
  if (staged.table) {
    assert.deepEqual(schemaOf(conn, staged.table), schemaOf(conn, kind), "schema");
    assert.deepEqual(
      rowsOf(conn, `SELECT * FROM "${staged.table}" ORDER BY seq`),
      rowsOf(conn, `SELECT * FROM "${kind}" ORDER BY seq`),
      "rows",
    );
  } else assert.equal(want.rows.length, 0);
  assert.deepEqual(staged.rejects, want.rejects, "rejects");
  const { seconds: _a, contactIds: _c, ...got } = staged.summary;
  const { seconds: _b, contactIds: _d, ...expected } = want.summary;
  assert.deepEqual(got, expected, "summary");
  conn.close();
  return staged;
}

const EVENTS_HEADER = "contact_id,ts,type,channel,value,note\n";
const MESSY_EVENTS = EVENTS_HEADER + [
  "1,2024-01-05 10:00:00,page_view,web,1.5,x",
  " 2 ,2024-01-05T10:00:00Z, call ,,3,1.50",
  '="0042",2024-01-05T10:00:00+03:00,chat,web,,7',
  ",2024-01-06,page_view,web,1,",
  "7.9E+10,2024-01-06,page_view,web,1,",
  "5,not a date,page_view,web,1,",
  "6,2024-01-07,page_view,web,abc,",
  "6,2024-01-07,page_view,web,inf,",
  "7,2024-01-07,page_view,web,2,a,b,c",
  "8,2024-01-07,page_view",
  "9,2024-01-08T10:00:00.250Z,form_submit,web,-0,-0",
  "9,2024-01-08T10:00:00.250Z,form_submit,web,-0,-0",
  "10,2024-01-09,page_view,web,1_000,",
  "11,2024-01-09,page_view,web,2,",
].join("\n") + "\n";

Deno.test("readIntoDuckDB() reads events with read_csv into the table the CLI makes, rejects as the loader words them", async () => {
  const staged = await readBoth("events", "events.csv", enc(MESSY_EVENTS));
  assert.equal(staged.path, "duckdb", staged.why ?? "");
  assert.ok(staged.rejects.length >= 7);
});

Deno.test("readIntoDuckDB() reads the sample's events and purchases with DuckDB, equal to the loader", async () => {
  for (const kind of ["events", "purchases"] as const) {
    const bytes = await Deno.readFile(`${ROOT}data/sample/${kind}.csv`);
    const staged = await readBoth(kind, `${kind}.csv`, bytes);
    assert.equal(staged.path, "duckdb", staged.why ?? "");
  }
});

Deno.test("readIntoDuckDB() checks the head with a small head too, and the whole file after it", async () => {
  const staged = await readBoth("events", "events.csv", enc(MESSY_EVENTS), {}, 120);
  assert.equal(staged.path, "duckdb", staged.why ?? "");
});

const DUCKDB_CASES: {
  name: string;
  kind: TableKind;
  bytes: Uint8Array;
  options?: FileReadOptions;
}[] = [
  {
    name: "CRLF line ends and quoted cells with delimiters",
    kind: "events",
    bytes: enc(
      'contact_id,ts,type,url\r\n1,2024-01-05,page_view,"https://x.example/?a=1,b=2"\r\n2,2024-01-06,"call ""in""",\r\n',
    ),
  },
  {
    name: "semicolons and Russian headers",
    kind: "events",
    bytes: enc("ID клиента;Дата;Тип события\n1;2024-01-05 10:00:00;звонок\n2;2024-01-06;чат\n"),
  },
  {
    name: "a hand mapping",
    kind: "purchases",
    bytes: enc("Client,When,Sum\n1,2024-01-05,10.5\n2,2024-01-06,-3\n"),
    options: { mapping: { contact_id: "Client", ts: "When", amount: "Sum" } },
  },
];

for (const c of DUCKDB_CASES) {
  Deno.test(`readIntoDuckDB() reads ${c.name} with DuckDB, as the loader does`, async () => {
    const staged = await readBoth(c.kind, `${c.kind}.csv`, c.bytes, c.options);
    assert.equal(staged.path, "duckdb", staged.why ?? "");
  });
}

const FALLBACKS: {
  name: string;
  kind: TableKind;
  file: string;
  bytes: Uint8Array;
  why: RegExp;
  options?: FileReadOptions;
  headBytes?: number;
}[] = [
  {
    name: "day-first dates",
    kind: "events",
    file: "events.csv",
    bytes: enc(EVENTS_HEADER + "1,25/01/2024,call,web,1,\n2,03/02/2024,chat,web,2,\n"),
    why: /25\/01\/2024|slash dates|agree|differently|time/,
  },
  {
    name: "cp1251 with Russian headers",
    kind: "events",
    file: "events.csv",
    bytes: Uint8Array.from([
      ...enc("contact_id;"),
      0xc4,
      0xe0,
      0xf2,
      0xe0, // Дата
      ...enc(";type\n1;2024-01-05;"),
      0xe7,
      0xe2,
      0xee,
      0xed,
      0xee,
      0xea, // звонок
      ...enc("\n"),
    ]),
    why: /UTF-8/,
  },
  {
    name: "a number written 1 234,5 after the head",
    kind: "purchases",
    file: "purchases.csv",
    bytes: enc(
      "contact_id,ts,amount\n" +
        Array.from({ length: 20 }, (_, i) => `${i},2024-02-01,${i}.5`).join("\n") +
        '\n99,2024-02-02,"1 234,5"\n',
    ),
    why: /1 234,5/,
    headBytes: 100,
  },
  {
    name: "a time zone option",
    kind: "events",
    file: "events.csv",
    bytes: enc(EVENTS_HEADER + "1,2024-01-05 10:00,call,web,1,\n"),
    options: { timezone: "Europe/Moscow" },
    why: /Europe\/Moscow/,
  },
  {
    name: "contacts",
    kind: "contacts",
    file: "contacts.csv",
    bytes: enc(
      "contact_id,phone,interests,score\n1,+7 900 000-00-00,loans;cards,3\n2,,x,y\n1,,,\n",
    ),
    why: /contacts/,
  },
  {
    name: "NDJSON with typed extras",
    kind: "contacts",
    file: "contacts.ndjson",
    bytes: enc(
      '{"contact_id":"1","flag":true,"tags2":["a","b"],"n":1}\n{"contact_id":"2","flag":false,"tags2":[],"n":2.5,"late":"x"}\n',
    ),
    why: /contacts/,
  },
];

for (const c of FALLBACKS) {
  Deno.test(`readIntoDuckDB() falls back to the loader, in batches, for ${c.name}`, async () => {
    const staged = await readBoth(c.kind, c.file, c.bytes, c.options, c.headBytes);
    assert.equal(staged.path, "loader");
    assert.match(staged.why ?? "", c.why);
  });
}

Deno.test("readIntoDuckDB() refuses Parquet, saying DuckDB-WASM cannot read it offline", async () => {
  const { db, conn } = await openDuckDB();
  const bytes = Uint8Array.from([0x50, 0x41, 0x52, 0x31, 0, 0, 0, 0]);
  await assert.rejects(
    () =>
      readIntoDuckDB(
        blockingTarget(db, conn),
        "events",
        { name: "events.parquet", data: bytes, options: {} },
        (onBatch) => loadInBatches("events", { name: "events.parquet", bytes }, {}, onBatch),
      ),
    /Parquet.*offline/,
  );
  conn.close();
});

Deno.test("readIntoDuckDB() leaves the duplicate count for later on request, and it counts as the loader does", async () => {
  // Past the head, so the whole file is not the head (a file read whole is counted at once).
  const clean = EVENTS_HEADER + Array.from(
    { length: 400 },
    (_, i) => `${i % 37},2024-01-0${1 + (i % 9)}T10:00:00Z,page_view,web,${i % 5},x`,
  ).join("\n") + "\n";
  const bytes = enc(clean + MESSY_EVENTS.slice(EVENTS_HEADER.length));
  const name = "events.csv";
  const want = await loadTable("events", { name, bytes }, { collectContactIds: false });
  assert.ok(want.summary.duplicates > 0);
  const { db, conn } = await openDuckDB();
  const staged = await readIntoDuckDB(
    blockingTarget(db, conn),
    "events",
    { name, data: new Blob([bytes as Uint8Array<ArrayBuffer>]), options: {} },
    (onBatch) => loadInBatches("events", { name, bytes }, {}, onBatch),
    { headBytes: 2048, duplicatesLater: true },
  );
  assert.equal(staged.path, "duckdb", staged.why ?? "");
  assert.equal(staged.summary.duplicates, 0);
  assert.ok(staged.countDuplicates);
  conn.query(`ALTER TABLE "${staged.table}" RENAME TO events`);
  assert.equal(await staged.countDuplicates("events"), want.summary.duplicates);
  assert.deepEqual(staged.rejects, want.rejects);
  conn.close();
});
