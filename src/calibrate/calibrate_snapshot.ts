/**
 * Snapshot calibration: contacts with a label column -> attribute rules. Each kept column is
 * binned finely and merged where the evidence does not separate bins; then either one
 * coefficient per bin with a ridge penalty (dummy coding) or one coefficient per column on
 * the bins' WoE (the classic scorecard), whichever cross-validates better on the training
 * rows, with the penalty chosen on the same folds. Every bin becomes an attribute rule; a
 * `base` rule (on `contact_id`, which every contact has) carries the constant, so scores
 * sit on the requested points-to-double-odds scale. The shipped config is refitted on every
 * row; the hold-out (or the cross-validation alone) is the evidence.
 */
import type { AttributeRuleSpec, ScoringConfigSpec } from "../config/types.ts";
import { CONFIG_FORMAT } from "../config/types.ts";
import { toScoringConfig } from "../config/mod.ts";
import type { ContactRow } from "../tables/mod.ts";
import { scoreContacts } from "../engine/mod.ts";
import {
  binFeature,
  binIndex,
  binListFeature,
  type BinningOptions,
  type Factor,
} from "./factors.ts";
import { type DesignMatrix, fitLogistic, type LogisticModel, sigmoid } from "./fit_logistic.ts";
import { independentColumns } from "./_linalg.ts";
import {
  averageFolds,
  chooseFromCurve,
  chooseOneSe,
  type CvPoint,
  DEFAULT_L2_GRID,
  type FoldOrder,
  l2Path,
  makeFolds,
} from "./_cv.ts";
import { fitPlainRegression, predictPlain } from "./plain_regression.ts";
import { evaluateScores } from "./evidence.ts";
import {
  type PointScale,
  pointScale,
  type ScaleOptions,
  type ScoreToProbability,
} from "./scale_points.ts";
import type { EvidenceOptions } from "./evidence.ts";
import { holdoutEvidence } from "./_holdout_evidence.ts";
import type { CalibrationResult, HoldoutSpec, ModelSelection, PointsRow } from "./types.ts";
import {
  hashUniform,
  parseLabel,
  proposeTiers,
  roundingCost,
  scoreTable,
  slug,
  uniqueIds,
} from "./_common.ts";

/** Options for `calibrateSnapshot`. */
export interface SnapshotOptions {
  /** Label column: 0/1, true/false or yes/no. */
  label: string;
  /** Columns never used as features (besides ids, contact details and the label). @default [] */
  exclude?: string[];
  /** Only these columns are used when given. @default every other column */
  include?: string[];
  /**
   * Rows held out for the evidence. `null` or `{ fraction: 0 }`: none, and the
   * cross-validation on the training rows is the only evidence.
   * @default { fraction: 0.3, seed: 1 }
   */
  holdout?: HoldoutSpec | null;
  /** Columns below this information value are left out. @default 0.02 */
  minIv?: number;
  /** How columns are binned into factors; merged over the fine binning defaults (`FINE_BINNING`). */
  binning?: BinningOptions;
  /** Columns whose values are unordered categories even when they are numbers (codes). @default [] */
  categorical?: string[];
  /**
   * `"dummy"`: one coefficient per bin with a ridge penalty; `"steps"`: the same, but a
   * numeric column's coefficients are the steps between adjacent bins, so the penalty
   * smooths its points along the values; `"woe"`: one coefficient per column on the bins'
   * weight of evidence; `"linear"`: a numeric column gets one slope on its values
   * (standardized, held within the training range), written as whole-point steps of the line,
   * so a value between two training values is placed on the line; categories one coefficient
   * each; `"auto"`: dummy, linear or WoE, whichever
   * cross-validates best.
   * @default "auto"
   */
  encoding?: "auto" | "dummy" | "steps" | "linear" | "woe";
  /** L2 penalty of the fit, or `"cv"` to choose it from `l2Grid` by cross-validation. @default "cv" */
  l2?: number | "cv";
  /** Penalties tried by cross-validation. @default [0.1, 0.3, 1, 3, 10, 30, 100, 300] */
  l2Grid?: number[];
  /** Folds of the cross-validation. @default 5 */
  folds?: number;
  /**
   * `"random"` (by a hash of the id) or `"time"` (by `timeColumn`, each fold validated on
   * rows after the ones it trains on). @default "time" with an out-of-time hold-out, else "random"
   */
  foldOrder?: FoldOrder;
  /**
   * How the cross-validation curve picks the encoding and penalty. `"best"`: the lowest mean
   * validation log-loss. `"one-se"`: of the settings within one standard error of that
   * lowest log-loss, the one with the fewest fitted parameters, then the strongest penalty:
   * when the folds cannot tell settings apart the simplest is kept, the safer bet on later
   * data that drift away from every fold.
   * @default "one-se" with time-ordered folds, else "best"
   */
  selectionRule?: "best" | "one-se";
  /** Contact column ordering time-ordered folds. @default the hold-out's timeColumn, else "created_at" */
  timeColumn?: string;
  /** Refit the shipped config on every row once the hold-out evidence is taken. @default true */
  refit?: boolean;
  /** Fit the plain-regression baseline on the same training rows and report it on the hold-out. @default true */
  baseline?: boolean;
  /** How coefficients become points. @default { pdo: 20, baseScore: 100, baseOdds: 1 } */
  scale?: ScaleOptions;
  /** Largest AUC the whole-number points may lose against the exact fit on training rows; a finer scale is tried until it holds. @default 0.002 */
  maxRoundingCost?: number;
  /** Config name. @default "Snapshot calibration on <label>" */
  name?: string;
  /** Bootstrap settings of the hold-out evidence. */
  evidence?: EvidenceOptions;
  /** Prefix of every rule id (per-tag calibration uses the tag). @default "" */
  idPrefix?: string;
}

