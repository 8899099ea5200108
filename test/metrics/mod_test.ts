import assert from "node:assert/strict";
import {
  auc,
  bootstrapInterval,
  brier,
  calibrationTable,
  gainsTable,
  gini,
  ks,
  logLoss,
  prAuc,
  psi,
  rocCurve,
  seededRng,
} from "../../src/metrics/mod.ts";

// Four contacts worked by hand: converters score 0.35 and 0.8, non-converters 0.1 and 0.4.
const S = [0.1, 0.4, 0.35, 0.8];
const Y = [0, 0, 1, 1];

function close(actual: number, expected: number, tol = 1e-12) {
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);
}

Deno.test("auc() counts ordered pairs, ties as one half", () => {
  const cases = [
    { name: "hand example: 3 of 4 pairs ordered", s: S, y: Y, expected: 0.75 },
    { name: "perfect", s: [0.9, 0.4, 0.6, 0.1], y: [1, 0, 1, 0], expected: 1 },
    { name: "reversed", s: [0.1, 0.6, 0.4, 0.9], y: [1, 0, 1, 0], expected: 0 },
    { name: "one tie", s: [1, 1, 0], y: [1, 0, 0], expected: 0.75 },
    { name: "all tied", s: [2, 2, 2, 2], y: [true, false, true, false], expected: 0.5 },
  ];
  for (const c of cases) close(auc(c.s, c.y), c.expected);
  assert.ok(Number.isNaN(auc([1, 2], [0, 0])));
});

Deno.test("auc() names the bad index and value", () => {
  assert.throws(() => auc([1, NaN], [0, 1]), /index 1 is "NaN"/);
  assert.throws(() => auc([1, 2], [0, 2]), /label at index 1 is "2"/);
  assert.throws(() => auc([1, 2, 3], [0, 1]), /3 scores but 2 labels/);
});

Deno.test("rocCurve() steps at each distinct score", () => {
  assert.deepEqual(rocCurve(S, Y), [
    { threshold: Infinity, fpr: 0, tpr: 0 },
    { threshold: 0.8, fpr: 0, tpr: 0.5 },
    { threshold: 0.4, fpr: 0.5, tpr: 0.5 },
    { threshold: 0.35, fpr: 0.5, tpr: 1 },
    { threshold: 0.1, fpr: 1, tpr: 1 },
  ]);
});

Deno.test("ks() and gini() follow the ROC curve and the AUC", () => {
  close(ks(S, Y), 0.5);
  close(gini(S, Y), 0.5);
  close(ks([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]), 1);
});

Deno.test("prAuc() is average precision without interpolation", () => {
  // recall 0.5 at precision 1, then recall 1 at precision 2/3.
  close(prAuc(S, Y), 0.5 * 1 + 0.5 * (2 / 3));
  // A tied block is one step: both at precision 1/2.
  close(prAuc([1, 1], [1, 0]), 0.5);
});

