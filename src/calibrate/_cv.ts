/**
 * Cross-validation shared by snapshot and temporal calibration: folds at random or in time
 * order, the L2 path of one design fitted with warm starts, and the choice from the curve.
 */
import { auc, logLoss } from "../metrics/mod.ts";
import { type DesignMatrix, fitLogistic, predictLogit, sigmoid } from "./fit_logistic.ts";
import { hashUniform } from "./_common.ts";

/** L2 strengths tried by default (on the summed log-likelihood, as `fitLogistic` takes it). */
export const DEFAULT_L2_GRID = [0.1, 0.3, 1, 3, 10, 30, 100, 300];

/** One training / validation split of row positions (into the rows being cross-validated). */
export interface Fold {
  train: number[];
  valid: number[];
}

/** How the folds were drawn. */
export type FoldOrder = "random" | "time";

/**
 * `k` folds. `"random"`: each row goes to the fold given by a hash of its id (row order never
 * matters). `"time"`: rows sorted by `times` are cut into `k + 1` consecutive blocks and fold
 * `f` trains on blocks `0..f` and validates on block `f + 1`, so no fold learns from its own
 * future.
 */
export function makeFolds(
  ids: string[],
  k: number,
  order: FoldOrder,
  options: { seed?: number; times?: ArrayLike<number> } = {},
): Fold[] {
  const n = ids.length;
  if (order === "random") {
    const { seed = 1 } = options;
    const foldOf = ids.map((id) => Math.min(k - 1, Math.floor(hashUniform(id, seed + 7919) * k)));
    return Array.from({ length: k }, (_, f) => ({
      train: foldOf.flatMap((g, i) => (g === f ? [] : [i])),
      valid: foldOf.flatMap((g, i) => (g === f ? [i] : [])),
    }));
  }
  const times = options.times!;
  const sorted = Array.from({ length: n }, (_, i) => i).sort((a, b) =>
    times[a] - times[b] || (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0)
  );
  // Block boundaries never split rows of one instant (a cutoff, a month).
  const bounds: number[] = [0];
  for (let b = 1; b <= k; b++) {
    let j = Math.round((b * n) / (k + 1));
    while (j < n && j > 0 && times[sorted[j]] === times[sorted[j - 1]]) j++;
    if (j > bounds[bounds.length - 1] && j < n) bounds.push(j);
  }
  bounds.push(n);
  const folds: Fold[] = [];
  for (let b = 1; b + 1 < bounds.length; b++) {
    folds.push({
      train: sorted.slice(0, bounds[b]),
      valid: sorted.slice(bounds[b], bounds[b + 1]),
    });
  }
  return folds;
}

/** Validation figures of one setting, averaged over the folds. */
export interface CvPoint {
  /** What was fitted, e.g. `"dummy"`, `"woe"` or a window. */
  variant: string;
  /** L2 penalty of the fit. */
  l2: number;
  /** Mean validation AUC over the folds with both outcomes. */
  auc: number;
  /** Mean validation log-loss. */
  logLoss: number;
  /** Standard error of the mean validation log-loss over the folds (sd / sqrt(folds)). */
  logLossSe?: number;
}

/** Picks `rows` of a row-major design. */
export function designRows(X: DesignMatrix, rows: number[]): DesignMatrix {
  const p = X.cols;
  const data = new Float64Array(rows.length * p);
  rows.forEach((i, r) => data.set(X.data.subarray(i * p, i * p + p), r * p));
  return { data, rows: rows.length, cols: p };
}

/**
 * Validation AUC and log-loss of each L2 strength for one design on one fold, fitted from the
 * strongest penalty down with each fit starting from the previous one.
 */
export function l2Path(
  train: DesignMatrix,
  yTrain: ArrayLike<number>,
  valid: DesignMatrix,
  yValid: ArrayLike<number>,
  grid: number[],
): { l2: number; auc: number; logLoss: number }[] {
  const order = [...grid].sort((a, b) => b - a);
  let init: { intercept: number; coef: number[] } | undefined;
  const out: { l2: number; auc: number; logLoss: number }[] = [];
  for (const l2 of order) {
    const model = fitLogistic(train, yTrain, { l2, init, maxIter: 30, tol: 1e-7 });
    init = { intercept: model.intercept, coef: model.coef };
    const eta = predictLogit(model, valid);
    out.push({ l2, auc: auc(eta, yValid), logLoss: logLoss(eta.map(sigmoid), yValid) });
  }
  return out.sort((a, b) => a.l2 - b.l2);
}

/** Averages per-fold results into one point per (variant, l2). */
export function averageFolds(
  variant: string,
  perFold: { l2: number; auc: number; logLoss: number }[][],
): CvPoint[] {
  const byL2 = new Map<number, { auc: number[]; logLoss: number[] }>();
  for (const fold of perFold) {
    for (const r of fold) {
      let e = byL2.get(r.l2);
      if (!e) byL2.set(r.l2, e = { auc: [], logLoss: [] });
      if (Number.isFinite(r.auc)) e.auc.push(r.auc);
      if (Number.isFinite(r.logLoss)) e.logLoss.push(r.logLoss);
    }
  }
  const mean = (xs: number[]) => xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
  const se = (xs: number[]) => {
    if (xs.length < 2) return NaN;
    const m = mean(xs);
    return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length);
  };
  return [...byL2].map(([l2, e]) => ({
    variant,
    l2,
    auc: mean(e.auc),
    logLoss: mean(e.logLoss),
    logLossSe: se(e.logLoss),
  }));
}

/**
 * The best point of a CV curve: the lowest mean validation log-loss (a proper score, so an
 * over-shrunk model that still ranks well loses); mean AUC breaks exact ties.
 */
export function chooseFromCurve(curve: CvPoint[]): CvPoint {
  const valid = curve.filter((c) => Number.isFinite(c.logLoss));
  if (valid.length === 0) return curve[Math.floor(curve.length / 2)];
  return valid.reduce((a, c) =>
    c.logLoss < a.logLoss || (c.logLoss === a.logLoss && c.auc > a.auc) ? c : a
  );
}

/**
 * The one-standard-error rule: of the points whose mean validation log-loss is within one
 * standard error of the best one's, the one with the fewest fitted parameters (`size`), and
 * of those the strongest penalty. Cross-validation that cannot tell settings apart then
 * settles on the simplest, which is the safer bet when later data drift away from every
 * fold (out-of-time use). Falls back to `chooseFromCurve` when the best point has no
 * standard error (a single usable fold).
 */
export function chooseOneSe(curve: CvPoint[], size: (variant: string) => number): CvPoint {
  const best = chooseFromCurve(curve);
  if (!(best.logLossSe !== undefined && Number.isFinite(best.logLossSe))) return best;
  const bound = best.logLoss + best.logLossSe;
  const near = curve.filter((c) => Number.isFinite(c.logLoss) && c.logLoss <= bound);
  return near.reduce((a, c) => {
    const sa = size(a.variant);
    const sc = size(c.variant);
    return sc < sa || (sc === sa && c.l2 > a.l2) ? c : a;
  });
}