/**
 * Binning of snapshot calibration: up to 20 starting bins (one per value when there are no
 * more), merged below 1 % of the rows or where adjacent rates do not differ at the 5 % level;
 * up to 50 categories by name; no forced monotonic trend (ridge and CV keep noise in check).
 */
export const FINE_BINNING: BinningOptions = {
  maxBins: 20,
  minBinShare: 0.01,
  mergeSignificance: 0.05,
  monotonic: false,
  maxCategories: 50,
};

const NEVER_FEATURES = new Set(["contact_id", "phone", "email", "created_at"]);

function _checkSnapshot(contacts: ContactRow[], options: SnapshotOptions) {
  const {
    label,
    exclude = [],
    include,
    minIv = 0.02,
    binning = {},
    categorical = [],
    encoding = "auto",
    l2 = "cv",
    l2Grid = DEFAULT_L2_GRID,
    folds = 5,
    refit = true,
    baseline = true,
    scale = { pdo: 20, baseScore: 100, baseOdds: 1 },
    maxRoundingCost = 0.002,
    evidence = {},
  } = options;
  let holdout = options.holdout === undefined ? { fraction: 0.3, seed: 1 } : options.holdout;
  if (!Array.isArray(contacts)) {
    throw new TypeError("Cannot calibrate: contacts must be an array of rows");
  }
  if (typeof label !== "string" || label === "") {
    throw new TypeError(`Cannot calibrate: label must name a contact column, got "${label}"`);
  }
  if (contacts.length === 0) throw new RangeError("Cannot calibrate: no contacts");
  if (!(minIv >= 0)) throw new RangeError(`Cannot calibrate: minIv must be >= 0, got "${minIv}"`);
  if (!(maxRoundingCost > 0)) {
    throw new RangeError(`Cannot calibrate: maxRoundingCost must be > 0, got "${maxRoundingCost}"`);
  }
  if (holdout && "fraction" in holdout && !(holdout.fraction >= 0 && holdout.fraction < 1)) {
    throw new RangeError(
      `Cannot calibrate: holdout fraction must be in [0, 1), got "${holdout.fraction}"`,
    );
  }
  if (holdout && "fraction" in holdout && holdout.fraction === 0) holdout = null;
  if (holdout && "after" in holdout && !Number.isFinite(holdout.after)) {
    throw new RangeError(
      `Cannot calibrate: holdout "after" must be an instant in epoch ms, got "${holdout.after}"`,
    );
  }
  if (!["auto", "dummy", "steps", "linear", "woe"].includes(encoding)) {
    throw new RangeError(
      `Cannot calibrate: encoding must be "auto", "dummy", "steps", "linear" or "woe", got "${encoding}"`,
    );
  }
  if (l2 !== "cv" && !(typeof l2 === "number" && l2 >= 0 && Number.isFinite(l2))) {
    throw new RangeError(`Cannot calibrate: l2 must be a number >= 0 or "cv", got "${l2}"`);
  }
  if (!Array.isArray(l2Grid) || l2Grid.length === 0 || !l2Grid.every((x) => x >= 0)) {
    throw new RangeError(
      `Cannot calibrate: l2Grid must list penalties >= 0, got "${String(l2Grid)}"`,
    );
  }
  if (!Number.isInteger(folds) || folds < 2) {
    throw new RangeError(`Cannot calibrate: folds must be an integer >= 2, got "${folds}"`);
  }
  const foldOrder = options.foldOrder ?? (holdout && "after" in holdout ? "time" : "random");
  if (foldOrder !== "random" && foldOrder !== "time") {
    throw new RangeError(
      `Cannot calibrate: foldOrder must be "random" or "time", got "${foldOrder}"`,
    );
  }
  const selectionRule = options.selectionRule ?? (foldOrder === "time" ? "one-se" : "best");
  if (selectionRule !== "best" && selectionRule !== "one-se") {
    throw new RangeError(
      `Cannot calibrate: selectionRule must be "best" or "one-se", got "${selectionRule}"`,
    );
  }
  const timeColumn = options.timeColumn ??
    (holdout && "after" in holdout ? holdout.timeColumn : undefined) ?? "created_at";
  return {
    label,
    exclude,
    include,
    holdout,
    minIv,
    binning: { ...FINE_BINNING, ...binning },
    categorical: new Set(categorical.map((c) => c.toLowerCase())),
    encoding,
    l2,
    l2Grid,
    folds,
    foldOrder,
    selectionRule,
    timeColumn,
    refit,
    baseline,
    scale,
    maxRoundingCost,
    evidence,
  };
}

/** Scores of the rows under an attribute config, by the engine itself. */
function engineScores(config: ScoringConfigSpec, contacts: ContactRow[]): Map<string, number> {
  const result = scoreContacts(toScoringConfig(config), { contacts }, { asOf: [0] });
  return new Map(result.rows.map((r) => [r.contactId, r.score]));
}

type Encoding = "dummy" | "steps" | "linear" | "woe";

/** Whether a factor is coded as one slope on its bins' standardized mean values. */
function isLinear(f: Factor, encoding: Encoding): boolean {
  return encoding === "linear" && f.type === "numeric" && f.bins[0]?.kind === "range";
}

