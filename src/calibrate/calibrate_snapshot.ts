/**
 * Snapshot calibration: contacts with a label column -> attribute rules. Each kept column is
 * binned (WoE/IV), a logistic regression on the WoE of each column weighs the columns, and
 * every bin becomes an attribute rule worth `factor * coef * WoE` points (the classic
 * scorecard). A `base` rule (on `contact_id`, which every contact has) carries the constant,
 * so scores sit on the requested points-to-double-odds scale.
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
import { fitLogistic, predictLogit } from "./fit_logistic.ts";
import {
  type PointScale,
  pointScale,
  type ScaleOptions,
  type ScoreToProbability,
} from "./scale_points.ts";
import type { EvidenceOptions } from "./evidence.ts";
import { holdoutEvidence, NO_HOLDOUT_WARNING } from "./_holdout_evidence.ts";
import type { CalibrationResult, HoldoutSpec, PointsRow } from "./types.ts";
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
  /** Contacts held out for evidence: a random share, or those dated after an instant. @default { fraction: 0.3, seed: 1 } */
  holdout?: HoldoutSpec | null;
  /** Columns below this information value are left out. @default 0.02 */
  minIv?: number;
  /** How columns are binned into factors. */
  binning?: BinningOptions;
  /** L2 penalty of the fit. @default 0 */
  l2?: number;
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

const NEVER_FEATURES = new Set(["contact_id", "phone", "email", "created_at"]);

function _checkSnapshot(contacts: ContactRow[], options: SnapshotOptions) {
  const {
    label,
    exclude = [],
    include,
    holdout = { fraction: 0.3, seed: 1 },
    minIv = 0.02,
    binning = {},
    l2 = 0,
    scale = { pdo: 20, baseScore: 100, baseOdds: 1 },
    maxRoundingCost = 0.002,
    evidence = {},
  } = options;
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
  if (holdout && "fraction" in holdout && !(holdout.fraction > 0 && holdout.fraction < 1)) {
    throw new RangeError(
      `Cannot calibrate: holdout fraction must be in (0, 1), got "${holdout.fraction}"`,
    );
  }
  if (holdout && "after" in holdout && !Number.isFinite(holdout.after)) {
    throw new RangeError(
      `Cannot calibrate: holdout "after" must be an instant in epoch ms, got "${holdout.after}"`,
    );
  }
  return { label, exclude, include, holdout, minIv, binning, l2, scale, maxRoundingCost, evidence };
}

/** Scores of the rows under an attribute config, by the engine itself. */
function engineScores(config: ScoringConfigSpec, contacts: ContactRow[]): Map<string, number> {
  const result = scoreContacts(toScoringConfig(config), { contacts }, { asOf: [0] });
  return new Map(result.rows.map((r) => [r.contactId, r.score]));
}

