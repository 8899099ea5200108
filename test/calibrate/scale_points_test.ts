import assert from "node:assert/strict";
import {
  type LogisticModel,
  pointScale,
  probabilityOfScore,
  scalePoints,
  scoreOfProbability,
} from "../../src/calibrate/mod.ts";

const model = { coef: [Math.LN2, -0.5, 0.01], intercept: -2 } as LogisticModel;

Deno.test("scalePoints() puts pdo points on each doubling of the odds", () => {
  const s = scalePoints(model, { pdo: 20, baseScore: 600, baseOdds: 50 });
  const factor = 20 / Math.LN2;
  assert.equal(s.scale.factor, factor);
  // A coefficient of ln 2 doubles the odds: exactly pdo points.
  assert.ok(Math.abs(s.exact[0] - 20) < 1e-12);
  assert.deepEqual(s.points, [20, Math.round(-0.5 * factor), 0]);
  const offset = 600 - factor * Math.log(50);
  assert.ok(Math.abs(s.exactBase - (offset - 2 * factor)) < 1e-9);
  assert.equal(s.basePoints, Math.round(offset - 2 * factor));
});

Deno.test("scalePoints() with maxPoints gives the largest coefficient that many points", () => {
  const s = scalePoints(model, { maxPoints: 10 });
  assert.equal(s.points[0], 10);
  assert.equal(s.points[1], Math.round((-0.5 / Math.LN2) * 10));
  assert.equal(s.scale.offset, 0);
});

Deno.test("scalePoints() refuses bad scales with the value", () => {
  assert.throws(() => scalePoints(model, { pdo: 0 }), /pdo must be a positive number, got "0"/);
  assert.throws(
    () => scalePoints(model, { baseOdds: -1 }),
    /baseOdds must be a positive number, got "-1"/,
  );
  assert.throws(() => scalePoints(model, { baseScore: NaN }), /baseScore must be a finite number/);
  assert.throws(
    () => scalePoints(model, { maxPoints: -5 }),
    /maxPoints must be a positive number, got "-5"/,
  );
  assert.throws(
    () => scalePoints({ ...model, coef: [0] }, { maxPoints: 5 }),
    /largest coefficient is "0"/,
  );
  assert.throws(() => pointScale({} as LogisticModel), TypeError);
});

Deno.test("probabilityOfScore() and scoreOfProbability() invert each other", () => {
  const map = { atZero: -2, perPoint: Math.LN2 / 20 };
  assert.equal(probabilityOfScore(map, 0), 1 / (1 + Math.exp(2)));
  // 20 points double the odds.
  const odds = (p: number) => p / (1 - p);
  assert.ok(
    Math.abs(odds(probabilityOfScore(map, 57)) / odds(probabilityOfScore(map, 37)) - 2) < 1e-12,
  );
  assert.ok(Math.abs(scoreOfProbability(map, probabilityOfScore(map, 42)) - 42) < 1e-9);
  assert.throws(() => scoreOfProbability(map, 1), /expected 0 < p < 1/);
});
