import { _checkScored } from "./_check.ts";

/** Options for `logLoss`. */
export interface LogLossOptions {
  /** Probabilities are clipped to `[eps, 1 - eps]` so a confident miss costs a finite amount. @default 1e-15 */
  eps?: number;
}

/** Mean negative log-likelihood (natural log) of the outcomes under the predicted probabilities. */
export function logLoss(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number | boolean>,
  options: LogLossOptions = {},
): number {
  const { eps = 1e-15 } = options;
  if (!(eps > 0 && eps < 0.5)) {
    throw new RangeError(`Cannot compute log-loss: eps must be in (0, 0.5), got "${eps}"`);
  }
  const { scores: p, labels: y } = _checkScored("log-loss", probabilities, labels, true);
  if (p.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - eps, Math.max(eps, p[i]));
    sum -= y[i] ? Math.log(q) : Math.log(1 - q);
  }
  return sum / p.length;
}
