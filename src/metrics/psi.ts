/** Options for `psi`. */
export interface PsiOptions {
  /** Number of bins, cut at quantiles of `expected` (ties kept together). @default 10 */
  bins?: number;
  /** Explicit ascending cut points instead of quantiles: bin k is `edges[k-1] < x <= edges[k]`. */
  edges?: number[];
  /** Floor of a bin share, so an empty bin costs a finite amount. @default 1e-4 */
  floor?: number;
}

/** One bin of a population stability comparison. */
export interface PsiBin {
  /** Upper edge (inclusive); `Infinity` for the last bin. */
  upper: number;
  /** Share of the expected (reference) sample in the bin. */
  expectedShare: number;
  /** Share of the actual sample in the bin. */
  actualShare: number;
  /** `(actual - expected) * ln(actual / expected)`. */
  contribution: number;
}

/** Population stability index with its per-bin breakdown. */
export interface PsiResult {
  /** Sum of the bins' contributions: below 0.1 stable, 0.1 to 0.25 drifting, above 0.25 shifted. */
  psi: number;
  /** Each bin, lowest first. */
  bins: PsiBin[];
}

function checkFinite(what: string, xs: ArrayLike<number>): void {
  if (xs === null || typeof xs !== "object" || typeof xs.length !== "number") {
    throw new TypeError(`Cannot compute PSI: ${what} must be an array of numbers`);
  }
  if (xs.length === 0) throw new RangeError(`Cannot compute PSI: ${what} is empty`);
  for (let i = 0; i < xs.length; i++) {
    if (typeof xs[i] !== "number" || !Number.isFinite(xs[i])) {
      throw new RangeError(
        `Cannot compute PSI: ${what} at index ${i} is "${xs[i]}", not a finite number`,
      );
    }
  }
}

/**
 * Population stability index of `actual` against `expected` (e.g. this period's scores
 * against the training scores): `sum (a - e) * ln(a / e)` over bins. Rule of thumb:
 * below 0.1 stable, 0.1-0.25 drifting, above 0.25 shifted.
 */
export function psi(
  expected: ArrayLike<number>,
  actual: ArrayLike<number>,
  options: PsiOptions = {},
): PsiResult {
  const { bins = 10, floor = 1e-4 } = options;
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`Cannot compute PSI: bins must be a positive integer, got "${bins}"`);
  }
  if (!(floor > 0 && floor < 1)) {
    throw new RangeError(`Cannot compute PSI: floor must be in (0, 1), got "${floor}"`);
  }
  checkFinite("expected", expected);
  checkFinite("actual", actual);
  let edges: number[];
  if (options.edges) {
    edges = [...options.edges];
    for (let i = 1; i < edges.length; i++) {
      if (!(edges[i] > edges[i - 1])) {
        throw new RangeError(`Cannot compute PSI: edges must ascend, got "${edges.join(", ")}"`);
      }
    }
  } else {
    const sorted = Float64Array.from(expected).sort();
    const cut = new Set<number>();
    for (let k = 1; k < bins; k++) {
      cut.add(sorted[Math.min(sorted.length - 1, Math.floor((k * sorted.length) / bins) - 1)]);
    }
    cut.delete(sorted[sorted.length - 1]);
    edges = [...cut].sort((a, b) => a - b);
  }
  const share = (xs: ArrayLike<number>) => {
    const counts = new Float64Array(edges.length + 1);
    for (let i = 0; i < xs.length; i++) {
      let lo = 0;
      let hi = edges.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (xs[i] <= edges[mid]) hi = mid;
        else lo = mid + 1;
      }
      counts[lo]++;
    }
    return Array.from(counts, (c) => c / xs.length);
  };
  const e = share(expected);
  const a = share(actual);
  const out: PsiBin[] = e.map((es, k) => {
    const ef = Math.max(es, floor);
    const af = Math.max(a[k], floor);
    return {
      upper: k < edges.length ? edges[k] : Infinity,
      expectedShare: es,
      actualShare: a[k],
      contribution: (af - ef) * Math.log(af / ef),
    };
  });
  return { psi: out.reduce((t, b) => t + b.contribution, 0), bins: out };
}
