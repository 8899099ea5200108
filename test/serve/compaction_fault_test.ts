/**
 * Fault test of log compaction: `cli serve` ends itself with SIGKILL at each durable step
 * of segment rolls, engine-state saves, snapshots, engine-state pruning and segment drops
 * (`SCOREBENCH_SERVE_CRASH_AT`), then starts again on the same folder.
 */
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { toScoringConfig } from "../../src/config/to_scoring_config.ts";
import type { ScoringConfigSpec } from "../../src/config/types.ts";
import { loadTable } from "../../src/data/load_table.ts";
import type { EventRow } from "../../src/data/types.ts";
import { createIncrementalScorer } from "../../src/engine/create_incremental_scorer.ts";
import { firingKey } from "../../src/serve/scoring_service.ts";
import { readNdjsonFile } from "../../src/serve/ndjson_file.ts";
import { listSegments, logLines } from "../../src/serve/segmented_log.ts";
import { SAMPLE, type Server, STARTER, startServer } from "./_helpers.ts";

const starter: ScoringConfigSpec = JSON.parse(await Deno.readTextFile(STARTER));
const SPEC: ScoringConfigSpec = {
  ...starter,
  // Low cuts, so that many contacts cross during the run.
  tiers: { high: 20, medium: 8 },
  triggers: [{ id: "call", reaches: "medium", action: { type: "crm-task", queue: "sales" } }],
};
const events = (await loadTable("events", `${SAMPLE}/events.csv`)).rows.slice(0, 3_000);
const batches: EventRow[][] = [];
for (let i = 0; i < events.length; i += 50) batches.push(events.slice(i, i + 50));
const AS_OF = "2024-09-01T00:00:00Z";

/** Every event once, in order; its firings of "call" keyed as the service keys them. */
const reference = (() => {
  const scorer = createIncrementalScorer(toScoringConfig(SPEC));
  const keys: string[] = [];
  let seq = 0;
  scorer.onTrigger((f) => keys.push(firingKey(seq, f.triggerId)));
  for (const e of events) {
    seq++;
    scorer.add(e);
  }
  if (keys.length < 20) throw new Error(`Only ${keys.length} firings: the test needs more`);
  return { scorer, keys };
})();

function body(rows: EventRow[]): string {
  return rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) if (v !== null && v !== undefined) o[k] = v;
    o.ts = new Date(r.ts).toISOString();
    return JSON.stringify(o);
  }).join("\n");
}

async function stop(server: Server): Promise<void> {
  try {
    server.child.kill("SIGTERM");
  } catch {
    // Already gone.
  }
  await server.child.status;
  await server.output;
}

const STEPS: [string, number][] = [
  ["segment-rolled", 3],
  ["engine-state", 2],
  ["snapshot", 4],
  ["engine-state-pruned", 1],
  ["segment-dropped", 1],
  ["segment-dropped", 3],
];

