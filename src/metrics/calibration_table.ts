import { _checkScored, _orderDescending } from "./_check.ts";

/** Options for `calibrationTable`. */
export interface CalibrationTableOptions {
  /** Number of bins. @default 10 */
  bins?: number;
  /**
   * `"quantile"`: bins of (nearly) equal counts by predicted probability, ties kept
   * together; `"uniform"`: equal-width bins over 0..1. @default "quantile"
   */
  strategy?: "quantile" | "uniform";
}

/** One bin of a calibration (reliability) table. */
export interface CalibrationRow {
  /** 1-based bin number, lowest predictions first. */
  bin: number;
  /** Smallest and largest predicted probability in the bin. */
  minPredicted: number;
  /** See `minPredicted`. */
  maxPredicted: number;
  /** Rows in the bin. */
  count: number;
  /** Of those, rows labelled 1. */
  converters: number;
  /** Mean predicted probability in the bin. */
  meanPredicted: number;
  /** `converters / count`: what the predictions should match. */
  observedRate: number;
}

/**
 * Predicted against observed conversion rate per probability bin, lowest bin first.
 * Empty bins are left out. A well-calibrated model has `meanPredicted ~ observedRate`.
 */
export function calibrationTable(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number | boolean>,
  options: CalibrationTableOptions = {},
): CalibrationRow[] {
  const { bins = 10, strategy = "quantile" } = options;
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(
      `Cannot build a calibration table: bins must be a positive integer, got "${bins}"`,
    );
  }
  if (strategy !== "quantile" && strategy !== "uniform") {
    throw new RangeError(
      `Cannot build a calibration table: strategy must be "quantile" or "uniform", got "${strategy}"`,
    );
  }
  const { scores: p, labels: y } = _checkScored("a calibration table", probabilities, labels, true);
  const n = p.length;
  const binOf = new Int32Array(n);
  if (strategy === "uniform") {
    for (let i = 0; i < n; i++) binOf[i] = Math.min(bins - 1, Math.floor(p[i] * bins));
  } else {
    // Ascending order; a block of tied probabilities goes to the bin of its first member.
    const order = _orderDescending(p).reverse();
    for (let i = 0; i < n;) {
      const b = Math.floor((i * bins) / n);
      const v = p[order[i]];
      while (i < n && p[order[i]] === v) binOf[order[i++]] = b;
    }
  }
  const rows: CalibrationRow[] = [];
  for (let b = 0; b < bins; b++) {
    rows.push({
      bin: b + 1,
      minPredicted: Infinity,
      maxPredicted: -Infinity,
      count: 0,
      converters: 0,
      meanPredicted: 0,
      observedRate: 0,
    });
  }
  for (let i = 0; i < n; i++) {
    const r = rows[binOf[i]];
    r.count++;
    r.converters += y[i];
    r.meanPredicted += p[i];
    r.minPredicted = Math.min(r.minPredicted, p[i]);
    r.maxPredicted = Math.max(r.maxPredicted, p[i]);
  }
  return rows.filter((r) => r.count > 0).map((r) => ({
    ...r,
    meanPredicted: r.meanPredicted / r.count,
    observedRate: r.converters / r.count,
  }));
}
