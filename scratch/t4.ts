import { openDuckDB } from "../src/db/mod.ts";
import { csvTableSql } from "../src/db/read_csv_sql.ts";
import { mapColumns } from "../src/data/map_columns.ts";
const { db, conn } = await openDuckDB();
const bytes = await Deno.readFile("/tmp/sbbench/c1m_e1m/events.csv");
db.registerFileBuffer("e.csv", bytes);
const header = new TextDecoder().decode(bytes.subarray(0, 200)).split("\n")[0].split(",");
const m = mapColumns("events", header, "e.csv", {});
const plan = csvTableSql({ kind: "events", file: "e.csv", header, index: m.index, delimiter: ",", table: "t", rejectsTable: "rj", scansTable: "rs" });
const q = (name: string, sql: string) => { const t = performance.now(); conn.query(sql); console.log(name.padEnd(20), (performance.now() - t).toFixed(0)); };
for (let k = 0; k < 3; k++) {
q("raw", `CREATE OR REPLACE TABLE a AS SELECT * FROM read_csv('e.csv', header=true, types={'contact_id': 'VARCHAR'})`);
q("plan", plan.create);
q("plan no window", plan.create.replace("(row_number() OVER () - 1)::BIGINT", "0::BIGINT"));
q("plan no problem", plan.create.replace(/CASE WHEN COALESCE\(sb_t0[^]*END AS sb_problem/, "NULL AS sb_problem"));
}
q("plan no rejects", plan.create.replace(/, store_rejects = true, rejects_table = 'rj', rejects_scan = 'rs'/, ""));
q("stats", `SELECT count(*) AS n, count(DISTINCT hash(contact_id, ts, "type", channel, url, email_id, source, phrase, tag, stage, "value")) FROM t`);
