import assert from "node:assert/strict";
import { scoreInDuckDB } from "../../app/score_in_duckdb.ts";
import { readIntoDuckDB } from "../../app/read_into_duckdb.ts";
import { loadInBatches } from "../../app/worker/load_batches.ts";
import { runTask } from "../../app/worker/worker_tasks.ts";
import { loadTable } from "../../src/data/mod.ts";
import { openDuckDB } from "../../src/db/mod.ts";
import { TABLE_KINDS } from "../../src/tables/mod.ts";
import { blockingTarget } from "./_duck_target.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test({
  name:
    "scoreInDuckDB() gives the engine's scores, tiers and reasons on the page's tables, in one bucket or several",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { db, conn } = await openDuckDB();
    const tables: Record<string, object[]> = {};
    for (const kind of TABLE_KINDS) {
      const name = `${kind}.csv`;
      const bytes = await Deno.readFile(`${ROOT}data/sample/${name}`);
      const staged = await readIntoDuckDB(
        blockingTarget(db, conn),
        kind,
        { name, data: bytes, options: {} },
        (onBatch) => loadInBatches(kind, { name, bytes }, {}, onBatch),
      );
      conn.query(`ALTER TABLE "${staged.table}" RENAME TO "${kind}"`);
      tables[kind] = (await loadTable(kind, { name, bytes })).rows;
    }
    const spec = JSON.parse(await Deno.readTextFile(`${ROOT}data/configs/starter.json`));
    const asOf = Date.UTC(2024, 9, 1);
    const engine = await runTask(tables, "score", [spec, asOf]) as {
      ids: string[];
      scores: Float64Array;
      scored: Uint8Array;
      reasons: string[];
    };
    const sql = { arrow: (q: string) => Promise.resolve(conn.query(q)) };
    for (const eventsPerBucket of [undefined, 5000]) {
      const got = await scoreInDuckDB(sql, spec, asOf, { eventsPerBucket });
      if (eventsPerBucket) assert.ok(got.buckets > 1, `${got.buckets} buckets`);
      const at = new Map(got.ids.map((id, i) => [id, i]));
      assert.equal(got.ids.length, engine.ids.length);
      engine.ids.forEach((id, i) => {
        const j = at.get(id);
        assert.ok(j !== undefined, `contact ${id} scored`);
        const want = engine.scores[i];
        assert.ok(
          Math.abs(got.scores[j] - want) <= 1e-9 * Math.max(1, Math.abs(want)),
          `${id}: ${got.scores[j]} vs ${want}`,
        );
        assert.equal(got.scored[j], engine.scored[i], id);
        assert.equal(got.reasons[j], engine.reasons[i], id);
      });
    }
    conn.close();
  },
});
