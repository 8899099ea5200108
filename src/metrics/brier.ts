import { _checkScored } from "./_check.ts";

/** Brier score: mean squared difference between predicted probability and outcome. */
export function brier(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number | boolean>,
): number {
  const { scores: p, labels: y } = _checkScored("Brier score", probabilities, labels, true);
  if (p.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += (p[i] - y[i]) ** 2;
  return sum / p.length;
}
