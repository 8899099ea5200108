/**
 * Backtests: a config replayed over past instants (tiers, conversion, lift, AUC, PSI,
 * migration, triggers), tier cuts chosen from history, window settings compared out of
 * time, and the impact of a candidate config previewed.
 *
 * @module
 */
export { periodInstants, type PeriodInstantsOptions } from "./period_instants.ts";
export { convertersWithin } from "../tables/mod.ts";
export { tierCode, TIERS, TIERS_HIGH_FIRST } from "../tables/mod.ts";
export { type TierStats, type TierTable, tierTable } from "./tier_table.ts";
export { scoreBins, type ScoreBinsOptions } from "./score_bins.ts";
export {
  MIGRATION_STATES,
  migrationBetween,
  type MigrationMatrix,
  migrationMatrix,
  type MigrationState,
} from "./migration_matrix.ts";
export {
  finiteOrNull,
  replay,
  type ReplayInput,
  type ReplayOptions,
  type ReplayPeriod,
  type ReplayResult,
} from "./replay.ts";
export {
  type ProbabilityBand,
  type ThresholdMethod,
  type ThresholdOptions,
  type ThresholdResult,
  thresholds,
  type ThresholdSample,
  thresholdSample,
  type TierCutStats,
} from "./thresholds.ts";
export {
  compareWindows,
  type CompareWindowsOptions,
  type CompareWindowsResult,
  type WindowCell,
} from "./compare_windows.ts";
export {
  type ImpactPeriod,
  type ImpactPreview,
  impactPreview,
  type ImpactPreviewOptions,
  type TierImpact,
} from "./impact_preview.ts";
export {
  BACKTEST_FORMAT,
  type BacktestExtras,
  type BacktestJson,
  type BacktestPeriodJson,
  type ImpactJson,
  toBacktestJson,
  type WindowsJson,
} from "./to_backtest_json.ts";
export {
  calibrateRolling,
  calibrateRollingTemporal,
  type RollingOptions,
  type RollingPeriod,
  type RollingResult,
  type RollingTemporalOptions,
} from "./calibrate_rolling.ts";
