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
import { fitLogistic, type LogisticModel, predictLogit, sigmoid } from "./fit_logistic.ts";
import { evaluateScores } from "./evidence.ts";
import {
  averageFolds,
  chooseFromCurve,
  type CvPoint,
  DEFAULT_L2_GRID,
  designRows,
  type FoldOrder,
  l2Path,
  makeFolds,
} from "./_cv.ts";
import { independentColumns } from "./_linalg.ts";
import { pointScale, type ScaleOptions, type ScoreToProbability } from "./scale_points.ts";
import { describeScale } from "./calibrate_snapshot.ts";
import type { CalibrationResult, ModelSelection, PointsRow } from "./types.ts";
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
  /**
   * L2 penalty, or `"cv"` to choose it from `l2Grid` by time-ordered cross-validation over the
   * training cutoffs (each fold trains on cutoffs whose horizon ends before the cutoffs it
   * validates on). @default 0
   */
  l2?: number | "cv";
  /** Penalties tried by cross-validation. @default [0, 0.1, 0.3, 1, 3, 10, 30, 100, 300] */
  l2Grid?: number[];
  /** Time-ordered folds of the cross-validation (fewer when there are fewer cutoffs). @default 5 */
  folds?: number;
  /**
   * Look-back lengths (days) to choose from by the same cross-validation; the chosen one goes
   * into the config's window. @default [lookbackDays]
   */
  lookbackGrid?: number[];
  /** Half-lives (days, `null` for none) to choose from with `lookbackGrid`. @default [halfLifeDays] */
  halfLifeGrid?: (number | null)[];
  /**
   * Refit the shipped config on every cutoff and contact once the hold-out evidence is taken,
   * with the window and penalty chosen on the training cutoffs. @default true
   */
  refit?: boolean;
  /**
   * Also fit the plain regression on the hold-out's training rows and report it beside the
   * config: every candidate feature counted over `lookbackDays` / `halfLifeDays`,
   * standardized, L2 1. @default true
   */
  baseline?: boolean;
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
    l2Grid = [0, ...DEFAULT_L2_GRID],
    folds = 5,
    lookbackGrid,
    halfLifeGrid,
    refit = true,
    baseline = true,
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
  if (l2 !== "cv" && !(typeof l2 === "number" && l2 >= 0 && Number.isFinite(l2))) {
    throw new RangeError(
      `Cannot calibrate over time: l2 must be a number >= 0 or "cv", got "${l2}"`,
    );
  }
  if (!Array.isArray(l2Grid) || l2Grid.length === 0 || !l2Grid.every((x) => x >= 0)) {
    throw new RangeError(
      `Cannot calibrate over time: l2Grid must list penalties >= 0, got "${String(l2Grid)}"`,
    );
  }
  if (!Number.isInteger(folds) || folds < 2) {
    throw new RangeError(
      `Cannot calibrate over time: folds must be an integer >= 2, got "${folds}"`,
    );
  }
  for (const lb of lookbackGrid ?? []) {
    if (!(lb > 0) || !Number.isFinite(lb)) {
      throw new RangeError(`Cannot calibrate over time: lookbackGrid holds "${lb}", not days > 0`);
    }
  }
  for (const hl of halfLifeGrid ?? []) {
    if (hl !== null && (!(hl > 0) || !Number.isFinite(hl))) {
      throw new RangeError(
        `Cannot calibrate over time: halfLifeGrid holds "${hl}", not days > 0 or null`,
      );
    }
  }
  if (lookbackGrid?.length === 0 || halfLifeGrid?.length === 0) {
    throw new RangeError("Cannot calibrate over time: a window grid must not be empty");
  }
  const sorted = [...new Set(cutoffs)].sort((a, b) => a - b);
  let holdout = options.holdout === undefined ? defaultTemporalHoldout(sorted) : options.holdout;
  if (holdout && "fraction" in holdout && !(holdout.fraction >= 0 && holdout.fraction < 1)) {
    throw new RangeError(
      `Cannot calibrate over time: holdout fraction must be in [0, 1), got "${holdout.fraction}"`,
    );
  }
  if (holdout && "fraction" in holdout && holdout.fraction === 0) holdout = null;
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
    l2Grid,
    folds,
    lookbackGrid,
    halfLifeGrid,
    refit,
    baseline,
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
  const run: TemporalRun = { input, options, o };
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

  // Window and penalty: chosen by time-ordered cross-validation over the training cutoffs.
  const lookbackGrid = o.lookbackGrid ?? [o.lookbackDays];
  const halfLifeGrid = o.halfLifeGrid ?? [o.halfLifeDays];
  const windows = lookbackGrid.flatMap((lb) => halfLifeGrid.map((hl) => ({ lb, hl })));
  const windowName = (w: { lb: number; hl: number | null }) =>
    `lookback ${w.lb}, half-life ${w.hl ?? "none"}`;
  const searching = o.l2 === "cv" || windows.length > 1;
  let chosenL2 = typeof o.l2 === "number" ? o.l2 : 0;
  let chosenWindow = windows[0];
  let curve: CvPoint[] = [];
  let foldCount = 0;
  let foldOrder: FoldOrder = "time";
  const windowGrid: NonNullable<ModelSelection["window"]>["grid"] = [];
  if (searching) {
    const rowTimes = new Float64Array(trainIndex.rows);
    const rowIds: string[] = new Array(trainIndex.rows);
    trainIndex.cutoffs.forEach((t, k) => {
      for (const [id, r] of trainIndex.rowOf[k]) {
        rowTimes[r] = t;
        rowIds[r] = `${id}@${t}`;
      }
    });
    foldOrder = trainIndex.cutoffs.length >= 2 ? "time" : "random";
    const folds = makeFolds(
      rowIds,
      Math.min(o.folds, Math.max(2, trainIndex.cutoffs.length - 1)),
      foldOrder,
      {
        times: rowTimes,
      },
    ).map((f) => {
      if (foldOrder === "random") return f;
      // No training label may come from the validation rows' future.
      let first = Infinity;
      for (const r of f.valid) first = Math.min(first, rowTimes[r]);
      return { train: f.train.filter((r) => rowTimes[r] + horizonMs <= first), valid: f.valid };
    }).filter((f) => f.train.length > 0 && f.valid.length > 0);
    foldCount = folds.length;
    const grid = o.l2 === "cv" ? o.l2Grid : [o.l2];
    windows.forEach((w, wi) => {
      onProgress(
        0.1 + (0.35 * wi) / windows.length,
        windows.length > 1
          ? `choosing the window (${wi + 1}/${windows.length})`
          : `choosing the penalty (${folds.length} folds)`,
      );
      const prepared = prepareFeatures(run, w.lb, w.hl, trainIndex, yTrain, trainCutoffs, []);
      const X = { data: prepared.X, rows: trainIndex.rows, cols: prepared.p };
      const perFold = [];
      for (const f of folds) {
        const yT = f.train.map((r) => yTrain[r]);
        const yV = f.valid.map((r) => yTrain[r]);
        const pos = yT.reduce((a, b) => a + b, 0);
        if (pos === 0 || pos === yT.length) continue;
        perFold.push(l2Path(designRows(X, f.train), yT, designRows(X, f.valid), yV, grid));
      }
      const points = averageFolds(windowName(w), perFold);
      curve.push(...points);
      const best = points.length ? chooseFromCurve(points) : null;
      windowGrid.push({
        lookbackDays: w.lb,
        halfLifeDays: w.hl,
        auc: best?.auc ?? NaN,
        logLoss: best?.logLoss ?? NaN,
      });
    });
    if (curve.length) {
      const best = chooseFromCurve(curve);
      chosenL2 = best.l2;
      chosenWindow = windows.find((w) => windowName(w) === best.variant) ?? windows[0];
    } else {
      warnings.push("No cross-validation fold had both outcomes; fitted without a penalty");
    }
    if (windows.length === 1) curve = curve.map((c) => ({ ...c, variant: "counts" }));
  }
  const lookbackDays = chosenWindow.lb;
  const halfLifeDays = chosenWindow.hl;
  const countOpts = { lookbackDays, halfLifeDays };
  const selection: ModelSelection = {
    encoding: "counts",
    l2: chosenL2,
    by: o.l2 === "cv" && curve.length ? "cross-validation" : "given",
    folds: foldCount,
    foldOrder,
    curve,
    ...(windows.length > 1
      ? {
        window: {
          lookbackDays,
          halfLifeDays,
          by: curve.length ? "cross-validation" as const : "given" as const,
          grid: windowGrid,
        },
      }
      : {}),
  };

  onProgress(0.45, `counting features (${trainCutoffs.length} cutoffs)`);
  const prepared = prepareFeatures(
    run,
    lookbackDays,
    halfLifeDays,
    trainIndex,
    yTrain,
    trainCutoffs,
    warnings,
  );
  const { X, p, factors } = prepared;
  let features = prepared.features;

  onProgress(0.5, "fitting");
  let model = fitLogistic({ data: X, rows: trainIndex.rows, cols: p }, yTrain, {
    l2: chosenL2,
    featureNames: features.map((f) => f.label),
  });
  warnings.push(...model.warnings);

  onProgress(0.65, "rounding to whole points");
  const built = toTemporalConfig(
    run,
    countOpts,
    model,
    X,
    p,
    trainIndex.rows,
    yTrain,
    features,
    warnings,
  );
  let { config, scale, scoreToProbability, pointsRows, cost } = built;
  const intTrain = built.intTrain;

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
    if (o.baseline) {
      // The plain regression: every candidate feature counted over the given window (no
      // screening, no window search), standardized, L2 1, on the same training rows.
      const base = options.features ??
        candidateFeatures(input.events, trainCutoffs, o.lookbackDays, options.candidates);
      const given = { lookbackDays: o.lookbackDays, halfLifeDays: o.halfLifeDays };
      const Xb = countFeatures(input.events, base, trainIndex, given);
      const Xbh = countFeatures(input.events, base, holdIndex, given);
      const q = base.length;
      for (let j = 0; j < q; j++) {
        let m = 0;
        for (let r = 0; r < trainIndex.rows; r++) m += Xb[r * q + j];
        m /= trainIndex.rows;
        let v = 0;
        for (let r = 0; r < trainIndex.rows; r++) v += (Xb[r * q + j] - m) ** 2;
        const sd = Math.sqrt(v / trainIndex.rows) || 1;
        for (let r = 0; r < trainIndex.rows; r++) Xb[r * q + j] = (Xb[r * q + j] - m) / sd;
        for (let r = 0; r < holdIndex.rows; r++) Xbh[r * q + j] = (Xbh[r * q + j] - m) / sd;
      }
      const plain = fitLogistic({ data: Xb, rows: trainIndex.rows, cols: q }, yTrain, { l2: 1 });
      const eta = predictLogit(plain, { data: Xbh, rows: holdIndex.rows, cols: q });
      holdout.baseline = evaluateScores(eta, eta.map(sigmoid), yh, o.evidence);
    }
  } else {
    warnings.push(NO_HOLDOUT_WARNING);
  }

  // The shipped config: the chosen window and penalty refitted on every row.
  let refit: CalibrationResult["refit"] = null;
  let evaluated: CalibrationResult["evaluated"];
  let shippedFactors = factors;
  let shippedInts: Float64Array = intTrain;
  if (o.refit && holdCutoffs.length) {
    onProgress(0.9, "refitting on every row");
    evaluated = { config, scoreToProbability };
    const allCutoffs = o.cutoffs;
    const allIndex = makeIndex(allCutoffs, () => true);
    const yAll = labelsOf(allIndex);
    const notes: string[] = [];
    const again = prepareFeatures(
      run,
      lookbackDays,
      halfLifeDays,
      allIndex,
      yAll,
      allCutoffs,
      notes,
    );
    const refitted = fitLogistic({ data: again.X, rows: allIndex.rows, cols: again.p }, yAll, {
      l2: chosenL2,
      featureNames: again.features.map((f) => f.label),
    });
    notes.push(...refitted.warnings);
    const b = toTemporalConfig(
      run,
      countOpts,
      refitted,
      again.X,
      again.p,
      allIndex.rows,
      yAll,
      again.features,
      notes,
    );
    warnings.push(...notes.map((w) => `[refit on every row] ${w}`));
    ({ config, scale, scoreToProbability, pointsRows, cost } = b);
    shippedInts = b.intTrain;
    shippedFactors = again.factors;
    model = refitted;
    features = again.features;
    refit = {
      rows: allIndex.rows,
      converters: yAll.reduce((a, v) => a + v, 0),
      cutoffs: allCutoffs,
    };
  }

  onProgress(1, "done");
  return {
    config,
    factors: shippedFactors,
    model,
    selection,
    refit,
    ...(evaluated ? { evaluated } : {}),
    evidenceFrom: holdout ? "holdout" : "cross-validation",
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
    scoreTable: scoreTable(shippedInts, scoreToProbability),
    holdoutRows,
    warnings,
  };
}

