import { deepStrictEqual as assertEquals, ok, throws } from "node:assert/strict";
import { thresholds, type ThresholdSample } from "../../src/backtest/mod.ts";

// Ten contacts in one period, 4 converters (overall rate 0.4).
const sample: ThresholdSample = {
  scores: [10, 9, 8, 7, 6, 5, 4, 3, 2, 1],
  converted: [1, 1, 0, 1, 0, 0, 1, 0, 0, 0],
  periods: 1,
};
const quick = { resamples: 50, bandsPerTier: 1 };

Deno.test("thresholds() by target rate picks the lowest cut whose tier still converts enough", () => {
  // Rates of score >= cut: 10:1, 9:1, 8:2/3, 7:3/4, 6:3/5 ... so 0.75 is met down to 7.
  // Medium 0.5: from 7 down, 3 is the lowest with 4/8 = 0.5 (2 gives 4/9).
  const t = thresholds(sample, { method: "rate", high: 0.75, medium: 0.5 }, quick);
  assertEquals(t.cuts, { high: 7, medium: 3 });
  // Default medium target is the overall rate, 0.4: met down to the bottom (4/10).
  assertEquals(thresholds(sample, { method: "rate", high: 0.75 }, quick).cuts.medium, 1);
});

Deno.test("thresholds() by capacity keeps the high tier within N contacts per period", () => {
  const t = thresholds(sample, { method: "capacity", high: 3, medium: 4 }, quick);
  assertEquals(t.cuts, { high: 8, medium: 4 });
  assertEquals(t.tiers.high, { contactsPerPeriod: 3, conversionRate: 2 / 3, lift: (2 / 3) / 0.4 });
  assertEquals(t.tiers.medium, { contactsPerPeriod: 4, conversionRate: 0.5, lift: 1.25 });
  assertEquals(t.tiers.low, { contactsPerPeriod: 3, conversionRate: 0, lift: 0 });
  // Two periods pooled: the same sample counts as 5 contacts per period, so high=3 is 6 rows
  // (scores 10..5) and high+medium=4 is 8 rows (down to 3).
  const two = thresholds(
    { ...sample, periods: 2 },
    { method: "capacity", high: 3, medium: 1 },
    quick,
  );
  assertEquals(two.cuts, { high: 5, medium: 3 });
});

Deno.test("thresholds() by lift takes the best tier of at least minShare of contacts", () => {
  // min 2 contacts: high = 9 (2/2); then the band below with the best rate: 7..8 (1/2).
  const t = thresholds(sample, { method: "lift", minShare: 0.2 }, quick);
  assertEquals(t.cuts, { high: 9, medium: 7 });
});

Deno.test("thresholds() gives a score-to-probability table per tier", () => {
  const t = thresholds(sample, { method: "capacity", high: 3, medium: 4 }, quick);
  assertEquals(
    t.probabilities.map((b) => [b.tier, b.scoreFrom, b.scoreTo, b.contacts, b.converters]),
    [["high", 8, 10, 3, 2], ["medium", 4, 7, 4, 2], ["low", 1, 3, 3, 0]],
  );
  assertEquals(t.probabilities[0].probability, 2 / 3);
  for (const b of t.probabilities) {
    ok(b.interval.lower <= b.probability && b.probability <= b.interval.upper);
  }
  assertEquals(t.probabilities[2].interval.lower, 0);
  assertEquals(t.probabilities[2].interval.upper, 0);
});

Deno.test("thresholds() bootstrap intervals are seeded and reproducible", () => {
  const a = thresholds(sample, { method: "capacity", high: 3, medium: 4 }, {
    resamples: 100,
    seed: 7,
  });
  const b = thresholds(sample, { method: "capacity", high: 3, medium: 4 }, {
    resamples: 100,
    seed: 7,
  });
  assertEquals(a.intervals, b.intervals);
  ok(a.intervals.high.lower <= a.intervals.high.upper);
  assertEquals(a.intervals.high.estimate, 8);
  assertEquals(a.intervals.high.resamples, 100);
  const c = thresholds(sample, { method: "capacity", high: 3, medium: 4 }, {
    resamples: 100,
    seed: 8,
  });
  ok(JSON.stringify(c.intervals) !== JSON.stringify(a.intervals) || c.intervals.high.lower === 8);
});

Deno.test("thresholds() warns and empties the high tier when no cut reaches the target", () => {
  const t = thresholds(sample, { method: "rate", high: 1, medium: 0.9 }, quick);
  // Score 9 and up convert at exactly 1.
  assertEquals(t.cuts.high, 9);
  const none = thresholds(
    { scores: [3, 2, 1], converted: [0, 1, 0], periods: 1 },
    { method: "rate", high: 0.9 },
    quick,
  );
  ok(none.cuts.high > 3);
  assertEquals(none.tiers.high.contactsPerPeriod, 0);
  ok(none.warnings[0].includes("0.9"));
});

Deno.test("thresholds() refuses bad settings, quoting the value", () => {
  throws(() => thresholds(sample, { method: "rate", high: 1.5 }), /high "1.5"/);
  throws(() => thresholds(sample, { method: "capacity", high: 3, medium: -1 }), /medium "-1"/);
  throws(
    () => thresholds(sample, { method: "best" } as unknown as { method: "lift" }),
    /method "best"/,
  );
  throws(() => thresholds({ ...sample, periods: 0 }, { method: "lift" }), /periods "0"/);
  throws(
    () => thresholds({ scores: [], converted: [], periods: 1 }, { method: "lift" }),
    /no scored/,
  );
});

Deno.test("thresholds() fits on a seeded sample when maxRows is below the pooled rows", () => {
  const big: ThresholdSample = {
    scores: Array.from({ length: 1000 }, (_, i) => i),
    converted: Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? 1 : 0)),
    periods: 10,
  };
  const a = thresholds(big, { method: "capacity", high: 10, medium: 20 }, {
    maxRows: 200,
    resamples: 20,
  });
  assertEquals(a.rows, 200);
  ok(a.warnings[0].includes("200 of 1000"));
  // 200 rows stand for 10 periods: 10 per period is the top 20 rows of the sample.
  assertEquals(a.tiers.high.contactsPerPeriod, 10);
  const b = thresholds(big, { method: "capacity", high: 10, medium: 20 }, {
    maxRows: 200,
    resamples: 20,
  });
  assertEquals(a.cuts, b.cuts);
});
