/**
 * Fault test of `cli serve`: the process is killed (SIGKILL) in the middle of a burst of
 * concurrent batches, then started again on the same data folder.
 */
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import type { ScoringConfigSpec } from "../../src/config/types.ts";
import { toScoringConfig } from "../../src/config/to_scoring_config.ts";
import { loadTable } from "../../src/data/load_table.ts";
import type { EventRow } from "../../src/data/types.ts";
import { createIncrementalScorer } from "../../src/engine/create_incremental_scorer.ts";
import { firingKey } from "../../src/serve/scoring_service.ts";
import { readNdjsonFile } from "../../src/serve/ndjson_file.ts";
import { SAMPLE, type Server, STARTER, startReceiver, startServer, waitFor } from "./_helpers.ts";

const SECRET = "fault-secret";

function body(rows: (EventRow & { n: number })[]): string {
  return rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) if (v !== null && v !== undefined) o[k] = v;
    o.ts = new Date(r.ts).toISOString();
    return JSON.stringify(o);
  }).join("\n");
}

Deno.test("cli serve killed with SIGKILL during a burst loses no acknowledged event and fires no crossing twice", async () => {
  const dir = await Deno.makeTempDir();
  const receiver = startReceiver(SECRET, 1);
  let server: Server | null = null;
  try {
    const starter: ScoringConfigSpec = JSON.parse(await Deno.readTextFile(STARTER));
    const spec: ScoringConfigSpec = {
      ...starter,
      triggers: [
        { id: "warm", reaches: "medium", action: { type: "webhook", url: receiver.url } },
        { id: "call", reaches: "medium", action: { type: "crm-task", queue: "sales" } },
      ],
    };
    await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(spec));
    const args = [
      "--config",
      `${dir}/config.json`,
      "--data",
      `${dir}/data`,
      "--port",
      "0",
      "--retry-base-ms",
      "5",
    ];
    const events = (await loadTable("events", `${SAMPLE}/events.csv`)).rows.slice(0, 8_000)
      .map((e, n) => ({ ...e, n }));
    const batches: (typeof events)[] = [];
    for (let i = 0; i < events.length; i += 50) batches.push(events.slice(i, i + 50));

    server = await startServer(args, { SCOREBENCH_WEBHOOK_SECRET: SECRET });
    const acked: number[] = [];
    let next = 0;
    let killed = false;
    const client = async (url: string) => {
      while (next < batches.length && !killed) {
        const b = next++;
        try {
          const res = await fetch(`${url}/events`, {
            method: "POST",
            body: body(batches[b]),
            headers: { "content-type": "application/x-ndjson" },
          });
          const answer = await res.json();
          if (res.status === 200 && answer.accepted === batches[b].length) acked.push(b);
        } catch {
          // The connection died with the process: this batch was not acknowledged.
        }
        if (!killed && acked.length >= 60) {
          killed = true;
          server!.child.kill("SIGKILL");
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, () => client(server!.url)));
    await server.child.status;
    await server.output;
    const untried = batches.slice(next).map((_, i) => next + i);
    assert(untried.length > 20, `the kill came too late (${next} of ${batches.length})`);

    server = await startServer(args, { SCOREBENCH_WEBHOOK_SECRET: SECRET });
    // Every acknowledged event is in the log, and none twice.
    const logged = new Map<number, number>();
    readNdjsonFile(`${dir}/data/events-0000000000000000.ndjson`, (v) => {
      const rec = v as { t: string; rows?: { n: number }[] };
      for (const r of rec.rows ?? []) logged.set(r.n, (logged.get(r.n) ?? 0) + 1);
    });
    for (const b of acked) {
      for (const e of batches[b]) assertEquals(logged.get(e.n), 1, `event ${e.n}`);
    }
    assert([...logged.values()].every((c) => c === 1));
    // The rest of the burst goes to the restarted service.
    for (const b of untried) {
      const res = await fetch(`${server.url}/events`, { method: "POST", body: body(batches[b]) });
      assertEquals(res.status, 200, await res.text());
    }
    await waitFor(
      async () => {
        const h = await (await fetch(`${server!.url}/health`)).json();
        return h.deliveries.waiting === 0;
      },
      15_000,
      "for the webhooks",
    );

    // The crossings are those of the log replayed in order, each delivered once by key.
    const rows: EventRow[] = [];
    readNdjsonFile(`${dir}/data/events-0000000000000000.ndjson`, (v) => {
      const rec = v as { t: string; rows?: EventRow[] };
      if (rec.rows) rows.push(...rec.rows);
    });
    const scorer = createIncrementalScorer(toScoringConfig(spec));
    const expected: Record<string, string[]> = { warm: [], call: [] };
    let seq = 0;
    scorer.onTrigger((f) => expected[f.triggerId].push(firingKey(seq, f.triggerId)));
    for (const r of rows) {
      seq++;
      scorer.add(r);
    }
    assert(expected.warm.length > 10 && expected.call.length > 5, JSON.stringify(expected));
    assertEquals([...receiver.accepted.keys()].sort(), [...expected.warm].sort());
    assertEquals(receiver.badSignatures, 0);
    const outbox: string[] = [];
    readNdjsonFile(`${dir}/data/outbox.ndjson`, (v) => outbox.push((v as { key: string }).key));
    assertEquals(outbox.length, new Set(outbox).size, "an outbox line written twice");
    assertEquals([...outbox].sort(), [...expected.call].sort());
    // Repeats of an accepted key can only come from a delivery the kill cut off before it
    // was journaled: at most the requests in flight at that moment.
    assert(receiver.repeats <= 16, `${receiver.repeats} repeats`);
  } finally {
    if (server) {
      try {
        server.child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      await server.child.status;
      await server.output;
    }
    await receiver.close();
    await Deno.remove(dir, { recursive: true });
  }
});
