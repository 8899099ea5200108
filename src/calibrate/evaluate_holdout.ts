/**
 * The whole-point hold-out metrics of any config on a calibration's held-out rows: the same
 * rows, the same label, the same engine scores mapped to probabilities by the same fitted
 * scale, the same metrics. Applied to the fitted config it gives the calibration's own
 * `holdout.integer`, so an edited config is compared like for like. The config's audience and
 * verification are not applied: they choose the contacts, and the rows here are fixed.
 */
import type { ScoringConfigSpec } from "../config/types.ts";
import type { EventRow, PurchaseRow } from "../tables/mod.ts";
import { convertsWithin } from "../tables/mod.ts";
import { engineScores } from "./calibrate_temporal.ts";
import { evaluateScores, type Evidence, type EvidenceOptions } from "./evidence.ts";
import { probabilityOfScore, type ScoreToProbability } from "./scale_points.ts";
import type { CalibrationResult } from "./types.ts";

/** What `evaluateHoldout` needs of a temporal calibration. */
export interface HoldoutOf {
  /** The held-out contacts at each held-out cutoff. */
  holdoutRows: CalibrationResult["holdoutRows"];
  /** The fitted map from whole points to a probability. */
  scoreToProbability: ScoreToProbability;
  /** The shipped config, when the evidence describes another fit (`evaluated`). */
  config?: ScoringConfigSpec;
  /** The config and score map the hold-out evidence describes, when the shipped one was refitted. */
  evaluated?: { config: ScoringConfigSpec; scoreToProbability: ScoreToProbability };
}

/** Options of `evaluateHoldout`. */
export interface EvaluateHoldoutOptions {
  /** Days after each cutoff a purchase counts in, as in the calibration. */
  horizonDays: number;
  /** The per-tag model's tag: only its purchases label, its scope scores. @default none */
  tag?: string;
  /** Bootstrap settings of the AUC interval, as in the calibration. @default {} */
  evidence?: EvidenceOptions;
}

/**
 * Metrics of `config` on `calibration`'s held-out rows. `null` when the calibration held
 * nothing out. Throws `RangeError` for a horizon that is not a positive number.
 */
export function evaluateHoldout(
  config: ScoringConfigSpec,
  input: { events: EventRow[]; purchases: PurchaseRow[] },
  calibration: HoldoutOf,
  options: EvaluateHoldoutOptions,
): Evidence | null {
  const { horizonDays, tag, evidence = {} } = options;
  if (!(horizonDays > 0)) {
    throw new RangeError(`Cannot evaluate the hold-out: horizon "${horizonDays}" days must be > 0`);
  }
  const held = calibration.holdoutRows.filter((r) => r.asOf !== null) as {
    asOf: number;
    contactIds: string[];
  }[];
  if (!held.length) return null;
  let rows = 0;
  const rowOf = held.map((r) => new Map(r.contactIds.map((id) => [id, rows++])));
  const index = {
    cutoffs: held.map((r) => r.asOf),
    rowOf,
    rows,
    ids: held.map((r) => r.contactIds),
  };
  const labels = new Uint8Array(rows);
  for (const p of input.purchases) {
    if (tag !== undefined && p.tag !== tag) continue;
    for (let k = 0; k < index.cutoffs.length; k++) {
      if (!convertsWithin(p.ts, index.cutoffs[k], horizonDays)) continue;
      const row = rowOf[k].get(p.contact_id);
      if (row !== undefined) labels[row] = 1;
    }
  }
  // The audience and verification decide who is scored, not how: left out, the rows stay the
  // calibration's, and an edited audience cannot empty the comparison.
  const { audience: _audience, verification: _verification, ...scoring } = config;
  // A refitted config is judged through the model the evidence describes: its points where
  // the config keeps the shipped ones, the config's own where a person changed them.
  const base = calibration.evaluated && calibration.config ? calibration.evaluated : null;
  const judged = base ? rebase(scoring, calibration.config!, base.config) : scoring;
  const map = base ? base.scoreToProbability : calibration.scoreToProbability;
  const scores = engineScores(judged, input.events, index, tag);
  const probabilities = Float64Array.from(scores, (s) => probabilityOfScore(map, s));
  return evaluateScores(scores, probabilities, labels, evidence);
}

/** `config` with every point it shares with `shipped` taken from `evaluated` instead. */
function rebase(
  config: ScoringConfigSpec,
  shipped: ScoringConfigSpec,
  evaluated: ScoringConfigSpec,
): ScoringConfigSpec {
  const pointsOf = (list: { id: string; points: number }[] | undefined) =>
    new Map((list ?? []).map((r) => [r.id, r.points]));
  const was = pointsOf([...(shipped.rules ?? []), ...(shipped.attributes ?? [])]);
  const then = pointsOf([...(evaluated.rules ?? []), ...(evaluated.attributes ?? [])]);
  // An unedited rule takes the evidence fit's points, or leaves when that fit had no such rule.
  const pick = <T extends { id: string; points: number }>(r: T): T[] =>
    was.get(r.id) !== r.points ? [r] : then.has(r.id) ? [{ ...r, points: then.get(r.id)! }] : [];
  // Rules the evidence fit has and the shipped one lost keep their evidence points.
  const kept = new Set([...(config.rules ?? []), ...(config.attributes ?? [])].map((r) => r.id));
  const lost = (list: { id: string }[] | undefined) =>
    (list ?? []).filter((r) => !was.has(r.id) && !kept.has(r.id));
  return {
    ...config,
    window: shipped.window && JSON.stringify(config.window) === JSON.stringify(shipped.window)
      ? evaluated.window
      : config.window,
    rules: [...(config.rules ?? []).flatMap(pick), ...lost(evaluated.rules)] as typeof config.rules,
    attributes: [
      ...(config.attributes ?? []).flatMap(pick),
      ...lost(evaluated.attributes),
    ] as typeof config.attributes,
  };
}