/**
 * Fits attribute points on `contacts` against `options.label` and returns the config with
 * its evidence (factors, model, points, hold-out metrics for the exact fit and for the
 * whole-number config as the engine scores it).
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
    contacts.forEach((
      c,
      i,
    ) => (isHoldout[i] =
      hashUniform(c.contact_id, seed) < (o.holdout as { fraction: number }).fraction ? 1 : 0)
    );
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

  // Candidate columns.
  const columns = new Set<string>();
  for (const c of contacts) for (const k of Object.keys(c)) columns.add(k);
  const excluded = new Set([...o.exclude.map((s) => s.toLowerCase()), labelKey.toLowerCase()]);
  const candidates = [...columns].filter((k) =>
    !NEVER_FEATURES.has(k) && !excluded.has(k.toLowerCase()) &&
    (!o.include || o.include.some((x) => x.toLowerCase() === k.toLowerCase()))
  );
  const factors: Factor[] = [];
  const skipped: string[] = [];
  for (const col of candidates) {
    const values = train.map((i) => contacts[i][col]);
    const isList = values.some(Array.isArray);
    if (!isList) {
      const distinctText = new Set(values.filter((v) => typeof v === "string"));
      if (distinctText.size > 0.5 * train.length && distinctText.size > 50) {
        skipped.push(col);
        warnings.push(
          `Column "${col}" looks like an identifier (${distinctText.size} distinct values); left out`,
        );
        continue;
      }
    }
    const fs = isList
      ? binListFeature(col, values, yTrain, o.binning)
      : [binFeature(col, values, yTrain, o.binning)];
    for (const f of fs) {
      if (f.bins.length < 2) {
        warnings.push(`Column "${col}" has a single bin; left out`);
        continue;
      }
      if (f.iv > 0.5) {
        warnings.push(
          `Column "${col}" has information value ${
            f.iv.toFixed(3)
          } (> 0.5): check it is known before the outcome`,
        );
      }
      factors.push(f);
    }
  }
  const used = factors.filter((f) => f.iv >= o.minIv);
  for (const f of factors) {
    if (f.iv < o.minIv) {
      warnings.push(
        `"${featureName(f)}" has information value ${f.iv.toFixed(4)} < ${o.minIv}; left out`,
      );
    }
  }
  if (used.length === 0) {
    throw new RangeError(`Cannot calibrate: no column reaches information value ${o.minIv}`);
  }

  // WoE design matrix.
  const design = (rows: number[]) => {
    const data = new Float64Array(rows.length * used.length);
    rows.forEach((i, r) => {
      used.forEach((f, j) => {
        const b = binIndex(f, contacts[i][f.field] as never);
        data[r * used.length + j] = b < 0 ? 0 : f.bins[b].woe;
      });
    });
    return { data, rows: rows.length, cols: used.length };
  };
  const Xtrain = design(train);
  const model = fitLogistic(Xtrain, yTrain, { l2: o.l2, featureNames: used.map(featureName) });
  warnings.push(...model.warnings);

  // Points per bin, refining the scale until rounding costs at most maxRoundingCost AUC.
  const exactTrain = predictLogit(model, Xtrain);
  let scaleOptions = o.scale;
  let scale = pointScale(model, scaleOptions);
  let cost = NaN;
  for (let attempt = 0; attempt < 8; attempt++) {
    scale = pointScale(model, scaleOptions);
    const rounded = new Float64Array(train.length);
    for (let r = 0; r < train.length; r++) {
      let s = 0;
      for (let j = 0; j < used.length; j++) {
        s += Math.round(scale.factor * model.coef[j] * Xtrain.data[r * used.length + j]);
      }
      rounded[r] = s;
    }
    cost = roundingCost(exactTrain, rounded, yTrain);
    if (cost <= o.maxRoundingCost) break;
    const finer: ScaleOptions = "maxPoints" in scaleOptions
      ? { maxPoints: scaleOptions.maxPoints * 2 }
      : { ...scaleOptions, pdo: (scaleOptions.pdo ?? 20) * 2 };
    if (attempt < 7) {
      warnings.push(
        `Rounding to whole points cost ${cost.toFixed(4)} AUC at ${describeScale(scale)}; trying ${
          "maxPoints" in finer ? `maxPoints ${finer.maxPoints}` : `pdo ${finer.pdo}`
        }`,
      );
      scaleOptions = finer;
    }
  }

  const prefix = options.idPrefix ? `${options.idPrefix}-` : "";
  const rawIds: string[] = [];
  const specs: Omit<AttributeRuleSpec, "id">[] = [];
  const pointsRows: PointsRow[] = [];
  used.forEach((f, j) => {
    for (const bin of f.bins) {
      const exact = scale.factor * model.coef[j] * bin.woe;
      const points = Math.round(exact);
      pointsRows.push({
        feature: featureName(f),
        label: bin.label,
        field: f.field,
        ruleId: null,
        coef: model.coef[j],
        stdErr: model.stdErr[j],
        woe: bin.woe,
        exactPoints: exact,
        points,
      });
      if (points === 0) continue;
      rawIds.push(prefix + slug(bin.label));
      specs.push({ field: f.field, where: bin.where, points, description: bin.label });
    }
  });
  const exactBase = scale.offset + scale.factor * model.intercept;
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
    ...specs.map((s, k) => ({ id: ids[k + 1], ...s })),
  ];
  let k = 0;
  for (const row of pointsRows) if (row.points !== 0) row.ruleId = ids[1 + k++];
  pointsRows.unshift({
    feature: "(intercept)",
    label: "base",
    field: "contact_id",
    ruleId: ids[0],
    coef: model.intercept,
    stdErr: model.interceptStdErr,
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
  const trainScores = engineScores(config, train.map((i) => contacts[i]));
  const trainInts = train.map((i) => trainScores.get(contacts[i].contact_id)!);
  config.tiers = proposeTiers(trainInts);

  let holdout: CalibrationResult["holdout"] = null;
  if (hold.length > 0) {
    const engine = engineScores(config, hold.map((i) => contacts[i]));
    holdout = holdoutEvidence({
      model,
      design: design(hold),
      labels: hold.map((i) => y[i]),
      scores: hold.map((i) => engine.get(contacts[i].contact_id)!),
      trainScores: trainInts,
      scoreToProbability,
      evidence: o.evidence,
    });
  } else {
    warnings.push(NO_HOLDOUT_WARNING);
  }
  if (skipped.length) warnings.push(`Left out as identifiers: ${skipped.join(", ")}`);

  return {
    config,
    factors,
    model,
    scale,
    scoreToProbability,
    points: pointsRows,
    training: { rows: train.length, converters: trainPos, roundingCost: cost },
    holdout,
    scoreTable: scoreTable(trainInts, scoreToProbability),
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
