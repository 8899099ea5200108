/** Results of calibration, shared by the snapshot and temporal paths, the CLI and the report. */
import type { ScoringConfigSpec } from "../config/types.ts";
import type { Evidence } from "./evidence.ts";
import type { Factor } from "./factors.ts";
import type { LogisticModel } from "./fit_logistic.ts";
import type { PointScale, ScoreToProbability } from "./scale_points.ts";

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
  /** The logistic coefficient of the feature (per WoE unit in snapshot mode, per occurrence in temporal). */
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
  /** How coefficients became points. */
  scale: PointScale;
  /** Maps a score to a predicted conversion probability. */
  scoreToProbability: ScoreToProbability;
  /** One row per feature: coefficient, exact and whole points. */
  points: PointsRow[];
  /** Rows and converters fitted on, and what rounding to whole points cost. */
  training: {
    rows: number;
    converters: number;
    /** AUC lost on training rows by rounding to whole points. */
    roundingCost: number;
    /** Temporal: the cutoffs the model was trained on. */
    cutoffs?: number[];
  };
  /**
   * Hold-out evidence of the exact fit and of the whole-point config (as the engine scores
   * it), and the population stability index of its whole-point scores against training.
   */
  holdout: { unrounded: Evidence; integer: Evidence; psi: number } | null;
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
