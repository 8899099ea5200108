import assert from "node:assert/strict";
import { calibrateTemporal, evaluateHoldout } from "../../src/calibrate/mod.ts";
import { CUTOFFS, syntheticTemporal } from "./_synthetic.ts";

const data = syntheticTemporal(1500, 7);

Deno.test("evaluateHoldout() of the fitted config is the calibration's own whole-point hold-out", () => {
  const r = calibrateTemporal(data, { cutoffs: CUTOFFS, minIv: 0, horizonDays: 30 });
  const same = evaluateHoldout(r.config, data, r, { horizonDays: 30 });
  // Every column, to the last bit: same rows, labels, scores, probabilities and bootstrap.
  assert.deepEqual(same, r.holdout!.integer);

  // An edit moves the metrics: the strongest rule's points zeroed ranks buyers worse.
  const top = [...r.config.rules!].sort((a, b) => b.points - a.points)[0];
  const edited = {
    ...r.config,
    rules: r.config.rules!.map((x) => (x.id === top.id ? { ...x, points: 0 } : x)),
  };
  const other = evaluateHoldout(edited, data, r, { horizonDays: 30 })!;
  assert.equal(other.rows, same!.rows);
  assert.equal(other.converters, same!.converters);
  assert.ok(other.auc < same!.auc, `AUC ${other.auc} should fall below ${same!.auc}`);

  // An audience or verification choose contacts, not points: the same rows, the same metrics.
  const narrowed = { ...r.config, audience: { age: [30, 50] as [number, number] } };
  assert.deepEqual(evaluateHoldout(narrowed, data, r, { horizonDays: 30 }), same);
  assert.equal(
    evaluateHoldout(r.config, data, { ...r, holdoutRows: [] }, { horizonDays: 30 }),
    null,
  );
  assert.throws(() => evaluateHoldout(r.config, data, r, { horizonDays: 0 }), RangeError);
});

Deno.test("evaluateHoldout() judges a refitted config through the fit its evidence describes", () => {
  const r = calibrateTemporal(data, { cutoffs: CUTOFFS, minIv: 0, horizonDays: 30, refit: true });
  assert.ok(r.refit && r.evaluated, "the shipped config was refitted");
  // Unedited: the calibration's own whole-point evidence, to the last bit.
  assert.deepEqual(evaluateHoldout(r.config, data, r, { horizonDays: 30 }), r.holdout!.integer);
  // An edit to the shipped config moves the metrics, judged out of sample.
  const top = [...r.config.rules!].sort((a, b) => b.points - a.points)[0];
  const edited = {
    ...r.config,
    rules: r.config.rules!.map((x) => (x.id === top.id ? { ...x, points: 0 } : x)),
  };
  const other = evaluateHoldout(edited, data, r, { horizonDays: 30 })!;
  assert.ok(other.auc < r.holdout!.integer.auc);
});
