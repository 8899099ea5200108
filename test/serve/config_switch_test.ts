/**
 * Config switches of the scoring service that do not stop ingestion: `PUT /config` while
 * events arrive, and the `--watch-config` file watch.
 */
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { toScoringConfig } from "../../src/config/to_scoring_config.ts";
import type { ScoringConfigSpec } from "../../src/config/types.ts";
import { loadTable } from "../../src/data/load_table.ts";
import type { EventRow } from "../../src/data/types.ts";
import { createIncrementalScorer } from "../../src/engine/create_incremental_scorer.ts";
import { createServeHandler, ScoringService } from "../../src/serve/mod.ts";
import { watchConfigFile } from "../../src/serve/watch_config_file.ts";
import { call, SAMPLE, STARTER, waitFor } from "./_helpers.ts";

const starterSpec: ScoringConfigSpec = JSON.parse(await Deno.readTextFile(STARTER));
const allEvents = (await loadTable("events", `${SAMPLE}/events.csv`)).rows;

function ndjson(rows: EventRow[]): string {
  return rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) if (v !== null && v !== undefined) o[k] = v;
    o.ts = new Date(r.ts).toISOString();
    return JSON.stringify(o);
  }).join("\n") + "\n";
}

function timeout(ms: number, what: string): Promise<never> {
  return new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)
  );
}

Deno.test("ScoringService.changeConfig() answers POST /events while it builds, and counts each event once under the new config", async () => {
  const data = await Deno.makeTempDir();
  try {
    const lower: ScoringConfigSpec = {
      ...starterSpec,
      name: "Lower",
      tiers: { high: 20, medium: 8 },
    };
    const first = allEvents.slice(0, 30_000);
    const during = allEvents.slice(30_000, 33_000);
    const after = allEvents.slice(33_000, 34_000);
    let answeredDuringBuild = 0;
    let builds = 0;
    let handler!: (req: Request) => Promise<Response>;
    const s = await ScoringService.open({
      dataDir: data,
      config: toScoringConfig(starterSpec),
      onNotice: () => {},
      configBuildChunk: 1_000,
      // The build waits here until batches sent now are answered: if ingestion waited for
      // the build, this would never resolve.
      onConfigBuild: async () => {
        if (builds++ !== 2) return;
        for (let i = 0; i < during.length; i += 1_000) {
          const r = await Promise.race([
            call(handler, "POST", "/events", ndjson(during.slice(i, i + 1_000))),
            timeout(20_000, "POST /events during a config switch"),
          ]);
          assertEquals(r.status, 200, r.text);
          answeredDuringBuild += r.body.accepted;
        }
      },
    });
    try {
      handler = createServeHandler(s);
      for (let i = 0; i < first.length; i += 5_000) await s.ingestRows(first.slice(i, i + 5_000));
      const asOf = "2024-07-01T00:00:00Z";
      const sw = await call(handler, "PUT", `/config?as_of=${asOf}`, JSON.stringify(lower));
      assertEquals(sw.status, 200, sw.text);
      assertEquals([sw.body.switched, sw.body.version], [true, 2]);
      assert(builds > 5, `${builds} chunks`);
      assertEquals(answeredDuringBuild, during.length);
      const r = await call(handler, "POST", "/events", ndjson(after));
      assertEquals(r.status, 200, r.text);

      // The new config's state is that of every event, each once, in arrival order.
      const all = [...first, ...during, ...after];
      assertEquals(s.eventCount, all.length);
      const ref = createIncrementalScorer(toScoringConfig(lower));
      for (const e of all) ref.add(e);
      const T = Date.parse(asOf);
      const ids = [...new Set(all.map((e) => e.contact_id))];
      for (const id of ids) {
        const got = s.contact(id, T);
        const want = ref.score(id, T);
        assertEquals(
          [got.score, got.matched_events, got.tier, got.config_version],
          [want?.score, want?.matchedEvents, want?.tier, 2],
          id,
        );
      }
    } finally {
      await s.close();
    }
  } finally {
    await Deno.remove(data, { recursive: true });
  }
});

Deno.test("watchConfigFile() switches to a saved config and refuses a broken file by path, keeping the config in force", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/config.json`;
  await Deno.writeTextFile(path, JSON.stringify(starterSpec));
  const s = await ScoringService.open({
    dataDir: `${dir}/data`,
    config: toScoringConfig(starterSpec),
    onNotice: () => {},
  });
  const notices: string[] = [];
  const watch = watchConfigFile(s, path, { debounceMs: 50, onNotice: (m) => notices.push(m) });
  try {
    await s.ingestRows(allEvents.slice(0, 2_000));
    // A save by rename, as editors do.
    const lower = { ...starterSpec, name: "Lower", tiers: { high: 20, medium: 8 } };
    await Deno.writeTextFile(`${path}.tmp`, JSON.stringify(lower));
    await Deno.rename(`${path}.tmp`, path);
    await waitFor(() => s.configVersion === 2, 10_000, "for the switch");
    await watch.idle();
    assertEquals(s.config.name, "Lower");
    assert(notices.some((m) => m.includes("switched to version 2")), notices.join("\n"));

    notices.length = 0;
    await Deno.writeTextFile(path, '{"format": "scorebench.config/v1", "rules": [');
    await waitFor(() => notices.length > 0, 10_000, "for the refusal");
    await watch.idle();
    assert(notices[0].includes(`Config "${path}"`), notices[0]);
    assert(notices[0].includes("not valid JSON"), notices[0]);
    assert(notices[0].includes("Keeping config version 2"), notices[0]);

    notices.length = 0;
    await Deno.writeTextFile(
      path,
      JSON.stringify({ ...starterSpec, tiers: { high: "lots", medium: 8 } }),
    );
    await waitFor(() => notices.length > 0, 10_000, "for the refusal");
    await watch.idle();
    assert(
      notices[0].includes(`Config "${path}"`) && notices[0].includes("tiers.high"),
      notices[0],
    );
    assertEquals([s.configVersion, s.config.name], [2, "Lower"]);

    // The same config again (reformatted) is no new version.
    notices.length = 0;
    await Deno.writeTextFile(path, JSON.stringify(lower, null, 2));
    await new Promise((r) => setTimeout(r, 300));
    await watch.idle();
    assertEquals(s.configVersion, 2);
    assertEquals(notices, []);
  } finally {
    watch.close();
    await s.close();
    await Deno.remove(dir, { recursive: true });
  }
});