/** What the steps of `calibrateTemporal` read: the input and the options, given and checked. */
interface TemporalRun {
  input: TemporalInput;
  options: TemporalOptions;
  o: ReturnType<typeof _checkTemporal>;
}

/** Features: counted, screened and freed of exact duplicates and sums, for one window. */
function prepareFeatures(
  { input, options, o }: TemporalRun,
  lookbackDays: number,
  halfLifeDays: number | null,
  index: RowIndex,
  labels: Uint8Array,
  cutoffsUsed: number[],
  notes: string[],
) {
  let features = options.features ??
    candidateFeatures(input.events, cutoffsUsed, lookbackDays, options.candidates);
  let X = countFeatures(input.events, features, index, { lookbackDays, halfLifeDays });
  let p = features.length;
  const factors: Factor[] = [];
  const keep: number[] = [];
  const seenColumns = new Map<string, string>();
  for (let j = 0; j < p; j++) {
    const col = new Float64Array(index.rows);
    let h = 0;
    let nonzero = 0;
    for (let r = 0; r < index.rows; r++) {
      const v = X[r * p + j];
      col[r] = v;
      if (v !== 0) {
        nonzero++;
        h = (Math.imul(h ^ r, 0x01000193) + Math.round(v * 1e6)) | 0;
      }
    }
    const f = features[j];
    if (nonzero === 0) {
      notes.push(`Feature "${f.label}" never occurs in a training window; left out`);
      continue;
    }
    const name = f.column === undefined ? f.on : `${f.on} ${f.column}=${f.value}`;
    const factor = binFeature(name, col, labels, {
      maxBins: 5,
      monotonic: false,
      numeric: true,
    });
    factor.field = f.label;
    factors.push(factor);
    const key = `${nonzero}:${h}`;
    if (seenColumns.has(key)) {
      notes.push(`Feature "${f.label}" counts exactly as "${seenColumns.get(key)}"; left out`);
      continue;
    }
    // Event types always stay: a rare type (an unsubscribe) has a small IV yet a large effect.
    if (!options.features && f.column !== undefined && factor.iv < o.minIv) {
      notes.push(
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
    const sub = new Float64Array(index.rows * keep.length);
    for (let r = 0; r < index.rows; r++) {
      for (let k = 0; k < keep.length; k++) sub[r * keep.length + k] = X[r * p + keep[k]];
    }
    const independent = new Set(independentColumns(sub, index.rows, keep.length));
    for (let k = keep.length - 1; k >= 0; k--) {
      if (!independent.has(k)) {
        notes.push(
          `Feature "${features[keep[k]].label}" is a sum of features before it; left out`,
        );
        keep.splice(k, 1);
      }
    }
  }
  if (keep.length < p) {
    const Xk = new Float64Array(index.rows * keep.length);
    for (let r = 0; r < index.rows; r++) {
      for (let k = 0; k < keep.length; k++) Xk[r * keep.length + k] = X[r * p + keep[k]];
    }
    X = Xk;
    features = keep.map((j) => features[j]);
    p = keep.length;
  }
  return { features, X, p, factors };
}

/** Whole points of a fitted model, its rules, tiers and score map, for the chosen window. */
function toTemporalConfig(
  { options, o }: TemporalRun,
  { lookbackDays, halfLifeDays }: { lookbackDays: number; halfLifeDays: number | null },
  model: LogisticModel,
  X: Float64Array,
  p: number,
  rowCount: number,
  labels: Uint8Array,
  features: EventFeature[],
  notes: string[],
) {
  // Whole points per occurrence, refined until rounding costs at most maxRoundingCost AUC.
  const exactTrain = new Float64Array(rowCount);
  for (let r = 0; r < rowCount; r++) {
    let e = 0;
    for (let j = 0; j < p; j++) e += model.coef[j] * X[r * p + j];
    exactTrain[r] = e;
  }
  let scaleOptions = o.scale;
  let scale = pointScale(model, scaleOptions);
  let points: number[] = [];
  let cost = NaN;
  const intTrain = new Float64Array(rowCount);
  for (let attempt = 0; attempt < 8; attempt++) {
    scale = pointScale(model, scaleOptions);
    points = model.coef.map((c) => Math.round(scale.factor * c));
    for (let r = 0; r < rowCount; r++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += points[j] * X[r * p + j];
      intTrain[r] = s;
    }
    cost = roundingCost(exactTrain, intTrain, labels);
    if (cost <= o.maxRoundingCost || attempt === 7) break;
    const finer: ScaleOptions = "maxPoints" in scaleOptions
      ? { maxPoints: scaleOptions.maxPoints * 2 }
      : { ...scaleOptions, pdo: (scaleOptions.pdo ?? 20) * 2 };
    notes.push(
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
  for (let r = 0; r < rowCount; r++) {
    let any = false;
    for (let j = 0; j < p && !any; j++) any = points[j] !== 0 && X[r * p + j] !== 0;
    if (any) scored.push(intTrain[r]);
  }
  const config: ScoringConfigSpec = {
    format: CONFIG_FORMAT,
    name: options.name ??
      (options.tag ? `Temporal calibration for tag ${options.tag}` : "Temporal calibration"),
    window: halfLifeDays ? { lookbackDays, halfLifeDays } : { lookbackDays },
    rules,
    tiers: proposeTiers(scored.length ? scored : [0, 1]),
  };
  return { config, scale, scoreToProbability, pointsRows, cost, intTrain };
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