/** Whether a factor is coded as steps between its ordered range bins. */
function isStepped(f: Factor, encoding: Encoding): boolean {
  return encoding === "steps" && f.type === "numeric" && f.bins[0]?.kind === "range";
}

/** Range, mean and spread of a numeric column's values on the rows a scorecard is fitted on. */
interface LinearScale {
  lo: number;
  hi: number;
  mu: number;
  sd: number;
  /** Every value seen is a whole number (counts, days): steps are cut at whole numbers. */
  integer: boolean;
}

/** A linear column: its scale and slope (log-odds per standard deviation). */
interface LinearTerm extends LinearScale {
  slope: number;
}

/**
 * The linear encoding's input: the value held within the training range, standardized. Later
 * values beyond the range score as its end (no extrapolation past what was seen).
 */
function linearZ(s: LinearScale, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) return 0;
  return (Math.min(Math.max(v, s.lo), s.hi) - s.mu) / s.sd;
}

/** One whole-point step of a line: values in `[lo, hi)` (`null`: open) get `points`. */
interface LinearStep {
  lo: number | null;
  hi: number | null;
  points: number;
  /** The line's points at the middle of the step (within the training range). */
  exact: number;
}

/**
 * A line at `factor` points per log-odds unit as whole-point steps: each step holds the values
 * whose points round to the same whole number, cut where the line crosses a half point (cuts
 * kept to 6 significant digits, so the config's bounds are the cuts used here; on a column of
 * whole numbers, moved up to the next whole number, so every step holds one); the end steps
 * are open, so values beyond the training range score as its ends.
 */
function linearSteps(t: LinearTerm, factor: number): LinearStep[] {
  const a = (factor * t.slope) / t.sd; // points per unit of the column
  const at = (x: number) => a * (Math.min(Math.max(x, t.lo), t.hi) - t.mu);
  const k1 = Math.round(at(t.lo));
  const k2 = Math.round(at(t.hi));
  const cuts: number[] = [];
  if (k1 !== k2 && a !== 0 && Number.isFinite(a)) {
    const dir = k2 > k1 ? 1 : -1;
    for (let k = k1; k !== k2; k += dir) {
      const cut = t.mu + (k + dir * 0.5) / a;
      const x = t.integer ? Math.ceil(cut) : Number(cut.toPrecision(6));
      if (x > t.lo && x <= t.hi && (cuts.length === 0 || x > cuts[cuts.length - 1])) cuts.push(x);
    }
  }
  const steps: LinearStep[] = [];
  for (let i = 0; i <= cuts.length; i++) {
    const lo = i === 0 ? null : cuts[i - 1];
    const hi = i === cuts.length ? null : cuts[i];
    const mid = ((lo ?? t.lo) + (hi ?? t.hi)) / 2;
    // On whole numbers the step's first one stands for it (the middle may fall between cuts).
    const x = t.integer ? (lo ?? t.lo) : mid;
    steps.push({ lo, hi, points: Math.round(at(x)), exact: at(mid) });
  }
  return steps;
}

/** Points of value `v` under `steps` (the step whose `[lo, hi)` holds it). */
function stepPoints(steps: LinearStep[], v: number): number {
  let lo = 0;
  let hi = steps.length - 1;
  while (lo < hi) {
    const m = (lo + hi + 1) >> 1;
    if (v >= steps[m].lo!) lo = m;
    else hi = m - 1;
  }
  return steps[lo].points;
}

/**
 * Parameters an encoding fits beyond the constant, for the one-standard-error rule. A
 * column's bins cost one fewer than their number (together they repeat the constant) under
 * dummy, steps and WoE alike: WoE estimates each bin's log-odds from the labels before its
 * one coefficient scales them. A linear numeric column costs its slope and its other bins.
 */
function parameterCount(used: Factor[], encoding: Encoding): number {
  return used.reduce(
    (s, f) =>
      s +
      (isLinear(f, encoding)
        ? 1 + f.bins.filter((b) => b.kind !== "range").length
        : f.bins.length - 1),
    0,
  );
}

/** A scorecard fitted on some rows: its factors, model and per-bin log-odds. */
interface Scorecard {
  factors: Factor[];
  used: Factor[];
  encoding: Encoding;
  model: LogisticModel;
  selection: ModelSelection;
  /** Per used factor and bin, the bin's part of the log-odds. */
  contrib: number[][];
  /** Per used factor, its line when coded linear (its range bins' `contrib` are then 0). */
  linear: (LinearTerm | null)[];
  /** The coefficient and standard error shown per bin (the step's, for `"steps"`). */
  binCoef: { coef: number; stdErr: number }[][];
  /** Log-odds of a contact whose every bin contributes 0. */
  intercept: number;
  /** Bin index per row and used factor (-1: no bin), for `rows` as given. */
  binOf: (rows: number[]) => Int32Array;
  design: (rows: number[]) => DesignMatrix;
  warnings: string[];
}

/**
 * Fits attribute points on `contacts` against `options.label` and returns the config with
 * its evidence (factors, model and how it was chosen, points, hold-out metrics for the exact
 * fit, for the whole-number config as the engine scores it and for the plain-regression
 * baseline).
 */
