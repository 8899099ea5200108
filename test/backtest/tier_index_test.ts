import assert from "node:assert/strict";
import { tierCode } from "../../src/tables/mod.ts";
import { createTierIndex, retierPeriods, wilson } from "../../src/backtest/tier_index.ts";

Deno.test("createTierIndex() splits tiers by thresholds with hand-counted outcomes", () => {
  //              0   1   2   3   4   5   6   7
  const scores = [5, 70, 30, 60, 25, 90, 10, 25];
  const conv = [0, 1, 0, 1, 1, 0, 0, 0];
  const index = createTierIndex(scores, conv);
  const split = index.split({ high: 60, medium: 25 });
  // high: 70, 60, 90 -> 2 converters; medium: 30, 25, 25 -> 1; low: 5, 10 -> 0.
  assert.deepEqual(split.map((s) => [s.tier, s.count, s.converters]), [
    ["high", 3, 2],
    ["medium", 3, 1],
    ["low", 2, 0],
  ]);
  assert.equal(split[0].conversion, 2 / 3);
  assert.equal(split[0].lift, (2 / 3) / (3 / 8));
  assert.equal(split[0].capture, 2 / 3);
  assert.equal(split[2].lift, 0);
  assert.equal(index.countAtLeast(25), 6);
  assert.equal(index.countAtLeast(91), 0);
  const [l, m, h] = [tierCode("low"), tierCode("medium"), tierCode("high")];
  assert.deepEqual([...index.codes({ high: 60, medium: 25 })], [l, h, m, h, m, h, l, m]);
  assert.equal(index.quantile(0.5), 25);
});

Deno.test("createTierIndex() caps medium at high and reports empty tiers as NaN", () => {
  const index = createTierIndex([1, 2, 3]);
  const split = index.split({ high: 2, medium: 10 });
  assert.deepEqual(split.map((s) => s.count), [2, 0, 1]);
  assert.ok(Number.isNaN(split[1].conversion));
  assert.ok(Number.isNaN(split[1].interval[0]));
});

Deno.test("createTierIndex() agrees with a plain count on seeded random scores", () => {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const scores = Array.from({ length: 5000 }, () => Math.round(rand() * 1000) / 10);
  const conv = scores.map((s) => (rand() < s / 150 ? 1 : 0));
  const index = createTierIndex(scores, conv);
  for (const [high, medium] of [[60, 25], [50, 50], [99.9, 0], [0, 0]]) {
    const split = index.split({ high, medium });
    const h = scores.filter((s) => s >= high).length;
    const m = scores.filter((s) => s < high && s >= medium).length;
    const hc = scores.filter((s, i) => s >= high && conv[i]).length;
    assert.deepEqual([split[0].count, split[1].count, split[2].count], [h, m, 5000 - h - m]);
    assert.equal(split[0].converters, hc);
  }
});

Deno.test("createTierIndex() refuses a non-finite score and mismatched labels", () => {
  assert.throws(() => createTierIndex([1, NaN]), /score at position 1 is "NaN"/);
  assert.throws(() => createTierIndex([1, 2], [1]), /2 scores but 1 conversion labels/);
});

Deno.test("wilson() matches the textbook interval for 2 of 10", () => {
  // Wilson 95 % for 2/10: 0.0567 .. 0.5098 (e.g. Newcombe 1998, table I).
  const [lo, hi] = wilson(2, 10);
  assert.ok(Math.abs(lo - 0.0567) < 1e-4, String(lo));
  assert.ok(Math.abs(hi - 0.5098) < 1e-4, String(hi));
});

Deno.test("retierPeriods() moves scored contacts by score and keeps unscored and absent ones", () => {
  const periods = retierPeriods({
    periods: [{ asOf: 1 }, { asOf: 2 }],
    // Codes in the backtest order (0 unscored, 1 low, 2 medium, 3 high), -1 absent; a scored
    // contact's old tier is ignored.
    tierCodes: [Int8Array.of(3, 1, 0, -1), Int8Array.of(2, 2, 2, 0)],
    scores: [Float64Array.of(70, 30, 0, NaN), Float64Array.of(50, 10, 45, 0)],
    converted: [Uint8Array.of(1, 0, 1, 1), Uint8Array.of(0, 0, 1, 0)],
  }, { high: 45, medium: 20 });
  const counts = (p: (typeof periods)[number]) =>
    (["high", "medium", "low", "unscored"] as const).map((
      t,
    ) => [t, p.tiers[t].contacts, p.tiers[t].converters]);
  assert.deepEqual(counts(periods[0]), [["high", 1, 1], ["medium", 1, 0], ["low", 0, 0], [
    "unscored",
    1,
    1,
  ]]);
  // The absent contact (and its purchase) is not counted.
  assert.equal(periods[0].contacts, 3);
  assert.equal(periods[0].conversionRate, 2 / 3);
  assert.deepEqual(counts(periods[1]), [["high", 2, 1], ["medium", 0, 0], ["low", 1, 0], [
    "unscored",
    1,
    0,
  ]]);
  assert.throws(() => retierPeriods({ periods: [] }, { high: 1, medium: 0 }), /kept no contacts/);
});
