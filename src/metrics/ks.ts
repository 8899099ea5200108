import { rocCurve } from "./roc_curve.ts";

/**
 * Kolmogorov-Smirnov statistic: the largest gap between the score distributions of
 * converters and non-converters, `max |TPR - FPR|` over thresholds. `NaN` with one class.
 */
export function ks(scores: ArrayLike<number>, labels: ArrayLike<number | boolean>): number {
  let best = 0;
  for (const p of rocCurve(scores, labels)) {
    if (Number.isNaN(p.tpr) || Number.isNaN(p.fpr)) return NaN;
    best = Math.max(best, Math.abs(p.tpr - p.fpr));
  }
  return best;
}
