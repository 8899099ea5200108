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
  const n = s.length;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => s[a] - s[b]);
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && s[idx[j + 1]] === s[idx[i]]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (y[idx[k]]) rankSum += midRank;
    i = j + 1;
  }
  return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
}
