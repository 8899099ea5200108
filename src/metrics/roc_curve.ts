import { _checkScored, _orderDescending } from "./_check.ts";

/** One point of a ROC curve: contacts scoring `>= threshold` are called converters. */
export interface RocPoint {
  /** The score cut of this point. */
  threshold: number;
  /** False-positive rate. */
  fpr: number;
  /** True-positive rate (recall). */
  tpr: number;
}

/**
 * ROC curve at every distinct score, from `(0, 0)` at threshold `Infinity` to `(1, 1)`.
 * Tied scores form one step. Rates are `NaN` for a class that is absent.
 */
export function rocCurve(
  scores: ArrayLike<number>,
  labels: ArrayLike<number | boolean>,
): RocPoint[] {
  const { scores: s, labels: y, positives, negatives } = _checkScored("ROC curve", scores, labels);
  const order = _orderDescending(s);
  const points: RocPoint[] = [{ threshold: Infinity, fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length;) {
    const t = s[order[i]];
    while (i < order.length && s[order[i]] === t) {
      if (y[order[i]]) tp++;
      else fp++;
      i++;
    }
    points.push({ threshold: t, fpr: fp / negatives, tpr: tp / positives });
  }
  return points;
}
