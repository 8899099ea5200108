/**
 * One DuckDB table policy: the tables the CLI writes (`writeTable`) and the page's
 * (`rowsToArrowIpc`) have the same columns and types, the workbench's SQL cells give the
 * same answers on both, and the SQL `cli sql` prints runs unchanged on them and gives the
 * scores `cli score` writes.
 */
import assert from "node:assert/strict";
import { loadTable } from "../../src/data/mod.ts";
import { type DuckDBConnection, openDuckDB, writeTable } from "../../src/db/mod.ts";
import { rowsToArrowIpc } from "../../app/worker/rows_to_arrow.ts";
import { TABLE_KINDS } from "../../src/tables/mod.ts";
import { runCli } from "../_cli.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SAMPLE = `${ROOT}data/sample/`;

async function loadSample() {
  const out: Record<string, object[]> = {};
  for (const kind of TABLE_KINDS) {
    const bytes = await Deno.readFile(`${SAMPLE}${kind}.csv`);
    out[kind] = (await loadTable(kind, { name: `${kind}.csv`, bytes })).rows;
  }
  return out;
}

/** The `sql` cells of the notebooks, plus queries the cells' users write. */
async function sqlCells(): Promise<string[]> {
  const cells: string[] = [];
  for (
    const entry of [...Deno.readDirSync(`${ROOT}notebooks`)].sort((a, b) =>
      a.name < b.name ? -1 : 1
    )
  ) {
    if (!entry.name.endsWith(".md")) continue;
    const text = await Deno.readTextFile(`${ROOT}notebooks/${entry.name}`);
    for (const m of text.matchAll(/```sql[^\n]*\n([\s\S]*?)```/g)) cells.push(m[1]);
  }
  assert.ok(cells.length >= 2, "the notebooks have SQL cells");
  return [
    ...cells,
    "SELECT date_trunc('month', created_at) AS m, count(*) AS n FROM contacts GROUP BY m ORDER BY m",
    "SELECT contact_id, len(interests) AS n FROM contacts WHERE list_contains(interests, 'loans') ORDER BY contact_id LIMIT 20",
    "SELECT contact_id, ts, type FROM events ORDER BY seq LIMIT 50",
  ];
}

const rowsOf = (conn: DuckDBConnection, sql: string) =>
  conn.query(sql).toArray().map((r) =>
    JSON.stringify(r.toJSON(), (_k, v) => typeof v === "bigint" ? Number(v) : v)
  );

Deno.test({
  name:
    "writeTable() and rowsToArrowIpc() make the same tables, and the page's SQL cells agree on both",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const tables = await loadSample();
    const cli = (await openDuckDB()).conn;
    const page = (await openDuckDB()).conn;
    for (const kind of TABLE_KINDS) {
      writeTable(cli, kind, tables[kind]);
      page.insertArrowFromIPCStream(rowsToArrowIpc(kind, tables[kind]), { name: kind });
    }
    const schema =
      "SELECT table_name, column_name, data_type FROM information_schema.columns ORDER BY table_name, ordinal_position";
    assert.deepEqual(rowsOf(page, schema), rowsOf(cli, schema));
    for (const sql of await sqlCells()) {
      const a = rowsOf(cli, sql);
      assert.ok(a.length > 0, `no rows from ${sql}`);
      assert.deepEqual(rowsOf(page, sql), a, sql);
    }
    cli.close();
    page.close();
  },
});

Deno.test({
  name: "cli sql prints SQL that runs unchanged on the loaded tables and gives cli score's scores",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const config = `${ROOT}data/configs/starter.json`;
    const asOf = ["2024-09-01", "2024-10-01"];
    const sql = await runCli(["sql", "--config", config, ...asOf.flatMap((t) => ["--as-of", t])]);
    assert.equal(sql.code, 0, sql.stderr);
    const dir = await Deno.makeTempDir();
    const score = await runCli([
      "score",
      "--config",
      config,
      "--events",
      `${SAMPLE}events.csv`,
      "--contacts",
      `${SAMPLE}contacts.csv`,
      ...asOf.flatMap((t) => ["--as-of", t]),
      "--out",
      `${dir}/scores.csv`,
    ]);
    assert.equal(score.code, 0, score.stderr);
    const tables = await loadSample();
    const { conn } = await openDuckDB();
    for (const kind of TABLE_KINDS) writeTable(conn, kind, tables[kind]);
    const got = conn.query(sql.stdout).toArray().map((r) => r.toJSON());
    const lines = (await Deno.readTextFile(`${dir}/scores.csv`)).trim().split("\n");
    const header = lines[0].split(",");
    const at = (name: string) => header.indexOf(name);
    assert.equal(got.length, lines.length - 1);
    lines.slice(1).forEach((line, i) => {
      const f = line.split(",");
      const row = got[i];
      assert.equal(row.contact_id, f[at("contact_id")]);
      assert.equal(row.tier, f[at("tier")]);
      const want = Number(f[at("score")]);
      assert.ok(Math.abs(Number(row.score) - want) <= 1e-9 * Math.max(1, Math.abs(want)), line);
    });
    conn.close();
  },
});
