/**
 * Temporal calibration: at each cutoff `T`, features are counts of events in
 * `(T - lookback, T]` (the engine's window), the label is a purchase in `(T, T + horizon]`;
 * rows of all cutoffs are stacked and one logistic regression weighs each feature. Its
 * points per occurrence become event rules, so the engine, adding points per kept match,
 * scores exactly the fitted linear predictor (up to rounding).
 *
 * No constant rule is written: the engine leaves a contact without any match unscored at
 * 0, which is the fitted score of a contact whose counts are all 0, so the intercept lives
 * in the score-to-probability map instead.
 */
import type { EventRuleSpec, ScoringConfigSpec } from "../config/types.ts";
import { CONFIG_FORMAT } from "../config/types.ts";
import { toScoringConfig } from "../config/mod.ts";
import type { ContactRow, EventRow, PurchaseRow } from "../tables/mod.ts";
import { scoreContacts } from "../engine/mod.ts";
import { hashUniform, proposeTiers, roundingCost, scoreTable } from "./_common.ts";
import {
  candidateFeatures,
  type CandidateOptions,
  countFeatures,
  type EventFeature,
  featureRule,
  type RowIndex,
} from "./event_features.ts";
import type { EvidenceOptions } from "./evidence.ts";
import { holdoutEvidence, NO_HOLDOUT_WARNING } from "./_holdout_evidence.ts";
import { binFeature, type Factor } from "./factors.ts";
import { fitLogistic } from "./fit_logistic.ts";
import { independentColumns } from "./_linalg.ts";
import { pointScale, type ScaleOptions, type ScoreToProbability } from "./scale_points.ts";
import { describeScale } from "./calibrate_snapshot.ts";
import type { CalibrationResult, PointsRow } from "./types.ts";
import { DAY_MS } from "../tables/mod.ts";

/** Inputs of temporal calibration (canonical rows). */
export interface TemporalInput {
  /** Events before each cutoff give the features. */
  events: EventRow[];
  /** A purchase within the horizon after a cutoff is the label. */
  purchases: PurchaseRow[];
  /** Without contacts, every contact seen in the events up to a cutoff is a row there. */
  contacts?: ContactRow[];
}

/** Options for `calibrateTemporal`. */
export interface TemporalOptions {
  /** Cutoff instants (epoch ms). */
  cutoffs: number[];
  /** Days before a cutoff whose events are counted. @default 90 */
  lookbackDays?: number;
  /** A purchase in `(cutoff, cutoff + horizonDays]` converts. @default 30 */
  horizonDays?: number;
  /** Decay of counts (and of the config). @default null */
  halfLifeDays?: number | null;
  /**
   * `{ after: T }`: cutoffs after `T` are held out (out of time); `{ fraction }`: contacts
   * at random. Training cutoffs whose horizon reaches past the first held-out cutoff are
   * left out, so no training label is drawn from the hold-out's future.
   * @default the last cutoff when there are two or more, else { fraction: 0.3 }
   */
  holdout?: { after: number } | { fraction: number; seed?: number } | null;
  /** Features to fit; found from the data when absent. */
  features?: EventFeature[];
  /** How features are found from the data when `features` is absent. */
  candidates?: CandidateOptions;
  /** Found value features (not event types) below this information value are left out. @default 0.01 */
  minIv?: number;
  /** L2 penalty of the fit. @default 0 */
  l2?: number;
  /** How coefficients become points. @default { pdo: 20 } */
  scale?: ScaleOptions;
  /** Largest AUC whole points may lose against the exact fit on training rows. @default 0.002 */
  maxRoundingCost?: number;
  /** Only purchases of this tag label a row; rules are scoped to the tag and ids prefixed. */
  tag?: string;
  /** Config name. */
  name?: string;
  /** Bootstrap settings of the hold-out evidence. */
  evidence?: EvidenceOptions;
  /**
   * Called at each step with the fraction done (0 to 1) and a short label of the step, e.g.
   * `"counting features (9 cutoffs)"`, `"fitting"`, `"scoring hold-out"`.
   * @default a no-op
   */
  onProgress?: (fraction: number, phase: string) => void;
}

