import { _checkScored } from "./_check.ts";
import { auc } from "./auc.ts";

/** Options for `bootstrapInterval`. */
export interface BootstrapOptions {
  /** Number of resamples. @default 1000 */
  resamples?: number;
  /** Two-sided coverage of the percentile interval. @default 0.95 */
  level?: number;
  /**
   * Resample converters and non-converters separately, keeping their counts, so every
   * resample has both classes (AUC, KS and Gini are defined on each). @default true
   */
  stratified?: boolean;
}

/** A metric with its bootstrap percentile interval. */
export interface Interval {
  /** The metric on the whole sample. */
  estimate: number;
  /** Lower end of the interval. */
  lower: number;
  /** Upper end of the interval. */
  upper: number;
  /** Coverage of the interval, e.g. 0.95. */
  level: number;
  /** Resamples whose metric was finite and used. */
  resamples: number;
}

/**
 * Percentile bootstrap interval of `metric(scores, labels)`, drawing with `rng` (a seeded
 * generator such as `seededRng(1)` so the interval is reproducible).
 *
 * @example
 * ```ts
 * bootstrapInterval(scores, labels, auc, seededRng(7), { resamples: 500 });
 * ```
 */
export function bootstrapInterval(
  scores: ArrayLike<number>,
  labels: ArrayLike<number | boolean>,
  metric: (scores: Float64Array, labels: Uint8Array) => number,
  rng: () => number,
  options: BootstrapOptions = {},
): Interval {
  const { resamples = 1000, level = 0.95, stratified = true } = options;
  if (typeof metric !== "function") {
    throw new TypeError("Cannot bootstrap: metric must be a function (scores, labels) => number");
  }
  if (typeof rng !== "function") {
    throw new TypeError("Cannot bootstrap: rng must be a function returning floats in [0, 1)");
  }
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(
      `Cannot bootstrap: resamples must be a positive integer, got "${resamples}"`,
    );
  }
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`Cannot bootstrap: level must be in (0, 1), got "${level}"`);
  }
  const { scores: s, labels: y } = _checkScored("a bootstrap interval", scores, labels);
  const n = s.length;
  const estimate = metric(s, y);
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < n; i++) (y[i] ? pos : neg).push(i);
  const bs = new Float64Array(n);
  const by = new Uint8Array(n);
  const values: number[] = [];
  const fastAuc = metric === auc ? aucByMultiplicity(s, y) : null;
  const times = new Uint32Array(n);
  for (let r = 0; r < resamples; r++) {
    if (fastAuc) {
      // Same draws as below, kept as multiplicities: one sort for all resamples.
      times.fill(0);
      if (stratified) {
        for (const group of [pos, neg]) {
          for (let j = 0; j < group.length; j++) times[group[Math.floor(rng() * group.length)]]++;
        }
      } else {
        for (let k = 0; k < n; k++) times[Math.floor(rng() * n)]++;
      }
      const v = fastAuc(times);
      if (Number.isFinite(v)) values.push(v);
      continue;
    }
    if (stratified) {
      let k = 0;
      for (const group of [pos, neg]) {
        for (let j = 0; j < group.length; j++) {
          const i = group[Math.floor(rng() * group.length)];
          bs[k] = s[i];
          by[k++] = y[i];
        }
      }
    } else {
      for (let k = 0; k < n; k++) {
        const i = Math.floor(rng() * n);
        bs[k] = s[i];
        by[k] = y[i];
      }
    }
    const v = metric(bs, by);
    if (Number.isFinite(v)) values.push(v);
  }
  if (values.length === 0) {
    return { estimate, lower: NaN, upper: NaN, level, resamples: 0 };
  }
  values.sort((a, b) => a - b);
  const q = (p: number) => {
    const h = (values.length - 1) * p;
    const lo = Math.floor(h);
    return values[lo] + (h - lo) * ((values[Math.min(lo + 1, values.length - 1)]) - values[lo]);
  };
  const alpha = (1 - level) / 2;
  return { estimate, lower: q(alpha), upper: q(1 - alpha), level, resamples: values.length };
}

/**
 * AUC of a resample given as a multiplicity per original row, in one pass over the rows
 * sorted once: the same integer and half-integer sums as `auc` on the drawn rows, so the
 * same value, without sorting each resample.
 */
function aucByMultiplicity(s: Float64Array, y: Uint8Array): (times: Uint32Array) => number {
  const n = s.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => s[a] - s[b]);
  return (times) => {
    let below = 0;
    let wins = 0;
    let positives = 0;
    for (let k = 0; k < n;) {
      const v = s[order[k]];
      let p = 0;
      let q = 0;
      while (k < n && s[order[k]] === v) {
        const i = order[k++];
        if (y[i]) p += times[i];
        else q += times[i];
      }
      wins += p * (below + q / 2);
      below += q;
      positives += p;
    }
    return positives === 0 || below === 0 ? NaN : wins / (positives * below);
  };
}