for (const [step, nth] of STEPS) {
  Deno.test(`cli serve killed at "${step}" #${nth} of compaction loses no acknowledged event and fires no crossing twice`, async () => {
    const dir = await Deno.makeTempDir();
    let server: Server | null = null;
    try {
      await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(SPEC));
      const args = [
        "--config",
        `${dir}/config.json`,
        "--data",
        `${dir}/data`,
        "--port",
        "0",
        "--segment-mb",
        "0.02",
        "--snapshot-every",
        "200",
        "--engine-state-every",
        "400",
        "--retain-days",
        "0",
      ];
      server = await startServer(args, { SCOREBENCH_SERVE_CRASH_AT: `${step}:${nth}` });
      let acked = 0;
      let b = 0;
      for (; b < batches.length; b++) {
        try {
          const res = await fetch(`${server.url}/events`, {
            method: "POST",
            body: body(batches[b]),
          });
          assertEquals(res.status, 200);
          assertEquals((await res.json()).first_seq, acked + 1);
          acked += batches[b].length;
        } catch {
          break; // The process ended itself at the step.
        }
      }
      const status = await server.child.status;
      await server.output;
      assertEquals(status.signal, "SIGKILL", `the process never reached "${step}" #${nth}`);
      assert(b < batches.length);

      server = await startServer(args);
      const health = await (await fetch(`${server.url}/health`)).json();
      // The batch in flight at the kill may have been logged without its answer.
      assert(
        health.events === acked || health.events === acked + batches[b].length,
        `${health.events} events after the restart, ${acked} acknowledged`,
      );
      if (health.events > acked) b++;
      for (; b < batches.length; b++) {
        const res = await fetch(`${server.url}/events`, { method: "POST", body: body(batches[b]) });
        assertEquals(res.status, 200, await res.text());
      }
      const end = await (await fetch(`${server.url}/health`)).json();
      assertEquals(end.events, events.length);
      for (const id of new Set(events.map((e) => e.contact_id))) {
        const got = await (await fetch(`${server.url}/contacts/${id}?as_of=${AS_OF}`)).json();
        const want = reference.scorer.score(id, Date.parse(AS_OF));
        assertEquals([got.score, got.matched_events], [want?.score, want?.matchedEvents], id);
      }
      const outbox: string[] = [];
      readNdjsonFile(`${dir}/data/outbox.ndjson`, (v) => outbox.push((v as { key: string }).key));
      assertEquals(outbox.length, new Set(outbox).size, "an outbox line written twice");
      assertEquals(outbox.sort(), [...reference.keys].sort());
      // Killed again, with no last snapshot: the folder opens from what compaction left.
      server.child.kill("SIGKILL");
      await server.child.status;
      await server.output;
      const segments = await listSegments(`${dir}/data`);
      assert(segments[0].base > 0, "no segment was dropped");
      server = await startServer(args);
      assertEquals((await (await fetch(`${server.url}/health`)).json()).events, events.length);
      for (const id of [...new Set(events.map((e) => e.contact_id))].slice(0, 200)) {
        const got = await (await fetch(`${server.url}/contacts/${id}?as_of=${AS_OF}`)).json();
        assertEquals(got.score, reference.scorer.score(id, Date.parse(AS_OF))?.score, id);
      }
    } finally {
      if (server) await stop(server);
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("cli serve killed right after a config switch is logged, events still arriving, loses none and counts none twice", async () => {
  const dir = await Deno.makeTempDir();
  let server: Server | null = null;
  try {
    const LOWER: ScoringConfigSpec = { ...SPEC, name: "Lower", tiers: { high: 12, medium: 5 } };
    await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(SPEC));
    const args = ["--config", `${dir}/config.json`, "--data", `${dir}/data`, "--port", "0"];
    server = await startServer(args, { SCOREBENCH_SERVE_CRASH_AT: "config-logged:1" });
    const url = server.url;
    let acked = 0;
    let b = 0;
    let inFlight = -1;
    const poster = (async () => {
      for (; b < batches.length; b++) {
        inFlight = b;
        try {
          const res = await fetch(`${url}/events`, { method: "POST", body: body(batches[b]) });
          assertEquals(res.status, 200);
          acked += batches[b].length;
          if (b === 30) {
            // The switch starts with events still arriving.
            fetch(`${url}/config`, { method: "PUT", body: JSON.stringify(LOWER) })
              .then((r) => r.body?.cancel(), () => {});
          }
        } catch {
          return;
        }
      }
    })();
    await poster;
    const status = await server.child.status;
    await server.output;
    assertEquals(status.signal, "SIGKILL", "the switch was never logged");
    assert(b > 30 && b < batches.length, `killed at batch ${b}`);

    await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(LOWER));
    server = await startServer(args);
    const health = await (await fetch(`${server.url}/health`)).json();
    assertEquals(health.config.version, 2);
    assert(health.events === acked || health.events === acked + batches[inFlight].length);
    if (health.events > acked) b++;
    for (; b < batches.length; b++) {
      const res = await fetch(`${server.url}/events`, { method: "POST", body: body(batches[b]) });
      assertEquals(res.status, 200, await res.text());
    }
    // The log holds every event once, and the switch at event S: firings up to S come from
    // the first config, after S from the second (fed every event before S, muted).
    const rows: EventRow[] = [];
    let switchedAt = -1;
    for (const { value } of logLines(await listSegments(`${dir}/data`))) {
      const rec = value as { t: string; rows?: EventRow[]; version?: number; seq?: number };
      if (rec.rows) rows.push(...rec.rows);
      if (rec.t === "config" && rec.version === 2) switchedAt = rec.seq!;
    }
    assertEquals(rows.length, events.length);
    assert(switchedAt >= 31 * 50, `switch at ${switchedAt}`);
    const keys: string[] = [];
    const a = createIncrementalScorer(toScoringConfig(SPEC));
    const z = createIncrementalScorer(toScoringConfig(LOWER));
    let seq = 0;
    a.onTrigger((f) => keys.push(firingKey(seq, f.triggerId)));
    for (const r of rows.slice(0, switchedAt)) seq++, a.add(r), z.add(r);
    z.onTrigger((f) => keys.push(firingKey(seq, f.triggerId)));
    for (const r of rows.slice(switchedAt)) seq++, z.add(r);
    const outbox: string[] = [];
    readNdjsonFile(`${dir}/data/outbox.ndjson`, (v) => outbox.push((v as { key: string }).key));
    assertEquals(outbox.length, new Set(outbox).size, "an outbox line written twice");
    assertEquals(outbox.sort(), keys.sort());
    for (const id of [...new Set(events.map((e) => e.contact_id))].slice(0, 300)) {
      const got = await (await fetch(`${server.url}/contacts/${id}?as_of=${AS_OF}`)).json();
      const want = z.score(id, Date.parse(AS_OF));
      assertEquals([got.score, got.matched_events, got.config_version], [
        want?.score,
        want?.matchedEvents,
        2,
      ], id);
    }
  } finally {
    if (server) await stop(server);
    await Deno.remove(dir, { recursive: true });
  }
});
