/** Log compaction of the scoring service, in process. */
import { deepStrictEqual as assertEquals, ok as assert, rejects } from "node:assert/strict";
import { toScoringConfig } from "../../src/config/to_scoring_config.ts";
import type { ScoringConfigSpec } from "../../src/config/types.ts";
import { loadTable } from "../../src/data/load_table.ts";
import { createIncrementalScorer } from "../../src/engine/create_incremental_scorer.ts";
import { ScoringService, type ScoringServiceOptions } from "../../src/serve/mod.ts";
import { listSegments } from "../../src/serve/segmented_log.ts";
import { SAMPLE, STARTER } from "./_helpers.ts";

const starterSpec: ScoringConfigSpec = JSON.parse(await Deno.readTextFile(STARTER));
const events = (await loadTable("events", `${SAMPLE}/events.csv`)).rows.slice(0, 6_000);

async function fill(options: Partial<ScoringServiceOptions> & { dataDir: string }) {
  const s = await ScoringService.open({
    config: toScoringConfig(starterSpec),
    onNotice: () => {},
    segmentBytes: 20_000,
    snapshotEveryEvents: 500,
    engineStateEveryEvents: 1_000,
    ...options,
  });
  for (let i = 0; i < events.length; i += 250) await s.ingestRows(events.slice(i, i + 250));
  return s;
}

Deno.test("ScoringService compacts the log behind the saved engine state, past the retention only", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A retention longer than the data's span keeps every segment.
    const keep = await fill({ dataDir: `${dir}/keep`, logRetentionDays: 3_650 });
    await keep.close();
    const kept = await listSegments(`${dir}/keep`);
    assert(kept.length > 5, `${kept.length} segments`);
    assertEquals(kept[0].base, 0);

    const data = `${dir}/data`;
    const s = await fill({ dataDir: data, logRetentionDays: 0 });
    assert(/scorebench_log_compacted_bytes_total \d{4,}/.test(s.metrics.render()));
    await s.close();
    const left = await listSegments(data);
    assert(left[0].base > 0, "nothing dropped");
    const total = kept.reduce((a, x) => a + x.size, 0);
    assertEquals(left.at(-1)!.base + left.at(-1)!.size, total);

    // Restarted from what is left: every event, the same scores.
    const again = await ScoringService.open({
      dataDir: data,
      config: toScoringConfig(starterSpec),
      onNotice: () => {},
      logRetentionDays: 0,
    });
    try {
      assertEquals(again.eventCount, events.length);
      const ref = createIncrementalScorer(toScoringConfig(starterSpec));
      for (const e of events) ref.add(e);
      const T = Date.parse("2024-09-01T00:00:00Z");
      for (const id of new Set(events.map((e) => e.contact_id))) {
        assertEquals(again.contact(id, T).score, ref.score(id, T)?.score, id);
      }
      // A switch after compaction is built from the events kept, and says so.
      const answer = await again.changeConfig({ ...starterSpec, name: "Other" }, { dryRun: true });
      assert(answer.warnings.some((w) => w.includes("compacted")), answer.warnings.join("\n"));
    } finally {
      await again.close();
    }

    // Without the engine state that covers the dropped segments, the start is refused.
    for await (const e of Deno.readDir(data)) {
      if (e.name.startsWith("engine-state")) await Deno.remove(`${data}/${e.name}`);
    }
    await rejects(
      ScoringService.open({
        dataDir: data,
        config: toScoringConfig(starterSpec),
        onNotice: () => {},
      }),
      /the log starts at byte \d+ \(older segments were compacted\) and no usable saved engine state/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