export function calibrateSnapshot(
  contacts: ContactRow[],
  options: SnapshotOptions,
): CalibrationResult {
  const o = _checkSnapshot(contacts, options);
  const warnings: string[] = [];
  const labelKey = Object.keys(contacts[0]).find((k) => k.toLowerCase() === o.label.toLowerCase());
  if (!labelKey) {
    throw new RangeError(
      `Cannot calibrate: label column "${o.label}" is not among the contact columns (${
        Object.keys(contacts[0]).join(", ")
      })`,
    );
  }
  const seenIds = new Set<string>();
  const y = new Uint8Array(contacts.length);
  contacts.forEach((c, i) => {
    if (seenIds.has(c.contact_id)) {
      throw new RangeError(`Cannot calibrate: contact "${c.contact_id}" appears twice`);
    }
    seenIds.add(c.contact_id);
    y[i] = parseLabel(c[labelKey], labelKey, c.contact_id);
  });

  // Split.
  const isHoldout = new Uint8Array(contacts.length);
  if (o.holdout && "fraction" in o.holdout) {
    const seed = o.holdout.seed ?? 1;
    const fraction = o.holdout.fraction;
    contacts.forEach((c, i) => (isHoldout[i] = hashUniform(c.contact_id, seed) < fraction ? 1 : 0));
  } else if (o.holdout && "after" in o.holdout) {
    const col = o.holdout.timeColumn ?? "created_at";
    let missing = 0;
    contacts.forEach((c, i) => {
      const t = c[col];
      if (typeof t !== "number") missing++;
      else isHoldout[i] = t > (o.holdout as { after: number }).after ? 1 : 0;
    });
    if (missing) warnings.push(`${missing} contacts have no "${col}" and stay in training`);
  }
  const train: number[] = [];
  const hold: number[] = [];
  isHoldout.forEach((h, i) => (h ? hold : train).push(i));
  if (train.length === 0) {
    throw new RangeError("Cannot calibrate: the hold-out leaves no training contacts");
  }
  const yTrain = train.map((i) => y[i]);
  const trainPos = yTrain.reduce((s, v) => s + v, 0);
  if (trainPos === 0 || trainPos === train.length) {
    throw new RangeError(`Cannot calibrate: every training contact has label ${trainPos ? 1 : 0}`);
  }
  let times: Float64Array | null = null;
  let foldOrder = o.foldOrder;
  if (foldOrder === "time") {
    times = new Float64Array(contacts.length);
    let missing = 0;
    contacts.forEach((c, i) => {
      const t = c[o.timeColumn];
      if (typeof t === "number") times![i] = t;
      else missing++;
    });
    if (missing && options.foldOrder === "time") {
      throw new RangeError(
        `Cannot order cross-validation folds in time: ${missing} contacts have no "${o.timeColumn}"`,
      );
    }
    if (missing) {
      // Chosen by default for an out-of-time hold-out: undated rows make time order moot.
      warnings.push(
        `${missing} contacts have no "${o.timeColumn}": cross-validation folds drawn at random`,
      );
      foldOrder = "random";
      times = null;
    }
  }

  // Candidate columns.
  const columns = new Set<string>();
  for (const c of contacts) for (const k of Object.keys(c)) columns.add(k);
  const excluded = new Set([...o.exclude.map((s) => s.toLowerCase()), labelKey.toLowerCase()]);
  const candidates = [...columns].filter((k) =>
    !NEVER_FEATURES.has(k) && !excluded.has(k.toLowerCase()) &&
    (!o.include || o.include.some((x) => x.toLowerCase() === k.toLowerCase()))
  );
  for (const c of o.categorical) {
    if (![...columns].some((k) => k.toLowerCase() === c)) {
      throw new RangeError(
        `Cannot calibrate: categorical column "${c}" is not among the contact columns`,
      );
    }
  }
  const skipped: string[] = [];
  const identifiers = new Set<string>();
  const listColumns = new Set<string>();
  for (const col of candidates) {
    const values = train.map((i) => contacts[i][col]);
    if (values.some(Array.isArray)) {
      listColumns.add(col);
      continue;
    }
    const distinctText = new Set(values.filter((v) => typeof v === "string"));
    if (distinctText.size > 0.5 * train.length && distinctText.size > 50) {
      identifiers.add(col);
      skipped.push(col);
      warnings.push(
        `Column "${col}" looks like an identifier (${distinctText.size} distinct values); left out`,
      );
      continue;
    }
    if (!o.categorical.has(col.toLowerCase())) {
      const distinct = new Set(values.filter((v) => typeof v === "number"));
      if (
        distinct.size >= 3 && distinct.size <= 50 && [...distinct].every(Number.isInteger) &&
        values.every((v) => v === null || v === undefined || v === "" || typeof v === "number")
      ) {
        warnings.push(
          `Column "${col}" holds ${distinct.size} whole numbers, binned as ordered ranges; if they are codes, declare it categorical`,
        );
      }
    }
  }
  const features = candidates.filter((c) => !identifiers.has(c));

  /** Factors of `rows`: binned, single bins and weak ones left out, exact duplicates too. */
  const buildFactors = (rows: number[], yRows: ArrayLike<number>, notes: string[]) => {
    const factors: Factor[] = [];
    for (const col of features) {
      const values = rows.map((i) => contacts[i][col]);
      const fs = listColumns.has(col)
        ? binListFeature(col, values, yRows, { ...o.binning, mergeSignificance: null })
        : [
          binFeature(col, values, yRows, {
            ...o.binning,
            categorical: o.categorical.has(col.toLowerCase()),
          }),
        ];
      for (const f of fs) {
        if (f.bins.length < 2) {
          notes.push(`Column "${col}" has a single bin; left out`);
          continue;
        }
        if (f.iv > 0.5) {
          notes.push(
            `Column "${col}" has information value ${
              f.iv.toFixed(3)
            } (> 0.5): check it is known before the outcome`,
          );
        }
        factors.push(f);
      }
    }
    for (const f of factors) {
      if (f.type !== "numeric" || f.bins[0]?.kind !== "range") continue;
      // The linear encoding's scale: the values' range, mean and spread on these rows.
      let n = 0;
      let sum = 0;
      let lo = Infinity;
      let hi = -Infinity;
      let integer = true;
      for (const i of rows) {
        const v = contacts[i][f.field];
        if (typeof v !== "number" || !Number.isFinite(v)) continue;
        if (!Number.isInteger(v)) integer = false;
        n++;
        sum += v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const mu = n ? sum / n : 0;
      let v2 = 0;
      for (const i of rows) {
        const v = contacts[i][f.field];
        if (typeof v === "number" && Number.isFinite(v)) v2 += (v - mu) ** 2;
      }
      const sd = Math.sqrt(n ? v2 / n : 0) || 1;
      linearScale.set(f, { lo: n ? lo : 0, hi: n ? hi : 0, mu, sd, integer });
    }
    const used: Factor[] = [];
    const partitions = new Map<string, Factor>();
    for (const f of factors) {
      if (f.iv < o.minIv) {
        notes.push(
          `"${featureName(f)}" has information value ${f.iv.toFixed(4)} < ${o.minIv}; left out`,
        );
        continue;
      }
      // Two columns that split the rows the same way would share one effect between them.
      let h = 0;
      for (const i of rows) {
        h = (Math.imul(h, 0x01000193) + binIndex(f, contacts[i][f.field] as never) + 2) | 0;
      }
      const key = `${f.bins.length}:${h}`;
      const twin = partitions.get(key);
      if (twin) {
        notes.push(
          `"${featureName(f)}" splits the rows exactly as "${featureName(twin)}"; left out`,
        );
        continue;
      }
      partitions.set(key, f);
      used.push(f);
    }
    return { factors, used };
  };

  const linearScale = new WeakMap<Factor, LinearScale>();

  const binMatrix = (used: Factor[], rows: number[]) => {
    const out = new Int32Array(rows.length * used.length);
    rows.forEach((i, r) => {
      used.forEach((f, j) => {
        out[r * used.length + j] = binIndex(f, contacts[i][f.field] as never);
      });
    });
    return out;
  };

  /** Design of `rows` (contact positions) whose bins are `bins`. */
  const designOf = (used: Factor[], encoding: Encoding, bins: Int32Array, rows: number[]) => {
    const n = rows.length;
    const p = used.length;
    if (encoding === "woe") {
      const data = new Float64Array(n * p);
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < p; j++) {
          const b = bins[r * p + j];
          data[r * p + j] = b < 0 ? 0 : used[j].bins[b].woe;
        }
      }
      return { data, rows: n, cols: p };
    }
    const offset: number[] = [];
    let width = 0;
    for (const f of used) {
      offset.push(width);
      width += isStepped(f, encoding)
        ? f.bins.length - 1
        : isLinear(f, encoding)
        ? 1 + f.bins.filter((b) => b.kind !== "range").length
        : f.bins.length;
    }
    const data = new Float64Array(n * width);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < p; j++) {
        const b = bins[r * p + j];
        if (b < 0) continue;
        const o = r * width + offset[j];
        if (isLinear(used[j], encoding)) {
          if (used[j].bins[b].kind === "range") {
            data[o] = linearZ(linearScale.get(used[j])!, contacts[rows[r]][used[j].field]);
          } else data[o + 1 + b - used[j].bins.filter((x) => x.kind === "range").length] = 1;
        } else if (!isStepped(used[j], encoding)) data[o + b] = 1;
        else if (used[j].bins[b].kind !== "range") data[o + b - 1] = 1;
        else for (let s = 1; s <= b; s++) data[o + s - 1] = 1;
      }
    }
    return { data, rows: n, cols: width };
  };

  // The effective fold order decides the default rule (undated rows fall back to random).
  const selectionRule = options.selectionRule ?? (foldOrder === "time" ? "one-se" : "best");
  const encodings: Encoding[] = o.encoding === "auto" ? ["dummy", "linear", "woe"] : [o.encoding];

  /** Binning, encoding and penalty chosen on `rows` alone, then the fit on all of them. */
  const fitScorecard = (rows: number[]): Scorecard => {
    const notes: string[] = [];
    const yRows = rows.map((i) => y[i]);
    const { factors, used } = buildFactors(rows, yRows, notes);
    if (used.length === 0) {
      throw new RangeError(`Cannot calibrate: no column reaches information value ${o.minIv}`);
    }
    let curve: CvPoint[] = [];
    let encoding: Encoding = encodings[0];
    let l2 = typeof o.l2 === "number" ? o.l2 : NaN;
    const ids = rows.map((i) => contacts[i].contact_id);
    const folds = makeFolds(ids, o.folds, foldOrder, {
      seed: o.holdout && "seed" in o.holdout ? o.holdout.seed : 1,
      times: times ? rows.map((i) => times![i]) : undefined,
    });
    if (o.l2 === "cv" || encodings.length > 1) {
      const grid = o.l2 === "cv" ? o.l2Grid : [o.l2];
      const perFold = new Map<Encoding, { l2: number; auc: number; logLoss: number }[][]>(
        encodings.map((e) => [e, []]),
      );
      for (const fold of folds) {
        const fTrain = fold.train.map((k) => rows[k]);
        const fValid = fold.valid.map((k) => rows[k]);
        const yT = fTrain.map((i) => y[i]);
        const yV = fValid.map((i) => y[i]);
        const pos = yT.reduce((s, v) => s + v, 0);
        if (pos === 0 || pos === yT.length) continue;
        const inner = buildFactors(fTrain, yT, []);
        if (inner.used.length === 0) continue;
        const bT = binMatrix(inner.used, fTrain);
        const bV = binMatrix(inner.used, fValid);
        for (const e of encodings) {
          // Only WoE (one coefficient per column) can be fitted without a penalty.
          const usable = e === "woe" ? grid : grid.filter((x) => x > 0);
          if (usable.length === 0) continue;
          perFold.get(e)!.push(
            l2Path(
              designOf(inner.used, e, bT, fTrain),
              yT,
              designOf(inner.used, e, bV, fValid),
              yV,
              usable,
            ),
          );
        }
      }
      curve = encodings.flatMap((e) => averageFolds(e, perFold.get(e)!));
      if (curve.length) {
        const best = selectionRule === "one-se"
          ? chooseOneSe(curve, (variant) => parameterCount(used, variant as Encoding))
          : chooseFromCurve(curve);
        encoding = best.variant as Encoding;
        l2 = best.l2;
      } else {
        notes.push("No cross-validation fold had both outcomes; fitted with the middle penalty");
        l2 = typeof o.l2 === "number" ? o.l2 : grid[Math.floor(grid.length / 2)];
      }
    }
    const bins = binMatrix(used, rows);
    const X = designOf(used, encoding, bins, rows);
    const names = encoding === "woe"
      ? used.map(featureName)
      : used.flatMap((f) =>
        isStepped(f, encoding)
          ? f.bins.slice(1).map((b) => (b.kind === "range" ? `step to ${b.label}` : b.label))
          : isLinear(f, encoding)
          ? [
            `${featureName(f)} (slope)`,
            ...f.bins.filter((b) => b.kind !== "range").map((b) => b.label),
          ]
          : f.bins.map((b) => b.label)
      );
    if (encoding === "woe") {
      const independent = new Set(independentColumns(X.data, X.rows, X.cols));
      const dependent = used.filter((_, j) => !independent.has(j));
      if (dependent.length && l2 === 0) {
        notes.push(
          `${
            dependent.map((f) => `"${featureName(f)}"`).join(", ")
          } are linear combinations of other columns' WoE; the fit uses a penalty instead of none`,
        );
        l2 = Math.min(...o.l2Grid.filter((x) => x > 0), 1);
      }
    } else {
      if (l2 === 0) {
        // A coefficient for every bin of a column repeats the constant: without a penalty the
        // information matrix is singular.
        l2 = Math.min(...o.l2Grid.filter((x) => x > 0), 1);
        notes.push(
          `One coefficient per bin needs a penalty (each column's bins add up to the constant); used L2 ${l2} instead of 0`,
        );
      }
      // Bins holding exactly the same rows in two columns share their points under the penalty.
      const seen = new Map<string, string>();
      used.forEach((f, j) => {
        f.bins.forEach((bin, b) => {
          if (bin.count === rows.length) return;
          let h = 0;
          for (let r = 0; r < rows.length; r++) {
            if (bins[r * used.length + j] === b) h = (Math.imul(h, 0x01000193) + r + 1) | 0;
          }
          const key = `${bin.count}:${h}`;
          const twin = seen.get(key);
          if (twin && twin.split(" ")[0] !== f.field) {
            notes.push(
              `Bins "${twin}" and "${bin.label}" hold the same ${bin.count} rows; the penalty shares their points`,
            );
          } else seen.set(key, bin.label);
        });
      });
    }
    const model = fitLogistic(X, yRows, { l2, featureNames: names });
    notes.push(...model.warnings);
    // Per-bin log-odds; dummy coefficients are shifted so each column's most frequent bin
    // is worth 0 (the shift moves to the constant), which leaves every score unchanged.
    let intercept = model.intercept;
    let k = 0;
    const binCoef: { coef: number; stdErr: number }[][] = [];
    const linear: (LinearTerm | null)[] = used.map(() => null);
    const contrib = used.map((f, j) => {
      if (encoding === "woe") {
        binCoef.push(f.bins.map(() => ({ coef: model.coef[j], stdErr: model.stdErr[j] })));
        return f.bins.map((b) => model.coef[j] * b.woe);
      }
      let coefs: number[];
      if (isLinear(f, encoding)) {
        // The range bins' points are read off the line per value (`linear[j]`); a value at
        // the training mean is worth 0, so nothing moves to the constant.
        const ranges = f.bins.filter((b) => b.kind === "range").length;
        const slope = { coef: model.coef[k], stdErr: model.stdErr[k] };
        k++;
        const others = f.bins.slice(ranges).map(() => ({
          coef: model.coef[k],
          stdErr: model.stdErr[k++],
        }));
        binCoef.push([...f.bins.slice(0, ranges).map(() => slope), ...others]);
        linear[j] = { ...linearScale.get(f)!, slope: slope.coef };
        return f.bins.map((_, m) => (m < ranges ? 0 : others[m - ranges].coef));
      } else if (isStepped(f, encoding)) {
        // Each range bin adds its step to the one before; the first range bin is the base.
        const steps = f.bins.slice(1).map(() => ({
          coef: model.coef[k],
          stdErr: model.stdErr[k++],
        }));
        binCoef.push([{ coef: 0, stdErr: 0 }, ...steps]);
        let level = 0;
        coefs = f.bins.map((b, m) => {
          if (m === 0) return 0;
          if (b.kind !== "range") return steps[m - 1].coef;
          level += steps[m - 1].coef;
          return level;
        });
      } else {
        coefs = f.bins.map(() => model.coef[k++]);
        binCoef.push(
          coefs.map((coef, m) => ({ coef, stdErr: model.stdErr[k - coefs.length + m] })),
        );
      }
      let ref = 0;
      f.bins.forEach((b, m) => {
        if (b.count > f.bins[ref].count) ref = m;
      });
      const shift = coefs[ref];
      intercept += shift;
      return coefs.map((c) => c - shift);
    });
    return {
      factors,
      used,
      encoding,
      model,
      selection: {
        encoding,
        l2,
        by: curve.length ? "cross-validation" : "given",
        folds: folds.length,
        foldOrder,
        rule: curve.length ? selectionRule : undefined,
        curve,
      },
      contrib,
      linear,
      binCoef,
      intercept,
      binOf: (r) => binMatrix(used, r),
      design: (r) => designOf(used, encoding, binMatrix(used, r), r),
      warnings: notes,
    };
  };

  /** Whole points of a scorecard on the chosen scale, refined until rounding is cheap. */
  const toConfig = (card: Scorecard, rows: number[]) => {
    const { used, contrib, linear } = card;
    const p = used.length;
    const bins = card.binOf(rows);
    const yRows = rows.map((i) => y[i]);
    const exact = new Float64Array(rows.length);
    /** Whether bin `b` of factor `j` takes its points from the factor's line. */
    const onLine = (j: number, b: number) => linear[j] !== null && used[j].bins[b].kind === "range";
    for (let r = 0; r < rows.length; r++) {
      let e = card.intercept;
      for (let j = 0; j < p; j++) {
        const b = bins[r * p + j];
        if (b < 0) continue;
        e += onLine(j, b)
          ? linear[j]!.slope * linearZ(linear[j]!, contacts[rows[r]][used[j].field])
          : contrib[j][b];
      }
      exact[r] = e;
    }
    const notes: string[] = [];
    let scaleOptions = o.scale;
    let scale = pointScale(card.model, scaleOptions);
    let cost = NaN;
    for (let attempt = 0; attempt < 8; attempt++) {
      scale = pointScale(card.model, scaleOptions);
      if ("maxPoints" in scaleOptions) {
        // The largest bin, not the largest coefficient, gets maxPoints.
        let largest = 0;
        for (const c of contrib) for (const v of c) largest = Math.max(largest, Math.abs(v));
        for (const t of linear) {
          if (t) {
            largest = Math.max(
              largest,
              ...[t.lo, t.hi].map((v) => Math.abs(t.slope * linearZ(t, v))),
            );
          }
        }
        if (largest > 0) {
          scale = { ...scale, factor: scaleOptions.maxPoints / largest };
          scale.pdo = scale.factor * Math.LN2;
        }
      }
      const steps = linear.map((t) => (t ? linearSteps(t, scale.factor) : null));
      const rounded = new Float64Array(rows.length);
      for (let r = 0; r < rows.length; r++) {
        let s = 0;
        for (let j = 0; j < p; j++) {
          const b = bins[r * p + j];
          if (b < 0) continue;
          s += onLine(j, b)
            ? stepPoints(steps[j]!, contacts[rows[r]][used[j].field] as number)
            : Math.round(scale.factor * contrib[j][b]);
        }
        rounded[r] = s;
      }
      cost = roundingCost(exact, rounded, yRows);
      if (cost <= o.maxRoundingCost) break;
      const finer: ScaleOptions = "maxPoints" in scaleOptions
        ? { maxPoints: scaleOptions.maxPoints * 2 }
        : { ...scaleOptions, pdo: (scaleOptions.pdo ?? 20) * 2 };
      if (attempt < 7) {
        notes.push(
          `Rounding to whole points cost ${cost.toFixed(4)} AUC at ${
            describeScale(scale)
          }; trying ${"maxPoints" in finer ? `maxPoints ${finer.maxPoints}` : `pdo ${finer.pdo}`}`,
        );
        scaleOptions = finer;
      }
    }

    const prefix = options.idPrefix ? `${options.idPrefix}-` : "";
    const rawIds: string[] = [];
    const specs: Omit<AttributeRuleSpec, "id">[] = [];
    const pointsRows: PointsRow[] = [];
    used.forEach((f, j) => {
      const t = linear[j];
      if (t) {
        // Whole-point steps of the line over the training range, the end ones open.
        for (const step of linearSteps(t, scale.factor)) {
          const label = step.lo === null && step.hi === null
            ? `${f.field} any`
            : step.lo === null
            ? `${f.field} < ${step.hi}`
            : step.hi === null
            ? `${f.field} >= ${step.lo}`
            : `${f.field} ${step.lo} to <${step.hi}`;
          const where: AttributeRuleSpec["where"] = step.lo === null && step.hi === null
            ? { exists: true }
            : step.lo === null
            ? { lt: step.hi! }
            : step.hi === null
            ? { gte: step.lo }
            : { gte: step.lo, lt: step.hi };
          pointsRows.push({
            feature: featureName(f),
            label,
            field: f.field,
            ruleId: null,
            coef: card.binCoef[j][0].coef,
            stdErr: card.binCoef[j][0].stdErr,
            woe: null,
            exactPoints: step.exact,
            points: step.points,
          });
          if (step.points === 0) continue;
          rawIds.push(prefix + slug(label));
          specs.push({
            field: f.field,
            where,
            points: step.points,
            description: `${label} (linear in ${f.field})`,
          });
        }
      }
      f.bins.forEach((bin, b) => {
        if (t && bin.kind === "range") return;
        const exactPoints = scale.factor * contrib[j][b];
        const points = Math.round(exactPoints);
        pointsRows.push({
          feature: featureName(f),
          label: bin.label,
          field: f.field,
          ruleId: null,
          coef: card.binCoef[j][b].coef,
          stdErr: card.binCoef[j][b].stdErr,
          woe: bin.woe,
          exactPoints,
          points,
        });
        if (points === 0) return;
        rawIds.push(prefix + slug(bin.label));
        specs.push({ field: f.field, where: bin.where, points, description: bin.label });
      });
    });
    const exactBase = scale.offset + scale.factor * card.intercept;
    const basePoints = Math.round(exactBase);
    const ids = uniqueIds([`${prefix}base`, ...rawIds]);
    const attributes: AttributeRuleSpec[] = [
      {
        id: ids[0],
        field: "contact_id",
        where: { exists: true },
        points: basePoints,
        description: "Constant of the scorecard (every contact has an id)",
      },
      ...specs.map((s, m) => ({ id: ids[m + 1], ...s })),
    ];
    let m = 0;
    for (const row of pointsRows) if (row.points !== 0) row.ruleId = ids[1 + m++];
    pointsRows.unshift({
      feature: "(intercept)",
      label: "base",
      field: "contact_id",
      ruleId: ids[0],
      coef: card.model.intercept,
      stdErr: card.model.interceptStdErr,
      woe: null,
      exactPoints: exactBase,
      points: basePoints,
    });
    // Score S (base included) maps back to log-odds (S - offset) / factor.
    const scoreToProbability: ScoreToProbability = {
      atZero: -scale.offset / scale.factor,
      perPoint: 1 / scale.factor,
    };
    const config: ScoringConfigSpec = {
      format: CONFIG_FORMAT,
      name: options.name ?? `Snapshot calibration on ${labelKey}`,
      attributes,
      tiers: { high: 0, medium: 0 },
    };
    const scores = engineScores(config, rows.map((i) => contacts[i]));
    const ints = rows.map((i) => scores.get(contacts[i].contact_id)!);
    config.tiers = proposeTiers(ints);
    return { config, scale, scoreToProbability, pointsRows, cost, ints, notes };
  };

  const evidenceCard = fitScorecard(train);
  const evidenceConfig = toConfig(evidenceCard, train);
  warnings.push(...evidenceCard.warnings, ...evidenceConfig.notes);

  let holdout: CalibrationResult["holdout"] = null;
  if (hold.length > 0) {
    const holdRows = hold.map((i) => contacts[i]);
    const engine = engineScores(evidenceConfig.config, holdRows);
    const yHold = hold.map((i) => y[i]);
    holdout = holdoutEvidence({
      model: evidenceCard.model,
      design: evidenceCard.design(hold),
      labels: yHold,
      scores: hold.map((i) => engine.get(contacts[i].contact_id)!),
      trainScores: evidenceConfig.ints,
      scoreToProbability: evidenceConfig.scoreToProbability,
      evidence: o.evidence,
    });
    if (o.baseline) {
      const plainColumns = features.filter((c) => !listColumns.has(c));
      if (plainColumns.length) {
        const plain = fitPlainRegression(train.map((i) => contacts[i]), yTrain, {
          columns: plainColumns,
          categorical: [...o.categorical],
        });
        const eta = predictPlain(plain, holdRows);
        holdout.baseline = evaluateScores(eta, eta.map(sigmoid), yHold, o.evidence);
      }
    }
  } else {
    warnings.push(
      "No hold-out: the cross-validation on the training rows is the only evidence",
    );
  }

  // The shipped config: the same choices made again on every row.
  let shipped = { card: evidenceCard, built: evidenceConfig };
  let refit: CalibrationResult["refit"] = null;
  if (o.refit && hold.length > 0) {
    const all = contacts.map((_, i) => i);
    const card = fitScorecard(all);
    const built = toConfig(card, all);
    warnings.push(...card.warnings.map((w) => `[refit on all rows] ${w}`), ...built.notes);
    shipped = { card, built };
    refit = { rows: all.length, converters: y.reduce((s, v) => s + v, 0) };
  }
  if (skipped.length) warnings.push(`Left out as identifiers: ${skipped.join(", ")}`);

  return {
    config: shipped.built.config,
    factors: shipped.card.factors,
    model: shipped.card.model,
    selection: shipped.card.selection,
    scale: shipped.built.scale,
    scoreToProbability: shipped.built.scoreToProbability,
    points: shipped.built.pointsRows,
    training: { rows: train.length, converters: trainPos, roundingCost: shipped.built.cost },
    refit,
    evidenceFrom: hold.length ? "holdout" : "cross-validation",
    holdout,
    scoreTable: scoreTable(shipped.built.ints, shipped.built.scoreToProbability),
    holdoutRows: hold.length
      ? [{ asOf: null, contactIds: hold.map((i) => contacts[i].contact_id) }]
      : [],
    warnings,
  };
}

/** Feature name of a factor: the column, or `column:element` for a list element. */
export function featureName(f: Factor): string {
  return f.element === undefined ? f.field : `${f.field}:${f.element}`;
}

export function describeScale(s: PointScale): string {
  return s.method === "pdo"
    ? `pdo ${s.pdo} (base ${s.baseScore} at odds ${s.baseOdds})`
    : `maxPoints ${s.maxPoints}`;
}
