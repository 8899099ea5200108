import { deepStrictEqual as assertEquals, ok, throws } from "node:assert/strict";
import { toScoringConfig } from "../../src/config/mod.ts";
import type { EventRow, PurchaseRow } from "../../src/data/types.ts";
import { replay } from "../../src/backtest/mod.ts";
import { matrixTotal } from "./_independent.ts";
import { DAY_MS as DAY } from "../../src/tables/mod.ts";

const T1 = Date.UTC(2024, 0, 31);
const T2 = Date.UTC(2024, 1, 29);

// Points 10 per click, no decay, 30-day lookback; high >= 20, medium >= 10.
const config = toScoringConfig({
  format: "scorebench.config/v1",
  name: "clicks",
  window: { lookbackDays: 30 },
  rules: [{ id: "click", on: "click", points: 10 }],
  tiers: { high: 20, medium: 10 },
  triggers: [{ id: "hot", reaches: "high" }],
});

const ev = (id: string, day: number): EventRow => ({
  contact_id: id,
  ts: T1 + day * DAY,
  type: "click",
});

// At T1: a=30 (high), b=10 (medium), c=20 (high), d=0 (unscored, its click is 40 days old).
// At T2: a=0 (unscored), b=20 (high), c=10 (medium), d=10 (medium).
const events: EventRow[] = [
  ev("a", -1),
  ev("a", -2),
  ev("a", -3),
  ev("b", -5),
  ev("b", 1),
  ev("b", 3),
  ev("c", -10),
  ev("c", -11),
  ev("c", 2),
  ev("d", -40),
  ev("d", 20),
];
// Horizon 10 days. After T1 (T1, T1+10d]: a, c bought; the purchase exactly at T1 (b) is
// history. After T2: b bought at T2+10d (inside), d at T2+11d (outside).
const purchases: PurchaseRow[] = [
  { contact_id: "a", ts: T1 + 1 * DAY },
  { contact_id: "c", ts: T1 + 10 * DAY },
  { contact_id: "b", ts: T1 },
  { contact_id: "b", ts: T2 + 10 * DAY },
  { contact_id: "d", ts: T2 + 11 * DAY },
];

Deno.test("replay() measures tiers, conversion, lift and capture as computed by hand", () => {
  const r = replay(config, { events, purchases }, { asOf: [T2, T1], horizonDays: 10 });
  assertEquals(r.periods.map((p) => p.asOf), [T1, T2]);
  const [p1, p2] = r.periods;
  assertEquals([p1.contacts, p1.scored, p1.coverage], [4, 3, 0.75]);
  assertEquals([p1.converters, p1.conversionRate], [2, 0.5]);
  assertEquals(p1.tiers.high, {
    contacts: 2,
    converters: 2,
    conversionRate: 1,
    lift: 2,
    capture: 1,
  });
  assertEquals(p1.tiers.medium, {
    contacts: 1,
    converters: 0,
    conversionRate: 0,
    lift: 0,
    capture: 0,
  });
  assertEquals(p1.tiers.low, {
    contacts: 0,
    converters: 0,
    conversionRate: null,
    lift: null,
    capture: 0,
  });
  // Scored only: a=30 (1), c=20 (1), b=10 (0): both converters above the non-converter.
  assertEquals(p1.auc, 1);
  // Unscored d ranks lowest and did not convert: still 1.
  assertEquals(p1.aucAll, 1);
  assertEquals([p2.converters, p2.conversionRate], [1, 0.25]);
  assertEquals(p2.tiers.high, {
    contacts: 1,
    converters: 1,
    conversionRate: 1,
    lift: 4,
    capture: 1,
  });
  // Scored at T2: b=20 (1), c=10 (0), d=10 (0): AUC 1.
  assertEquals(p2.auc, 1);
});

Deno.test("replay() builds the tier migration matrix between consecutive instants", () => {
  const r = replay(config, { events, purchases }, { asOf: [T1, T2], horizonDays: 10 });
  assertEquals(r.periods[0].migration, null);
  const m = r.periods[1].migration!;
  // a high->unscored, b medium->high, c high->medium, d unscored->medium.
  assertEquals(m.high.unscored, 1);
  assertEquals(m.medium.high, 1);
  assertEquals(m.high.medium, 1);
  assertEquals(m.unscored.medium, 1);
  const total = matrixTotal(m);
  assertEquals(total, 4);
});

Deno.test("replay() counts the triggers that would have fired at each instant", () => {
  const r = replay(config, { events, purchases }, { asOf: [T1, T2], horizonDays: 10 });
  // The first instant fires for a and c (already high); at T2 only b rises to high.
  assertEquals(r.periods.map((p) => p.triggers), [{ hot: 2 }, { hot: 1 }]);
  assertEquals(r.firings!.map((f) => `${f.contactId}@${f.asOf === T1 ? 1 : 2}`), [
    "a@1",
    "c@1",
    "b@2",
  ]);
});

Deno.test("replay() PSI is 0 for an unchanged distribution and uses the first period's bins", () => {
  // The same contacts and scores twice: every bin keeps its share.
  const same = replay(config, { events: [ev("a", -1), ev("b", -1)], purchases: [] }, {
    asOf: [T1, T1 + DAY],
    horizonDays: 10,
  });
  assertEquals(same.periods[1].psi, { previous: 0, first: 0 });
  // T1 scores (scored a=30, c=20, b=10) split at their median, 20: bins (..,20], (20,..) and unscored.
  const r = replay(config, { events, purchases }, { asOf: [T1, T2], horizonDays: 10, psiBins: 2 });
  assertEquals(r.psiEdges, [20]);
  // Shares at T1: <=20: b,c = 0.5, >20: a = 0.25, unscored: d = 0.25.
  // At T2: <=20: b,c,d = 0.75, >20: none (floored to 1e-4), unscored: a = 0.25.
  const f = 1e-4;
  const expected = (0.75 - 0.5) * Math.log(0.75 / 0.5) + (f - 0.25) * Math.log(f / 0.25) + 0;
  ok(Math.abs(r.periods[1].psi.first! - expected) < 1e-12, `${r.periods[1].psi.first}`);
  assertEquals(r.periods[1].psi.previous, r.periods[1].psi.first);
});

Deno.test("replay() refuses bad options with the value quoted", () => {
  throws(
    () => replay(config, { events, purchases }, { asOf: [], horizonDays: 10 }),
    /at least one/,
  );
  throws(
    () => replay(config, { events, purchases }, { asOf: [T1], horizonDays: 0 }),
    /horizonDays "0"/,
  );
  throws(
    () => replay(config, { events, purchases }, { asOf: [NaN], horizonDays: 5 }),
    /asOf\[0\] "NaN"/,
  );
});
