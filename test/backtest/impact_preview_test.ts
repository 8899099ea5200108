import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { toScoringConfig } from "../../src/config/mod.ts";
import type { EventRow, PurchaseRow } from "../../src/data/types.ts";
import { impactPreview } from "../../src/backtest/mod.ts";
import { DAY_MS as DAY } from "../../src/tables/mod.ts";

const T = Date.UTC(2024, 5, 30);

const spec = (formPoints: number) =>
  toScoringConfig({
    format: "scorebench.config/v1",
    window: { lookbackDays: 30 },
    rules: [
      { id: "view", on: "view", points: 10 },
      { id: "form", on: "form", points: formPoints },
    ],
    tiers: { high: 20, medium: 10 },
  });

// a: 2 views (20), b: 1 view + form, c: 1 view, d: form only.
const events: EventRow[] = [
  { contact_id: "a", ts: T - DAY, type: "view" },
  { contact_id: "a", ts: T - DAY, type: "view" },
  { contact_id: "b", ts: T - DAY, type: "view" },
  { contact_id: "b", ts: T - DAY, type: "form" },
  { contact_id: "c", ts: T - DAY, type: "view" },
  { contact_id: "d", ts: T - DAY, type: "form" },
];
const purchases: PurchaseRow[] = [
  { contact_id: "b", ts: T + DAY },
  { contact_id: "d", ts: T + DAY },
];

Deno.test("impactPreview() counts tier changes and converters gained and lost per tier", () => {
  // Current: form 1 point -> a 20 high, b 11 medium, c 10 medium, d 1 low.
  // Candidate: form 15 -> a 20 high, b 25 high, c 10 medium, d 15 medium.
  const r = impactPreview(spec(1), spec(15), { events, purchases }, { asOf: [T], horizonDays: 7 });
  const p = r.periods[0];
  assertEquals(p.tierChange.high.high, 1);
  assertEquals(p.tierChange.medium.high, 1);
  assertEquals(p.tierChange.medium.medium, 1);
  assertEquals(p.tierChange.low.medium, 1);
  assertEquals(p.tiers.high, {
    currentContacts: 1,
    candidateContacts: 2,
    currentConverters: 0,
    candidateConverters: 1,
    convertersGained: 1,
    convertersLost: 0,
  });
  // Medium loses converter b (to high) and gains d (from low).
  assertEquals([p.tiers.medium.convertersGained, p.tiers.medium.convertersLost], [1, 1]);
  assertEquals([p.tiers.low.convertersGained, p.tiers.low.convertersLost], [0, 1]);
  assertEquals(r.total.high.convertersGained, 1);
  ok(p.psi !== null && p.psi > 0);
  // Buyers b, d against non-buyers a, c, pair by pair.
  // Candidate b25 a20 d15 c10: b>a, b>c, d<a, d>c = 3/4. Current a20 b11 c10 d1: only b>c = 1/4.
  assertEquals(p.candidateAuc, 0.75);
  assertEquals(p.currentAuc, 0.25);
});

Deno.test("impactPreview() of a config against itself changes nothing", () => {
  const r = impactPreview(spec(5), spec(5), { events, purchases }, { asOf: [T], horizonDays: 7 });
  const p = r.periods[0];
  for (const t of ["high", "medium", "low", "unscored"] as const) {
    assertEquals(p.tiers[t].convertersGained + p.tiers[t].convertersLost, 0);
  }
  assertEquals(p.psi, 0);
});
