/** Hold-out metrics, the same for snapshot and temporal calibration. */
import { psi } from "../metrics/mod.ts";
import { evaluateScores, type EvidenceOptions } from "./evidence.ts";
import { type DesignMatrix, type LogisticModel, predictLogit, sigmoid } from "./fit_logistic.ts";
import { probabilityOfScore, type ScoreToProbability } from "./scale_points.ts";
import type { CalibrationResult } from "./types.ts";

/** Warning when nothing is held out. */
export const NO_HOLDOUT_WARNING =
  "No hold-out: the metrics are missing, as in-sample figures would flatter the fit";

/** The held-out rows as the fit and the engine see them. */
export interface HoldoutRows {
  /** Fitted model whose exact log-odds give the unrounded metrics. */
  model: LogisticModel;
  /** Features of the held-out rows, one column per coefficient of `model`. */
  design: DesignMatrix;
  /** 0/1 outcome per held-out row. */
  labels: ArrayLike<number>;
  /** The engine's whole-point score per held-out row, in the order of `design`. */
  scores: ArrayLike<number>;
  /** The engine's scores of the training rows, the baseline of the PSI. */
  trainScores: ArrayLike<number>;
  /** Maps whole points to probabilities for the integer metrics. */
  scoreToProbability: ScoreToProbability;
  /** Bootstrap settings of the AUC intervals. */
  evidence?: EvidenceOptions;
}

/**
 * Metrics of the exact fit and of the whole-point config on the same held-out rows, and
 * the drift of the held-out scores from the training ones.
 */
export function holdoutEvidence(
  rows: HoldoutRows,
): NonNullable<CalibrationResult["holdout"]> {
  const { model, design, labels, scores, trainScores, scoreToProbability, evidence } = rows;
  const logits = predictLogit(model, design);
  return {
    psi: psi(trainScores, scores).psi,
    unrounded: evaluateScores(logits, logits.map(sigmoid), labels, evidence),
    integer: evaluateScores(
      scores,
      Float64Array.from(scores, (s) => probabilityOfScore(scoreToProbability, s)),
      labels,
      evidence,
    ),
  };
}
