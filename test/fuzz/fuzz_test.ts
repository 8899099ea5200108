/**
 * The CI part of the fuzz suite: a few hundred seeded cases of every kind (CSV, JSON and
 * NDJSON, ODS/FODS, configs with the SQL compiler, `score` end to end), each of which must
 * end in a result or a clear message, keep read = loaded + rejected, leave all outputs or
 * none, and write no cell a spreadsheet would run. `deno task fuzz` runs 10,000.
 */
import { openDuckDB } from "../../src/db/mod.ts";
import { FAILURE_CLASSES, formatReport, runFuzz } from "./_fuzz.ts";

Deno.test({
  name: "runFuzz() finds no failure in 300 seeded cases",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { conn } = await openDuckDB();
    const report = await runFuzz(300, { seed: 1, duckdb: conn });
    conn.close();
    console.log(formatReport(report));
    if (report.failures.length) throw new Error(formatReport(report));
    // Every path must have been exercised, or the fuzzer has stopped fuzzing it.
    for (
      const outcome of [
        "events:loaded",
        "events:refused",
        "config:accepted",
        "config:refused",
        "config:sql-agrees",
      ]
    ) {
      if (!report.outcomes[outcome]) throw new Error(`no case reached ${outcome}`);
    }
    if (!FAILURE_CLASSES.length) throw new Error("no failure classes");
  },
});
