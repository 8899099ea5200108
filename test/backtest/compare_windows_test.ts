import { deepStrictEqual as assertEquals, ok, throws } from "node:assert/strict";
import { toScoringConfig } from "../../src/config/mod.ts";
import type { EventRow, PurchaseRow } from "../../src/data/types.ts";
import { compareWindows, replay } from "../../src/backtest/mod.ts";
import { DAY_MS as DAY } from "../../src/tables/mod.ts";

const T0 = Date.UTC(2024, 0, 1);

// Buyers visit 5 days before each instant; browsers visited 20 days before. A 30-day
// lookback without decay scores everybody alike (AUC 0.5); with a 5-day half-life buyers
// score 5 and browsers 0.625 (AUC 1); a 10-day lookback scores buyers only, and AUC is over
// scored contacts, so it is undefined there.
function history(): { events: EventRow[]; purchases: PurchaseRow[]; asOf: number[] } {
  const asOf = [30, 60, 90, 120].map((d) => T0 + d * DAY);
  const events: EventRow[] = [];
  const purchases: PurchaseRow[] = [];
  asOf.forEach((t, k) => {
    for (let i = 0; i < 4; i++) {
      const buyer = `b${k}${i}`, browser = `w${k}${i}`;
      events.push({ contact_id: buyer, ts: t - 5 * DAY, type: "visit" });
      events.push({ contact_id: browser, ts: t - 20 * DAY, type: "visit" });
      purchases.push({ contact_id: buyer, ts: t + 2 * DAY });
    }
  });
  return { events, purchases, asOf };
}

const config = toScoringConfig({
  format: "scorebench.config/v1",
  window: { lookbackDays: 30 },
  rules: [{ id: "visit", on: "visit", points: 10 }],
  tiers: { high: 10, medium: 5 },
});

Deno.test("compareWindows() picks the window that ranks buyers best and reports it out of time", () => {
  const { events, purchases, asOf } = history();
  const r = compareWindows(config, { events, purchases }, {
    asOf,
    horizonDays: 7,
    lookbackDays: [10, 30],
    halfLifeDays: [null, 5],
  });
  assertEquals(r.grid.length, 4);
  assertEquals(r.selectionPeriods, asOf.slice(0, 2));
  assertEquals(r.outOfTimePeriods, asOf.slice(2));
  assertEquals([r.best.lookbackDays, r.best.halfLifeDays], [30, 5]);
  assertEquals(r.best.selectionAuc, 1);
  assertEquals(r.best.outOfTimeAuc, 1);
  // With a 30-day window and no decay everyone scores 10 (all ties): AUC 0.5.
  const flat = r.grid.find((c) => c.lookbackDays === 30 && c.halfLifeDays === null)!;
  assertEquals(flat.aucByPeriod.every((a) => a === 0.5), true);
  assertEquals(r.current, flat);
  const short = r.grid.filter((c) => c.lookbackDays === 10);
  assertEquals(short.map((c) => [c.selectionAuc, c.outOfTimeAuc, c.outOfTimeRank]), [
    [null, null, null],
    [null, null, null],
  ]);
  // Every contact seen in the events (32) is in each period; 4 buyers are scored.
  assertEquals(short[0].coverageByPeriod, [0.125, 0.125, 0.125, 0.125]);
  ok(r.evidence.startsWith("lookback 30 d, half-life 5 d had the best mean AUC 1.000"), r.evidence);
  ok(r.evidence.includes("The current lookback 30 d, no decay scored 0.500"), r.evidence);
  // The grid cell equals a plain replay of that window.
  const direct = replay({ ...config, window: { lookbackDays: 30, halfLifeDays: 5 } }, {
    events,
    purchases,
  }, { asOf, horizonDays: 7 });
  const cell = r.grid.find((c) => c.lookbackDays === 30 && c.halfLifeDays === 5)!;
  assertEquals(cell.aucByPeriod, direct.periods.map((p) => p.auc));
});

Deno.test("compareWindows() refuses a grid it cannot judge", () => {
  const { events, purchases, asOf } = history();
  const base = { horizonDays: 7, lookbackDays: [10], halfLifeDays: [null] };
  throws(
    () => compareWindows(config, { events, purchases }, { ...base, asOf: [asOf[0]] }),
    /two instants/,
  );
  throws(
    () => compareWindows(config, { events, purchases }, { ...base, asOf, lookbackDays: [-1] }),
    /lookback "-1"/,
  );
  throws(
    () => compareWindows(config, { events, purchases }, { ...base, asOf, splitAfter: asOf[3] }),
    /no periods on one side/,
  );
});