function _checkTemporal(input: TemporalInput, options: TemporalOptions) {
  const {
    cutoffs,
    lookbackDays = 90,
    horizonDays = 30,
    halfLifeDays = null,
    minIv = 0.01,
    l2 = 0,
    scale = { pdo: 20 },
    maxRoundingCost = 0.002,
    evidence = {},
  } = options;
  if (!input || !Array.isArray(input.events) || !Array.isArray(input.purchases)) {
    throw new TypeError("Cannot calibrate over time: input needs events[] and purchases[]");
  }
  if (!Array.isArray(cutoffs) || cutoffs.length === 0) {
    throw new RangeError("Cannot calibrate over time: no cutoff given");
  }
  for (const t of cutoffs) {
    if (typeof t !== "number" || !Number.isFinite(t)) {
      throw new RangeError(
        `Cannot calibrate over time: cutoff "${t}" is not an instant in epoch ms`,
      );
    }
  }
  if (!(lookbackDays > 0)) {
    throw new RangeError(
      `Cannot calibrate over time: lookbackDays must be > 0, got "${lookbackDays}"`,
    );
  }
  if (!(horizonDays > 0)) {
    throw new RangeError(
      `Cannot calibrate over time: horizonDays must be > 0, got "${horizonDays}"`,
    );
  }
  if (halfLifeDays !== null && !(halfLifeDays > 0)) {
    throw new RangeError(
      `Cannot calibrate over time: halfLifeDays must be > 0, got "${halfLifeDays}"`,
    );
  }
  const sorted = [...new Set(cutoffs)].sort((a, b) => a - b);
  let holdout = options.holdout === undefined ? defaultTemporalHoldout(sorted) : options.holdout;
  if (holdout && "fraction" in holdout && !(holdout.fraction > 0 && holdout.fraction < 1)) {
    throw new RangeError(
      `Cannot calibrate over time: holdout fraction must be in (0, 1), got "${holdout.fraction}"`,
    );
  }
  if (holdout && "after" in holdout && !Number.isFinite(holdout.after)) {
    throw new RangeError(
      `Cannot calibrate over time: holdout "after" must be epoch ms, got "${holdout.after}"`,
    );
  }
  if (holdout === undefined) holdout = null;
  return {
    cutoffs: sorted,
    lookbackDays,
    horizonDays,
    halfLifeDays,
    holdout,
    minIv,
    l2,
    scale,
    maxRoundingCost,
    evidence,
  };
}

/**
 * The hold-out when none is chosen: the last of the ascending `cutoffs` out of time, or a
 * random 30 % of contacts (by `seed`) when there are fewer than two cutoffs.
 */
export function defaultTemporalHoldout(
  cutoffs: number[],
  seed = 1,
): { after: number } | { fraction: number; seed: number } {
  return cutoffs.length >= 2 ? { after: cutoffs[cutoffs.length - 2] } : { fraction: 0.3, seed };
}

/**
 * Fits event points from converters over stacked cutoffs and returns the config with its
 * evidence: candidate features and their information value, the model, points, and
 * hold-out metrics for the exact fit and for the whole-number config as the engine
 * scores it.
 */
