/**
 * Replay time: one config over 12 monthly instants, 1M contacts and 10M seeded events
 * generated in memory on the fly (the replay reads them in one pass for every instant).
 * Prints time per stage and peak RSS. Smaller runs: `deno run -A bench/replay_bench.ts 100000`.
 */
import { toScoringConfig } from "../src/config/mod.ts";
import { periodInstants, replay, toBacktestJson } from "../src/backtest/mod.ts";
import { syntheticHistory } from "../src/backtest/_synthetic_history.ts";

const contacts = Number(Deno.args[0] ?? 1_000_000);
const eventsPerContact = Number(Deno.args[1] ?? 10);

const from = Date.UTC(2024, 0, 1);
const to = Date.UTC(2024, 11, 31);
/**
 * Peak resident memory of this process. The replay is synchronous, so a timer sampling RSS
 * would never run during it; Linux keeps the true high-water mark in /proc (VmHWM).
 */
function peakRss(): { bytes: number; source: string } {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
    if (m) return { bytes: Number(m[1]) * 1024, source: "VmHWM" };
  } catch {
    // Not Linux: fall back to the current RSS, which understates the peak.
  }
  return { bytes: Deno.memoryUsage().rss, source: "RSS at the end, not the peak" };
}

const t0 = performance.now();
const h = syntheticHistory({ contacts, eventsPerContact, from, to, seed: 42 });
const config = toScoringConfig({
  format: "scorebench.config/v1",
  name: "bench",
  window: { lookbackDays: 90, halfLifeDays: 30 },
  rules: [
    {
      id: "pricing",
      on: "page_view",
      where: { url: { glob: "*/pricing*" } },
      points: 8,
      maxPerDay: 1,
    },
    { id: "view", on: "page_view", points: 1 },
    { id: "click", on: "email_click", points: 5, maxCount: 4 },
    { id: "form", on: "form_submit", points: 15 },
  ],
  tiers: { high: 40, medium: 15 },
  triggers: [{ id: "hot", reaches: "high" }],
});
const asOf = periodInstants(Date.UTC(2024, 0, 31), to);
const t1 = performance.now();
const result = replay(config, { events: h.events, purchases: h.purchases }, {
  asOf,
  horizonDays: 30,
  keepContacts: false,
  onProgress: (f) =>
    console.error(
      `  ${Math.round(f * 100)}% after ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    ),
});
const t2 = performance.now();
const json = toBacktestJson(config, result);
const t3 = performance.now();
console.log(
  `contacts ${contacts}, events ${h.eventCount}, purchases ${h.purchases.length}, periods ${asOf.length}`,
);
console.log(`setup ${((t1 - t0) / 1000).toFixed(2)} s`);
console.log(
  `replay ${((t2 - t1) / 1000).toFixed(2)} s (${
    ((t2 - t1) / asOf.length / 1000).toFixed(2)
  } s per period, one pass over the events)`,
);
console.log(
  `backtest.json ${((t3 - t2) / 1000).toFixed(2)} s, ${JSON.stringify(json).length} bytes`,
);
console.log(
  `mean AUC ${json.summary.meanAuc?.toFixed(4)}, mean coverage ${
    json.summary.meanCoverage?.toFixed(4)
  }`,
);
const peak = peakRss();
console.log(`peak RSS ${(peak.bytes / 2 ** 20).toFixed(0)} MiB (${peak.source})`);
