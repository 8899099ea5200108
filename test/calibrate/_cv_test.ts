import assert from "node:assert/strict";
import { averageFolds, chooseFromCurve, chooseOneSe, makeFolds } from "../../src/calibrate/_cv.ts";

const ids = Array.from({ length: 600 }, (_, i) => `c${i}`);

Deno.test("makeFolds() at random: every row validated exactly once, never trained on there", () => {
  const folds = makeFolds(ids, 5, "random", { seed: 3 });
  assert.equal(folds.length, 5);
  const seen = new Array(ids.length).fill(0);
  for (const f of folds) {
    for (const i of f.valid) seen[i]++;
    const valid = new Set(f.valid);
    assert.ok(f.train.every((i) => !valid.has(i)));
    assert.equal(f.train.length + f.valid.length, ids.length);
    assert.ok(f.valid.length > 80 && f.valid.length < 160, String(f.valid.length));
  }
  assert.ok(seen.every((n) => n === 1));
  // The fold of a row depends on its id, not on the order of the rows.
  const reversed = makeFolds([...ids].reverse(), 5, "random", { seed: 3 });
  const foldOf = (fs: typeof folds, n: number) => fs.findIndex((f) => f.valid.includes(n));
  assert.equal(foldOf(folds, 0), foldOf(reversed, ids.length - 1));
});

Deno.test("makeFolds() in time: each fold trains on the past and validates on the next block", () => {
  // Six instants of 100 rows each, given out of order.
  const times = ids.map((_, i) => Date.UTC(2024, (i * 7) % 6, 1));
  const folds = makeFolds(ids, 5, "time", { times });
  assert.equal(folds.length, 5);
  folds.forEach((f, k) => {
    const trainMax = Math.max(...f.train.map((i) => times[i]));
    const validMin = Math.min(...f.valid.map((i) => times[i]));
    assert.ok(trainMax < validMin, `fold ${k}`);
    // A block never splits the rows of one instant.
    assert.equal(new Set(f.valid.map((i) => times[i])).size, 1);
    assert.equal(f.train.length, 100 * (k + 1));
  });
});

Deno.test("chooseFromCurve() takes the lowest log-loss, not the best AUC", () => {
  const best = chooseFromCurve([
    { variant: "dummy", l2: 1, auc: 0.80, logLoss: 0.40 },
    { variant: "dummy", l2: 100, auc: 0.81, logLoss: 0.45 },
    { variant: "woe", l2: 1, auc: 0.79, logLoss: 0.39 },
  ]);
  assert.deepEqual([best.variant, best.l2], ["woe", 1]);
});

Deno.test("chooseOneSe() keeps the fewest parameters within one standard error, then the strongest penalty", () => {
  const size = (v: string) => ({ dummy: 80, linear: 40, woe: 79 })[v as "dummy"];
  const curve = [
    { variant: "dummy", l2: 30, auc: 0.51, logLoss: 0.40, logLossSe: 0.05 },
    { variant: "linear", l2: 1, auc: 0.51, logLoss: 0.44, logLossSe: 0.05 },
    { variant: "linear", l2: 300, auc: 0.51, logLoss: 0.445, logLossSe: 0.05 },
    { variant: "linear", l2: 1000, auc: 0.50, logLoss: 0.46, logLossSe: 0.05 },
    { variant: "woe", l2: 300, auc: 0.50, logLoss: 0.42, logLossSe: 0.05 },
  ];
  const pick = chooseOneSe(curve, size);
  assert.deepEqual([pick.variant, pick.l2], ["linear", 300]);
  // Folds that tell the settings apart keep the best one.
  const tight = curve.map((c) => ({ ...c, logLossSe: 0.001 }));
  assert.deepEqual([chooseOneSe(tight, size).variant, chooseOneSe(tight, size).l2], ["dummy", 30]);
  // Without a standard error (one fold) it is the lowest log-loss.
  const bare = curve.map(({ logLossSe: _, ...c }) => c);
  assert.deepEqual(chooseOneSe(bare, size), chooseFromCurve(bare));
});

Deno.test("averageFolds() reports the standard error of the mean log-loss", () => {
  const [p] = averageFolds("dummy", [
    [{ l2: 1, auc: 0.7, logLoss: 0.2 }],
    [{ l2: 1, auc: 0.8, logLoss: 0.4 }],
    [{ l2: 1, auc: 0.6, logLoss: 0.6 }],
  ]);
  assert.ok(Math.abs(p.logLoss - 0.4) < 1e-12);
  assert.ok(Math.abs(p.logLossSe! - 0.2 / Math.sqrt(3)) < 1e-12, String(p.logLossSe));
});