Deno.test("brier() and logLoss() average per-contact losses", () => {
  close(brier(S, Y), (0.01 + 0.16 + 0.4225 + 0.04) / 4);
  close(logLoss(S, Y), -(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4);
  close(logLoss([1], [0], { eps: 1e-6 }), -Math.log(1e-6), 1e-9);
  assert.throws(() => brier([1.5], [1]), /outside 0..1/);
  assert.throws(() => logLoss([0.5], [1], { eps: 0 }), /eps must be in/);
});

Deno.test("calibrationTable() bins by quantile and by width", () => {
  const p = [0.1, 0.1, 0.2, 0.3, 0.6, 0.7, 0.8, 0.9];
  const y = [0, 0, 0, 1, 1, 0, 1, 1];
  const q = calibrationTable(p, y, { bins: 2 });
  assert.equal(q.length, 2);
  assert.deepEqual(q.map((r) => [r.count, r.converters]), [[4, 1], [4, 3]]);
  close(q[0].meanPredicted, 0.175);
  close(q[1].observedRate, 0.75);
  const u = calibrationTable(p, y, { bins: 4, strategy: "uniform" });
  // 0-0.25: 3 rows, 0.25-0.5: 1, 0.5-0.75: 2, 0.75-1: 2.
  assert.deepEqual(u.map((r) => [r.bin, r.count]), [[1, 3], [2, 1], [3, 2], [4, 2]]);
  assert.throws(
    () => calibrationTable(p, y, { bins: 0 }),
    /bins must be a positive integer, got "0"/,
  );
});

Deno.test("gainsTable() ranks best first, keeps ties together", () => {
  const s = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
  const y = [1, 1, 0, 1, 0, 0, 0, 0, 0, 0];
  const g = gainsTable(s, y, { groups: 5 });
  assert.deepEqual(g.map((r) => r.converters), [2, 1, 0, 0, 0]);
  close(g[0].lift, 1 / 0.3);
  close(g[0].capture, 2 / 3);
  close(g[1].cumulativeCapture, 1);
  close(g[1].cumulativeLift, (3 / 4) / 0.3);
  close(g[4].cumulativeShare, 1);
  // Three tied scores straddling the first cut all land in group 1.
  const t = gainsTable([5, 5, 5, 1, 1, 0], [1, 0, 0, 0, 1, 0], { groups: 3 });
  assert.deepEqual(t.map((r) => [r.group, r.count]), [[1, 3], [2, 2], [3, 1]]);
});

Deno.test("psi() compares bin shares", () => {
  const r = psi([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 1, 1, 6], { edges: [5] });
  // shares 0.5/0.5 against 0.75/0.25: 0.25 ln 1.5 + 0.25 ln 2 = 0.25 ln 3.
  close(r.psi, 0.25 * Math.log(3));
  close(psi([1, 2, 3, 4], [1, 2, 3, 4]).psi, 0);
  assert.throws(() => psi([], [1]), /expected is empty/);
  assert.throws(() => psi([1], [1], { edges: [2, 1] }), /edges must ascend/);
});

Deno.test("bootstrapInterval() is reproducible and brackets the estimate", () => {
  const rng = seededRng(3);
  const s: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < 400; i++) {
    const label = rng() < 0.3 ? 1 : 0;
    y.push(label);
    s.push(rng() + label * 0.5);
  }
  const a = bootstrapInterval(s, y, auc, seededRng(9), { resamples: 200 });
  const b = bootstrapInterval(s, y, auc, seededRng(9), { resamples: 200 });
  assert.deepEqual(a, b);
  close(a.estimate, auc(s, y));
  assert.ok(a.lower < a.estimate && a.estimate < a.upper, JSON.stringify(a));
  assert.ok(a.upper - a.lower < 0.2);
  assert.equal(a.resamples, 200);
  // The AUC fast path (multiplicities over one sort) gives exactly what resampling rows gives.
  for (const stratified of [true, false]) {
    const tied = s.map((v) => Math.round(v * 4));
    const fast = bootstrapInterval(tied, y, auc, seededRng(2), { resamples: 100, stratified });
    const slow = bootstrapInterval(tied, y, (a, b) => auc(a, b), seededRng(2), {
      resamples: 100,
      stratified,
    });
    assert.deepEqual(fast, slow);
  }
  const c = bootstrapInterval(s, y, () => 0.5, seededRng(1), { resamples: 10 });
  assert.deepEqual([c.lower, c.upper], [0.5, 0.5]);
  assert.throws(() => bootstrapInterval(s, y, auc, seededRng(1), { level: 1 }), /level must be/);
  assert.throws(() => bootstrapInterval(s, y, auc, seededRng(1), { resamples: 0 }), /resamples/);
});

Deno.test("seededRng() repeats its sequence for a seed", () => {
  const a = seededRng(42);
  const b = seededRng(42);
  for (let i = 0; i < 5; i++) assert.equal(a(), b());
  const c = seededRng(43)();
  assert.notEqual(seededRng(42)(), c);
});
