import { _checkScored, _orderDescending } from "./_check.ts";

/**
 * Area under the precision-recall curve as average precision: the sum over distinct
 * thresholds of `(recall_k - recall_{k-1}) * precision_k`, tied scores forming one step
 * (no interpolation, which would be optimistic). `NaN` without converters.
 */
export function prAuc(scores: ArrayLike<number>, labels: ArrayLike<number | boolean>): number {
  const { scores: s, labels: y, positives } = _checkScored("PR-AUC", scores, labels);
  if (positives === 0) return NaN;
  const order = _orderDescending(s);
  let tp = 0;
  let seen = 0;
  let prevRecall = 0;
  let area = 0;
  for (let i = 0; i < order.length;) {
    const t = s[order[i]];
    while (i < order.length && s[order[i]] === t) {
      if (y[order[i]]) tp++;
      seen++;
      i++;
    }
    const recall = tp / positives;
    area += (recall - prevRecall) * (tp / seen);
    prevRecall = recall;
  }
  return area;
}
