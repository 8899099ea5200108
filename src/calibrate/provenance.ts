/** What a calibrated config records about where it came from, and the evidence report. */
import type { Evidence } from "./evidence.ts";
import { probabilityOfScore } from "./scale_points.ts";
import type { CalibrationResult } from "./types.ts";

/** One input file, fingerprinted. */
export interface InputFingerprint {
  /** The table it was loaded as. */
  kind: string;
  /** The path as given. */
  file: string;
  /** Hex SHA-256 of the file's bytes. */
  sha256: string;
  /** Data rows read. */
  rowsRead: number;
  /** Rows loaded. */
  rowsLoaded: number;
  /** Rows rejected. */
  rowsRejected: number;
}

/** Hex SHA-256 of bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function evidenceSummary(e: Evidence) {
  return {
    rows: e.rows,
    converters: e.converters,
    rate: e.rate,
    auc: e.auc,
    aucInterval: e.aucInterval,
    gini: e.gini,
    ks: e.ks,
    prAuc: e.prAuc,
    brier: e.brier,
    logLoss: e.logLoss,
    calibration: e.calibration,
    gains: e.gains,
    top20: e.top20,
  };
}

/** JSON cannot hold NaN or Infinity: they become null (and a reader sees the gap). */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v)),
  );
}

/**
 * The `provenance` object of a calibrated config: inputs with fingerprints, settings, the
 * model, the point scale with its score-to-probability map, the rounding cost, and the
 * hold-out metrics of the exact fit and of the whole-number config (as the engine scores it).
 */
export function buildProvenance(
  result: CalibrationResult,
  context: {
    method: "snapshot" | "temporal";
    inputs: InputFingerprint[];
    settings: Record<string, unknown>;
    holdout: Record<string, unknown> | null;
  },
): Record<string, unknown> {
  const { model, scale, scoreToProbability: map } = result;
  const tiers = result.config.tiers!;
  return jsonSafe({
    generator: "scorebench calibrate",
    method: context.method,
    inputs: context.inputs,
    settings: context.settings,
    holdout: context.holdout,
    training: result.training,
    refit: result.refit,
    evidenceFrom: result.evidenceFrom,
    selection: result.selection,
    model: {
      intercept: model.intercept,
      interceptStdErr: model.interceptStdErr,
      features: model.featureNames.map((name, j) => ({
        name,
        coef: model.coef[j],
        stdErr: model.stdErr[j],
      })),
      nIter: model.nIter,
      converged: model.converged,
      logLikelihood: model.logLikelihood,
      nullLogLikelihood: model.nullLogLikelihood,
      pseudoR2: 1 - model.logLikelihood / model.nullLogLikelihood,
      l2: model.l2,
      rows: model.rows,
      separation: model.separation,
    },
    scale: {
      ...scale,
      scoreToProbability: {
        formula: "p = 1 / (1 + exp(-(atZero + perPoint * score)))",
        ...map,
        atTiers: {
          high: probabilityOfScore(map, tiers.high),
          medium: probabilityOfScore(map, tiers.medium),
        },
      },
    },
    scoreTable: result.scoreTable,
    metrics: result.holdout
      ? {
        psiTrainingToHoldout: result.holdout.psi,
        holdout: {
          unrounded: evidenceSummary(result.holdout.unrounded),
          integer: evidenceSummary(result.holdout.integer),
          ...(result.holdout.baseline
            ? { baseline: evidenceSummary(result.holdout.baseline) }
            : {}),
        },
      }
      : null,
    warnings: result.warnings,
  }) as Record<string, unknown>;
}
