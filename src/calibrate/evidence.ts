/** The evidence shown for a fit: every metric of `src/metrics/` on one set of rows. */
import {
  auc,
  bootstrapInterval,
  brier,
  type CalibrationRow,
  calibrationTable,
  convertersInTop,
  type GainsRow,
  gainsTable,
  gini,
  type Interval,
  ks,
  logLoss,
  prAuc,
  seededRng,
  type TopShare,
} from "../metrics/mod.ts";

/** Options for `evaluateScores`. */
export interface EvidenceOptions {
  /** Bootstrap resamples for the AUC interval (0 skips it). @default 500 */
  resamples?: number;
  /** Seed of the bootstrap generator. @default 1 */
  seed?: number;
}

/** Ranking and probability quality of scores against outcomes. */
export interface Evidence {
  /** Rows evaluated. */
  rows: number;
  /** Of those, rows labelled 1. */
  converters: number;
  /** `converters / rows`. */
  rate: number;
  /** Area under the ROC curve. */
  auc: number;
  /** Percentile bootstrap interval of the AUC (stratified); `null` when skipped. */
  aucInterval: Interval | null;
  /** `2 * auc - 1`. */
  gini: number;
  /**
   * Kolmogorov-Smirnov statistic: the largest gap between the score distributions of converters and
   * the rest.
   */
  ks: number;
  /** Area under the precision-recall curve. */
  prAuc: number;
  /** Mean squared error of the probabilities. */
  brier: number;
  /** Mean negative log-likelihood of the probabilities. */
  logLoss: number;
  /** Predicted against observed rates, by bin. */
  calibration: CalibrationRow[];
  /** Conversion, lift and capture by score group, best first. */
  gains: GainsRow[];
  /** Converters among the best-scored 20 % of the rows (ties at the edge in proportion). */
  top20: TopShare | null;
}

/**
 * Evaluates `scores` (any ranking) and `probabilities` (their predicted conversion
 * probabilities) against 0/1 `labels`.
 */
export function evaluateScores(
  scores: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: EvidenceOptions = {},
): Evidence {
  const { resamples = 500, seed = 1 } = options;
  const n = labels.length;
  let converters = 0;
  for (let i = 0; i < n; i++) converters += labels[i];
  const both = converters > 0 && converters < n;
  return {
    rows: n,
    converters,
    rate: n ? converters / n : NaN,
    auc: auc(scores, labels),
    aucInterval: resamples > 0 && both
      ? bootstrapInterval(scores, labels, auc, seededRng(seed), { resamples })
      : null,
    gini: gini(scores, labels),
    ks: ks(scores, labels),
    prAuc: prAuc(scores, labels),
    brier: brier(probabilities, labels),
    logLoss: logLoss(probabilities, labels),
    calibration: calibrationTable(probabilities, labels, { bins: 10 }),
    gains: n ? gainsTable(scores, labels, { groups: 10 }) : [],
    top20: n ? convertersInTop(scores, labels, { share: 0.2 }) : null,
  };
}
