/**
 * Property: for random configs and data, the compiled SQL run in DuckDB-WASM returns the
 * engine's rows (score, tier, matched_events, verified, reasons, scopes) to 1e-9 relative.
 */
import { toScoringConfig } from "../../src/config/mod.ts";
import { openDuckDB } from "../../src/db/mod.ts";
import { compareRows, engineScores, sqlScores } from "./_harness.ts";
import { randomCase } from "./_random_case.ts";

const CASES = 200;

Deno.test({
  name: "compileToSql() agrees with scoreContacts() on random configs and events",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { conn } = await openDuckDB();
    let rowsCompared = 0;
    const failures: string[] = [];
    for (let seed = 1; seed <= CASES; seed++) {
      const c = randomCase(seed);
      const config = toScoringConfig(c.spec);
      const engine = engineScores(config, c.tables, c.asOf);
      const { rows } = sqlScores(conn, config, c.tables, c.asOf);
      rowsCompared += engine.length;
      const diff = compareRows(config, engine, rows);
      if (diff.length > 0) {
        failures.push(`seed ${seed}:\n  ${diff.slice(0, 5).join("\n  ")}`);
        if (failures.length >= 5) break;
      }
    }
    conn.close();
    if (failures.length > 0) throw new Error(failures.join("\n"));
    // Guard against a generator that stopped producing rows to compare.
    if (rowsCompared < CASES * 3) throw new Error(`only ${rowsCompared} rows compared`);
  },
});
