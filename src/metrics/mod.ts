/**
 * Evaluation metrics shared by calibration and backtests: ranking (AUC, ROC, KS, Gini,
 * PR-AUC), probability quality (Brier, log-loss, calibration table), business views
 * (gains/lift by decile), drift (PSI) and bootstrap intervals.
 *
 * Labels are `0`/`1` (or booleans); scores are finite numbers. Ranking metrics return
 * `NaN` when one class is absent rather than throwing, so a period without converters
 * shows up as a gap in a backtest instead of stopping it.
 *
 * @module
 */
export { auc } from "./auc.ts";
export { rocCurve, type RocPoint } from "./roc_curve.ts";
export { ks } from "./ks.ts";
export { gini } from "./gini.ts";
export { prAuc } from "./pr_auc.ts";
export { brier } from "./brier.ts";
export { logLoss, type LogLossOptions } from "./log_loss.ts";
export {
  type CalibrationRow,
  calibrationTable,
  type CalibrationTableOptions,
} from "./calibration_table.ts";
export { type GainsRow, gainsTable, type GainsTableOptions } from "./gains_table.ts";
export {
  convertersInTop,
  type ConvertersInTopOptions,
  type TopShare,
} from "./converters_in_top.ts";
export { psi, type PsiBin, type PsiOptions, type PsiResult } from "./psi.ts";
export { bootstrapInterval, type BootstrapOptions, type Interval } from "./bootstrap_interval.ts";
export { seededRng } from "./seeded_rng.ts";
