import { _checkScored } from "./_check.ts";

/**
 * Area under the ROC curve: the probability that a random converter scores above a random
 * non-converter, ties counting one half (Mann-Whitney U with mid-ranks).
 * `NaN` when the labels hold only one class, since the area is undefined then.
 *
 * @example
 * ```ts
 * auc([0.9, 0.4, 0.6, 0.1], [1, 0, 1, 0]); // 1
 * ```
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number | boolean>): number {
  const { scores: s, labels: y, positives, negatives } = _checkScored("AUC", scores, labels);
  if (positives === 0 || negatives === 0) return NaN;
  // Natively sorted scores of each class, merged: far faster than sorting indices with a
  // comparator, which matters inside bootstrap loops.
  const pos = new Float64Array(positives);
  const neg = new Float64Array(negatives);
  let a = 0;
  let b = 0;
  for (let i = 0; i < s.length; i++) {
    if (y[i]) pos[a++] = s[i];
    else neg[b++] = s[i];
  }
  pos.sort();
  neg.sort();
  let below = 0; // negatives strictly below the current positive
  let equal = 0; // negatives equal to it
  let wins = 0;
  for (let i = 0; i < positives; i++) {
    const v = pos[i];
    if (i === 0 || v !== pos[i - 1]) {
      below += equal;
      while (below < negatives && neg[below] < v) below++;
      equal = 0;
      while (below + equal < negatives && neg[below + equal] === v) equal++;
    }
    wins += below + equal / 2;
  }
  return wins / (positives * negatives);
}
