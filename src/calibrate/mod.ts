/**
 * Calibration: points derived from real converters with the evidence shown (WoE/IV
 * factors, logistic regression, points to double the odds, out-of-time hold-out metrics)
 * and written as a `scorebench.config/v1` config.
 *
 * @module
 */
export {
  type DesignMatrix,
  fitLogistic,
  type FitLogisticOptions,
  type LogisticModel,
  predictLogit,
  sigmoid,
} from "./fit_logistic.ts";
export {
  binFeature,
  binIndex,
  binListFeature,
  type BinningOptions,
  type Factor,
  type FactorBin,
  withEvidence,
} from "./factors.ts";
export {
  type PointScale,
  pointScale,
  probabilityOfScore,
  type ScaledPoints,
  type ScaleOptions,
  scalePoints,
  scoreOfProbability,
  type ScoreToProbability,
} from "./scale_points.ts";
export {
  candidateFeatures,
  type CandidateOptions,
  countFeatures,
  type CountOptions,
  type EventFeature,
  featureRule,
  featureWhere,
  inWindow,
  type RowIndex,
} from "./event_features.ts";
export { evaluateScores, type Evidence, type EvidenceOptions } from "./evidence.ts";
export {
  evaluateHoldout,
  type EvaluateHoldoutOptions,
  type HoldoutOf,
} from "./evaluate_holdout.ts";
export { calibrateSnapshot, featureName, type SnapshotOptions } from "./calibrate_snapshot.ts";
export {
  calibrateTemporal,
  engineScores,
  type TemporalInput,
  type TemporalOptions,
} from "./calibrate_temporal.ts";
export {
  calibratePerTag,
  type PerTagOptions,
  type PerTagResult,
  purchaseTags,
} from "./calibrate_per_tag.ts";
export { buildProvenance, type InputFingerprint, sha256Hex } from "./provenance.ts";
export { defaultCutoffs } from "../tables/mod.ts";
export { hashUniform, parseLabel, proposeTiers, type TierProposalOptions } from "./_common.ts";
export type { CalibrationResult, HoldoutSpec, PointsRow } from "./types.ts";
export {
  fitPlainRegression,
  type PlainColumn,
  plainDesign,
  type PlainRegression,
  type PlainRegressionOptions,
  predictPlain,
} from "./plain_regression.ts";
export type { CvPoint, FoldOrder, ModelSelection } from "./types.ts";
export { FINE_BINNING } from "./calibrate_snapshot.ts";
export { type CodeColumn, codeLikeColumns, type CodeLikeOptions } from "./code_columns.ts";
export { CALIBRATION_DEFAULTS } from "./calibration_defaults.ts";
