/** Results of calibration, shared by the snapshot and temporal paths, the CLI and the report. */
import type { ScoringConfigSpec } from "../config/types.ts";
import type { Evidence } from "./evidence.ts";
import type { Factor } from "./factors.ts";
import type { LogisticModel } from "./fit_logistic.ts";
import type { PointScale, ScoreToProbability } from "./scale_points.ts";
import type { CvPoint, FoldOrder } from "./_cv.ts";

export type { CvPoint, FoldOrder };

/** How the model's encoding, penalty (and, over time, window) were chosen. */
export interface ModelSelection {
  /**
   * `"dummy"`: one coefficient per bin; `"steps"`: one per step between adjacent bins of a
   * numeric column (one per bin otherwise); `"woe"`: one per column on the bins' WoE;
   * `"counts"`: one per event feature (temporal).
   */
  encoding: "dummy" | "steps" | "linear" | "woe" | "counts";
  /** L2 penalty of the fit. */
  l2: number;
  /** `"cross-validation"` when chosen from the curve, `"given"` when set by the caller. */
  by: "cross-validation" | "given";
  /** Folds actually used. */
  folds: number;
  /** Whether folds were drawn at random or in time order. */
  foldOrder: FoldOrder;
  /**
   * How the curve chose: `"best"` (lowest log-loss) or `"one-se"` (the fewest parameters
   * within one standard error of it); absent when nothing was chosen by cross-validation.
   */
  rule?: "best" | "one-se";
  /** Mean validation AUC and log-loss of every setting tried. */
  curve: CvPoint[];
  /** Temporal: the look-back and half-life chosen, with the grid's figures. */
  window?: {
    lookbackDays: number;
    halfLifeDays: number | null;
    by: "cross-validation" | "given";
    grid: { lookbackDays: number; halfLifeDays: number | null; auc: number; logLoss: number }[];
  };
}

/** How the hold-out is chosen. */
export type HoldoutSpec =
  | {
    /** Share of contacts held out at random (by a hash of the id, so order never matters). */
    fraction: number;
    /** @default 1 */
    seed?: number;
  }
  | {
    /** Contacts whose `timeColumn` is after this instant (epoch ms) are held out. */
    after: number;
    /** @default "created_at" */
    timeColumn?: string;
  };

/** One row of the coefficients-and-points table. */
export interface PointsRow {
  /** The model feature (`(intercept)` for the constant). */
  feature: string;
  /** The bin or event the row stands for, for people. */
  label: string;
  /** The contact column or event type the feature reads. */
  field: string;
  /** The config rule that carries these points; `null` when none does. */
  ruleId: string | null;
  /**
   * The logistic coefficient of the feature: per WoE unit (snapshot, WoE encoding), of the
   * bin (snapshot, dummy encoding, before its column's most frequent bin is shifted to 0) or
   * per occurrence (temporal).
   */
  coef: number;
  /** Standard error of `coef`. */
  stdErr: number;
  /** WoE of the bin (snapshot mode). */
  woe: number | null;
  /** Points before rounding. */
  exactPoints: number;
  /** Whole points, as written in the config. */
  points: number;
}

/** What a calibration produced. */
export interface CalibrationResult {
  /** The config written, with whole points and proposed tiers. */
  config: ScoringConfigSpec;
  /** The candidate factors with their bins and information value. */
  factors: Factor[];
  /** The fitted logistic model. */
  model: LogisticModel;
  /** How encoding and penalty were chosen for the shipped model. */
  selection: ModelSelection | null;
  /** How coefficients became points. */
  scale: PointScale;
  /** Maps a score to a predicted conversion probability. */
  scoreToProbability: ScoreToProbability;
  /** One row per feature: coefficient, exact and whole points. */
  points: PointsRow[];
  /**
   * The rows outside the hold-out, on which the evidence model was fitted, and what rounding
   * the shipped config to whole points cost.
   */
  training: {
    rows: number;
    converters: number;
    /** AUC lost by rounding the shipped config to whole points, on the rows it was fitted on. */
    roundingCost: number;
    /** Temporal: the cutoffs the model was trained on. */
    cutoffs?: number[];
  };
  /**
   * When the shipped config was refitted on every row after the hold-out evidence was taken
   * (the hold-out then describes the same choices fitted without it); `null` when the shipped
   * config is the one evaluated.
   */
  refit: { rows: number; converters: number; cutoffs?: number[] } | null;
  /**
   * With `refit`: the whole-point config and score map of the model the hold-out evidence
   * describes (fitted without the held-out rows), so edits can be judged out of sample.
   */
  evaluated?: { config: ScoringConfigSpec; scoreToProbability: ScoreToProbability };
  /** Where the evidence comes from. */
  evidenceFrom: "holdout" | "cross-validation";
  /**
   * Hold-out evidence of the exact fit and of the whole-point config (as the engine scores
   * it), and the population stability index of its whole-point scores against training.
   */
  holdout: {
    unrounded: Evidence;
    integer: Evidence;
    psi: number;
    /** The plain regression (one-hot categories, standardized numbers) on the same rows. */
    baseline?: Evidence;
  } | null;
  /** Whole-point training scores at percentiles, with their predicted probability. */
  scoreTable: { percentile: number; score: number; probability: number }[];
  /**
   * The held-out rows in the order the metrics read them: per cutoff (temporal) or once
   * (`asOf: null`, snapshot), the contact ids.
   */
  holdoutRows: { asOf: number | null; contactIds: string[] }[];
  /** Features left out and other things a person should know. */
  warnings: string[];
}