export function calibrateTemporal(
  input: TemporalInput,
  options: TemporalOptions,
): CalibrationResult {
  const o = _checkTemporal(input, options);
  const { onProgress = () => {} } = options;
  const warnings: string[] = [];
  const horizonMs = o.horizonDays * DAY_MS;

  // Which cutoffs train and which are held out.
  let trainCutoffs = o.cutoffs;
  let holdCutoffs: number[] = [];
  let holdContact: ((id: string) => boolean) | null = null;
  if (o.holdout && "after" in o.holdout) {
    const after = o.holdout.after;
    holdCutoffs = o.cutoffs.filter((t) => t > after);
    trainCutoffs = o.cutoffs.filter((t) => t <= after);
    if (holdCutoffs.length) {
      const first = holdCutoffs[0];
      const leaking = trainCutoffs.filter((t) => t + horizonMs > first);
      if (leaking.length) {
        warnings.push(
          `${leaking.length} training cutoff(s) left out because their ${o.horizonDays}-day horizon reaches past the first held-out cutoff ${
            new Date(first).toISOString()
          }: ${leaking.map((t) => new Date(t).toISOString()).join(", ")}`,
        );
        trainCutoffs = trainCutoffs.filter((t) => t + horizonMs <= first);
      }
    } else warnings.push("No cutoff falls after the hold-out instant: no hold-out metrics");
  } else if (o.holdout && "fraction" in o.holdout) {
    const { fraction, seed = 1 } = o.holdout;
    holdContact = (id) => hashUniform(id, seed) < fraction;
    holdCutoffs = o.cutoffs;
  }
  if (trainCutoffs.length === 0) {
    throw new RangeError("Cannot calibrate over time: the hold-out leaves no training cutoff");
  }

  // Eligible contacts per cutoff.
  onProgress(0, "selecting contacts");
  const createdAt = new Map<string, number | null>();
  if (input.contacts) {
    for (const c of input.contacts) {
      createdAt.set(c.contact_id, typeof c.created_at === "number" ? c.created_at : null);
    }
  }
  const firstSeen = new Map<string, number>();
  if (!input.contacts) {
    for (const e of input.events) {
      const f = firstSeen.get(e.contact_id);
      if (f === undefined || e.ts < f) firstSeen.set(e.contact_id, e.ts);
    }
  }
  const eligible = (t: number, want: (id: string) => boolean): string[] => {
    const out: string[] = [];
    if (input.contacts) {
      for (const [id, c] of createdAt) if ((c === null || c <= t) && want(id)) out.push(id);
    } else {
      for (const [id, f] of firstSeen) if (f <= t && want(id)) out.push(id);
    }
    return out.sort();
  };
  const makeIndex = (
    cutoffs: number[],
    want: (id: string) => boolean,
  ): RowIndex & { ids: string[][] } => {
    const rowOf: Map<string, number>[] = [];
    const ids: string[][] = [];
    let rows = 0;
    for (const t of cutoffs) {
      const list = eligible(t, want);
      ids.push(list);
      rowOf.push(new Map(list.map((id) => [id, rows++])));
    }
    return { cutoffs, rowOf, rows, ids };
  };
  if (input.contacts) {
    let events = 0;
    let purchases = 0;
    for (const e of input.events) if (!createdAt.has(e.contact_id)) events++;
    for (const p of input.purchases) if (!createdAt.has(p.contact_id)) purchases++;
    if (events || purchases) {
      warnings.push(
        `${events} events and ${purchases} purchases belong to contacts not in the contacts table; not used`,
      );
    }
  }
  const trainIndex = makeIndex(trainCutoffs, holdContact ? (id) => !holdContact!(id) : () => true);
  if (trainIndex.rows === 0) {
    throw new RangeError(
      "Cannot calibrate over time: no contact is eligible at any training cutoff",
    );
  }

  // Labels: a (tagged) purchase in (T, T + horizon].
  const labelsOf = (index: RowIndex) => {
    const y = new Uint8Array(index.rows);
    for (const p of input.purchases) {
      if (options.tag !== undefined && p.tag !== options.tag) continue;
      for (let k = 0; k < index.cutoffs.length; k++) {
        const t = index.cutoffs[k];
        if (p.ts > t && p.ts <= t + horizonMs) {
          const row = index.rowOf[k].get(p.contact_id);
          if (row !== undefined) y[row] = 1;
        }
      }
    }
    return y;
  };
  const yTrain = labelsOf(trainIndex);
  const trainPos = yTrain.reduce((s, v) => s + v, 0);
  if (trainPos === 0) {
    throw new RangeError(
      `Cannot calibrate over time: no ${
        options.tag ? `"${options.tag}" ` : ""
      }purchase falls in the ${o.horizonDays}-day horizon of any training cutoff`,
    );
  }

  // Features.
  onProgress(0.1, `counting features (${trainCutoffs.length} cutoffs)`);
  let features = options.features ??
    candidateFeatures(input.events, trainCutoffs, o.lookbackDays, options.candidates);
  const countOpts = { lookbackDays: o.lookbackDays, halfLifeDays: o.halfLifeDays };
  let X = countFeatures(input.events, features, trainIndex, countOpts);
  let p = features.length;
  onProgress(0.4, `screening ${p} features`);
  const factors: Factor[] = [];
  const keep: number[] = [];
  const seenColumns = new Map<string, string>();
  for (let j = 0; j < p; j++) {
    const col = new Float64Array(trainIndex.rows);
    let h = 0;
    let nonzero = 0;
    for (let r = 0; r < trainIndex.rows; r++) {
      const v = X[r * p + j];
      col[r] = v;
      if (v !== 0) {
        nonzero++;
        h = (Math.imul(h ^ r, 0x01000193) + Math.round(v * 1e6)) | 0;
      }
    }
    const f = features[j];
    if (nonzero === 0) {
      warnings.push(`Feature "${f.label}" never occurs in a training window; left out`);
      continue;
    }
    const name = f.column === undefined ? f.on : `${f.on} ${f.column}=${f.value}`;
    const factor = binFeature(name, col, yTrain, { maxBins: 5, monotonic: false, numeric: true });
    factor.field = f.label;
    factors.push(factor);
    const key = `${nonzero}:${h}`;
    if (seenColumns.has(key)) {
      warnings.push(`Feature "${f.label}" counts exactly as "${seenColumns.get(key)}"; left out`);
      continue;
    }
    // Event types always stay: a rare type (an unsubscribe) has a small IV yet a large effect.
    if (!options.features && f.column !== undefined && factor.iv < o.minIv) {
      warnings.push(
        `Feature "${f.label}" has information value ${factor.iv.toFixed(4)} < ${o.minIv}; left out`,
      );
      continue;
    }
    seenColumns.set(key, f.label);
    keep.push(j);
  }
  if (keep.length === 0) {
    throw new RangeError("Cannot calibrate over time: no event feature is left to fit");
  }
  {
    // Drop features that are linear combinations of earlier ones (types come before values).
    const sub = new Float64Array(trainIndex.rows * keep.length);
    for (let r = 0; r < trainIndex.rows; r++) {
      for (let k = 0; k < keep.length; k++) sub[r * keep.length + k] = X[r * p + keep[k]];
    }
    const independent = new Set(independentColumns(sub, trainIndex.rows, keep.length));
    for (let k = keep.length - 1; k >= 0; k--) {
      if (!independent.has(k)) {
        warnings.push(
          `Feature "${features[keep[k]].label}" is a sum of features before it; left out`,
        );
        keep.splice(k, 1);
      }
    }
  }
  if (keep.length < p) {
    const Xk = new Float64Array(trainIndex.rows * keep.length);
    for (let r = 0; r < trainIndex.rows; r++) {
      for (let k = 0; k < keep.length; k++) Xk[r * keep.length + k] = X[r * p + keep[k]];
    }
    X = Xk;
    features = keep.map((j) => features[j]);
    p = keep.length;
  }

  onProgress(0.5, "fitting");
  const model = fitLogistic({ data: X, rows: trainIndex.rows, cols: p }, yTrain, {
    l2: o.l2,
    featureNames: features.map((f) => f.label),
  });
  warnings.push(...model.warnings);

  onProgress(0.65, "rounding to whole points");
  // Whole points per occurrence, refined until rounding costs at most maxRoundingCost AUC.
  const exactTrain = new Float64Array(trainIndex.rows);
  for (let r = 0; r < trainIndex.rows; r++) {
    let e = 0;
    for (let j = 0; j < p; j++) e += model.coef[j] * X[r * p + j];
    exactTrain[r] = e;
  }
  let scaleOptions = o.scale;
  let scale = pointScale(model, scaleOptions);
  let points: number[] = [];
  let cost = NaN;
  const intTrain = new Float64Array(trainIndex.rows);
  for (let attempt = 0; attempt < 8; attempt++) {
    scale = pointScale(model, scaleOptions);
    points = model.coef.map((c) => Math.round(scale.factor * c));
    for (let r = 0; r < trainIndex.rows; r++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += points[j] * X[r * p + j];
      intTrain[r] = s;
    }
    cost = roundingCost(exactTrain, intTrain, yTrain);
    if (cost <= o.maxRoundingCost || attempt === 7) break;
    const finer: ScaleOptions = "maxPoints" in scaleOptions
      ? { maxPoints: scaleOptions.maxPoints * 2 }
      : { ...scaleOptions, pdo: (scaleOptions.pdo ?? 20) * 2 };
    warnings.push(
      `Rounding to whole points cost ${cost.toFixed(4)} AUC at ${describeScale(scale)}; trying ${
        "maxPoints" in finer ? `maxPoints ${finer.maxPoints}` : `pdo ${finer.pdo}`
      }`,
    );
    scaleOptions = finer;
  }

  const prefix = options.tag !== undefined ? `${options.tag}-` : "";
  const rules: EventRuleSpec[] = [];
  const pointsRows: PointsRow[] = [{
    feature: "(intercept)",
    label: "log-odds of a contact with no event (kept in the score-to-probability map)",
    field: "",
    ruleId: null,
    coef: model.intercept,
    stdErr: model.interceptStdErr,
    woe: null,
    exactPoints: scale.factor * model.intercept,
    points: 0,
  }];
  features.forEach((f, j) => {
    const row: PointsRow = {
      feature: f.label,
      label: f.label,
      field: f.column ?? "type",
      ruleId: null,
      coef: model.coef[j],
      stdErr: model.stdErr[j],
      woe: null,
      exactPoints: scale.factor * model.coef[j],
      points: points[j],
    };
    pointsRows.push(row);
    if (points[j] === 0) return;
    const rule = featureRule(f, points[j], prefix);
    if (options.tag !== undefined) rule.scopes = [{ tag: options.tag }];
    row.ruleId = rule.id;
    rules.push(rule);
  });
  const scoreToProbability: ScoreToProbability = {
    atZero: model.intercept,
    perPoint: 1 / scale.factor,
  };

  // Tiers from the training scores of contacts the engine would score (some match).
  const scored: number[] = [];
  for (let r = 0; r < trainIndex.rows; r++) {
    let any = false;
    for (let j = 0; j < p && !any; j++) any = points[j] !== 0 && X[r * p + j] !== 0;
    if (any) scored.push(intTrain[r]);
  }
  const config: ScoringConfigSpec = {
    format: CONFIG_FORMAT,
    name: options.name ??
      (options.tag ? `Temporal calibration for tag ${options.tag}` : "Temporal calibration"),
    window: o.halfLifeDays
      ? { lookbackDays: o.lookbackDays, halfLifeDays: o.halfLifeDays }
      : { lookbackDays: o.lookbackDays },
    rules,
    tiers: proposeTiers(scored.length ? scored : [0, 1]),
  };

  let holdout: CalibrationResult["holdout"] = null;
  let holdoutRows: CalibrationResult["holdoutRows"] = [];
  if (holdCutoffs.length) {
    onProgress(0.75, `scoring hold-out (${holdCutoffs.length} cutoffs)`);
    const holdIndex = makeIndex(holdCutoffs, holdContact ?? (() => true));
    const yh = labelsOf(holdIndex);
    const Xh = countFeatures(input.events, features, holdIndex, countOpts);
    const ints = engineScores(config, input.events, holdIndex, options.tag);
    holdoutRows = holdIndex.cutoffs.map((t, k) => ({ asOf: t, contactIds: holdIndex.ids[k] }));
    holdout = holdoutEvidence({
      model,
      design: { data: Xh, rows: holdIndex.rows, cols: p },
      labels: yh,
      scores: ints,
      trainScores: intTrain,
      scoreToProbability,
      evidence: o.evidence,
    });
  } else {
    warnings.push(NO_HOLDOUT_WARNING);
  }

  onProgress(1, "done");
  return {
    config,
    factors,
    model,
    scale,
    scoreToProbability,
    points: pointsRows,
    training: {
      rows: trainIndex.rows,
      converters: trainPos,
      roundingCost: cost,
      cutoffs: trainCutoffs,
    },
    holdout,
    scoreTable: scoreTable(intTrain, scoreToProbability),
    holdoutRows,
    warnings,
  };
}

/**
 * The engine's score of every row of `index` (the tag's scope for a per-tag config), one
 * engine run per cutoff with exactly the contacts eligible there.
 */
export function engineScores(
  config: ScoringConfigSpec,
  events: EventRow[],
  index: RowIndex & { ids: string[][] },
  tag?: string,
): Float64Array {
  const resolved = toScoringConfig(config);
  const out = new Float64Array(index.rows);
  index.cutoffs.forEach((t, k) => {
    const contacts = index.ids[k].map((id) => ({ contact_id: id }));
    if (contacts.length === 0) return;
    const result = scoreContacts(resolved, { events, contacts }, { asOf: [t] });
    for (const r of result.rows) {
      const row = index.rowOf[k].get(r.contactId);
      if (row !== undefined) out[row] = tag === undefined ? r.score : (r.scopes[`tag:${tag}`] ?? 0);
    }
  });
  return out;
}
