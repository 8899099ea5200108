/**
 * The `clickhouse` dialect on ClickHouse 26.x in process (chdb): for random configs and
 * data, the compiled SQL returns the engine's rows to 1e-9 relative, as the DuckDB
 * property test checks for DuckDB.
 */
import { toScoringConfig } from "../../src/config/mod.ts";
import { chdbClient, clickhouseScores, loadChdb } from "./_clickhouse.ts";
import { compareRows, engineScores } from "./_harness.ts";
import { randomCase } from "./_random_case.ts";

// CI runs 40 cases (each query takes ClickHouse's analyser about 0.3 s); set
// SB_CLICKHOUSE_CASES for more, such as 300.
const CASES = Number(Deno.env.get("SB_CLICKHOUSE_CASES") ?? 40);
const chdb = loadChdb();

Deno.test({
  name: "compileToSql() in the clickhouse dialect agrees with scoreContacts() on chdb",
  ignore: !chdb.ok,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    if (!chdb.ok) return;
    const client = chdbClient(chdb.Session);
    let rowsCompared = 0;
    const failures: string[] = [];
    try {
      for (let seed = 1; seed <= CASES; seed++) {
        const c = randomCase(seed);
        const config = toScoringConfig(c.spec);
        const engine = engineScores(config, c.tables, c.asOf);
        let rows;
        try {
          rows = (await clickhouseScores(client, config, c.tables, c.asOf)).rows;
        } catch (err) {
          failures.push(`seed ${seed}: ${(err as Error).message.slice(0, 1500)}`);
          if (failures.length >= 3) break;
          continue;
        }
        rowsCompared += engine.length;
        const diff = compareRows(config, engine, rows);
        if (diff.length > 0) {
          failures.push(`seed ${seed}:\n  ${diff.slice(0, 5).join("\n  ")}`);
          if (failures.length >= 5) break;
        }
      }
    } finally {
      client.close();
    }
    if (failures.length > 0) throw new Error(failures.join("\n"));
    if (rowsCompared < CASES * 3) throw new Error(`only ${rowsCompared} rows compared`);
  },
});

if (!chdb.ok) console.log(`Skipping the chdb tests: ${chdb.why}`);
