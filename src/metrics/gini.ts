import { auc } from "./auc.ts";

/** Gini coefficient (accuracy ratio) of a score: `2 * AUC - 1`. `NaN` with one class. */
export function gini(scores: ArrayLike<number>, labels: ArrayLike<number | boolean>): number {
  return 2 * auc(scores, labels) - 1;
}
