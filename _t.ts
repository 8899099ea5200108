import { DuckDBInstance } from "@duckdb/node-api";
const inst = await DuckDBInstance.create(":memory:", { threads: "1" });
const conn = await inst.connect();
const f = "test/testdata/bad_dates.csv";
for (const t of ["TIMESTAMPTZ", "TIMESTAMP"]) for (const ad of ["true", "false"]) {
  const r = await conn.runAndReadAll(`SELECT * FROM read_csv('${f}', header=true, auto_detect=${ad}, delim=',', quote='"', escape='"', columns={'a':'VARCHAR','b':'${t}','c':'VARCHAR'}, store_rejects=true)`);
  console.log(t, ad, r.getRowsJS().length, (await conn.runAndReadAll("select count(*) from reject_errors")).getRowsJS());
}
