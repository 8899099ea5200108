/**
 * Fixed score bins for PSI. The edges come from one reference period (the first of a
 * backtest) and are then held fixed, so every later period is measured on the same ruler.
 */

export interface ScoreBinsOptions {
  /** Number of quantile bins wanted; fewer result when scores tie. @default 10 */
  bins?: number;
}

/**
 * Inner cut points at the quantiles `k/bins` of `scores` (linear interpolation, NumPy's
 * default), duplicates removed, and none at or above the largest score (it would leave
 * the top bin empty). Bin `k` holds scores in `(edges[k-1], edges[k]]`, as `psi` of
 * `src/metrics` reads `edges`; the first bin everything up to `edges[0]`, the last
 * everything above the last edge.
 *
 * @example
 * ```ts
 * scoreBins([1, 2, 3, 4, 5], { bins: 2 }); // [3]
 * ```
 */
export function scoreBins(scores: ArrayLike<number>, options: ScoreBinsOptions = {}): number[] {
  const { bins = 10 } = options;
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`Cannot bin scores: bins "${bins}" must be a positive integer`);
  }
  const sorted = Float64Array.from(scores).sort();
  const n = sorted.length;
  if (n === 0) return [];
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const h = (n - 1) * k / bins;
    const lo = Math.floor(h);
    const q = sorted[lo] + (h - lo) * (sorted[Math.min(lo + 1, n - 1)] - sorted[lo]);
    if (q < sorted[n - 1] && (edges.length === 0 || q > edges[edges.length - 1])) edges.push(q);
  }
  return edges;
}
