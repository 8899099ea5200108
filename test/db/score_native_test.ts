import assert from "node:assert/strict";
import { readConfigFile } from "../../src/config/mod.ts";
import { openNativeDuckDB } from "../../src/db/native_duckdb.ts";
import { readTableNative } from "../../src/db/read_table_native.ts";
import { scoreNative } from "../../src/db/score_native.ts";
import { createBatchScorer } from "../../src/engine/create_batch_scorer.ts";
import { loadTable } from "../../src/data/mod.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test({
  name: "scoreNative() writes the same scores.csv (to 1e-12) in one query or in contact buckets",
  sanitizeResources: false,
  async fn() {
    const { config } = await readConfigFile(`${ROOT}data/configs/starter.json`);
    const db = await openNativeDuckDB();
    try {
      const events = await readTableNative(db.conn, "events", `${ROOT}data/sample/events.csv`);
      const asOf = [Date.UTC(2024, 5, 1), Date.UTC(2024, 11, 1)];
      const texts: string[] = [];
      const triggers: string[] = [];
      for (const partitions of [1, 3]) {
        let text = "";
        const r = await scoreNative(db.conn, config, {
          asOf,
          events,
          partitions,
          chunkChars: 10_000,
          write: (t) => {
            text += t;
          },
        });
        texts.push(text);
        triggers.push(JSON.stringify(r.triggers));
        assert.equal(r.rows, text.split("\n").length - 2);
      }
      // Sums are added in another order per bucket: equal to the last few bits.
      const a = texts[0].split("\n"), b = texts[1].split("\n");
      assert.equal(b.length, a.length);
      for (let i = 0; i < a.length; i++) {
        const fa = a[i].split(/[,;:]/), fb = b[i].split(/[,;:]/);
        assert.equal(fb.length, fa.length);
        fa.forEach((x, k) => {
          const y = fb[k];
          if (x === y) return;
          const dx = Number(x), dy = Number(y);
          assert.ok(
            Math.abs(dx - dy) <= 1e-12 * Math.max(Math.abs(dx), Math.abs(dy)),
            `${a[i]}\n${b[i]}`,
          );
        });
      }
      assert.equal(triggers[1], triggers[0]);
      // Every contact of the events at each instant, in the engine's order.
      const scorer = createBatchScorer(config);
      await loadTable("events", `${ROOT}data/sample/events.csv`, { onRow: (e) => scorer.add(e) });
      const engine = scorer.finish(asOf);
      const ids = texts[0].trimEnd().split("\n").slice(1).map((l) =>
        l.split(",").slice(0, 2).join()
      );
      assert.deepEqual(
        ids,
        engine.rows.map((r) =>
          `${new Date(r.asOf).toISOString().replace(".000Z", "Z")},${r.contactId}`
        ),
      );
      assert.equal(triggers[0], JSON.stringify(engine.triggers));
    } finally {
      await db.close();
    }
  },
});
