import type { LogisticModel } from "./fit_logistic.ts";

/**
 * How log-odds become points. Points to double the odds (`pdo`): every `pdo` points double
 * the odds of converting and `baseScore` sits at odds `baseOdds` (the credit-scorecard
 * convention). `maxPoints`: the largest coefficient becomes `maxPoints` points.
 */
export type ScaleOptions =
  | {
    /** Points that double the odds. @default 20 */
    pdo?: number;
    /** Score at odds `baseOdds`. @default 100 */
    baseScore?: number;
    /** Odds (converters per non-converter) at `baseScore`. @default 1 */
    baseOdds?: number;
  }
  | {
    /** Points of the largest absolute coefficient. */
    maxPoints: number;
  };

/** A resolved linear scale: `points = factor * logOdds`, `score = offset + factor * logOdds`. */
export interface PointScale {
  /** Which setting fixed the scale. */
  method: "pdo" | "maxPoints";
  /** Points per unit of log-odds. */
  factor: number;
  /** Score at log-odds 0 (even odds); 0 for `maxPoints`. */
  offset: number;
  /** Points that double the odds: `factor * ln 2`. */
  pdo: number;
  /** Score at odds `baseOdds` (`pdo` method). */
  baseScore: number | null;
  /** Odds at `baseScore` (`pdo` method). */
  baseOdds: number | null;
  /** Points of the largest coefficient (`maxPoints` method). */
  maxPoints: number | null;
}

/** The points of each coefficient. */
export interface ScaledPoints {
  /** The scale applied. */
  scale: PointScale;
  /** `factor * coef`, before rounding. */
  exact: number[];
  /** Rounded to whole points. */
  points: number[];
  /** `offset + factor * intercept`, before rounding: the score of a contact with no feature. */
  exactBase: number;
  /** `exactBase` rounded to whole points. */
  basePoints: number;
}

function _checkScale(model: LogisticModel, options: ScaleOptions): PointScale {
  if (!model || !Array.isArray(model.coef) || typeof model.intercept !== "number") {
    throw new TypeError(
      "Cannot scale points: model must have coef[] and intercept, as fitLogistic() returns",
    );
  }
  if ("maxPoints" in options) {
    const { maxPoints } = options;
    if (typeof maxPoints !== "number" || !(maxPoints > 0) || !Number.isFinite(maxPoints)) {
      throw new RangeError(
        `Cannot scale points: maxPoints must be a positive number, got "${maxPoints}"`,
      );
    }
    let largest = 0;
    for (const c of model.coef) largest = Math.max(largest, Math.abs(c));
    if (!(largest > 0) || !Number.isFinite(largest)) {
      throw new RangeError(
        `Cannot scale points to maxPoints: the largest coefficient is "${largest}", not a positive finite number`,
      );
    }
    const factor = maxPoints / largest;
    return {
      method: "maxPoints",
      factor,
      offset: 0,
      pdo: factor * Math.LN2,
      baseScore: null,
      baseOdds: null,
      maxPoints,
    };
  }
  const { pdo = 20, baseScore = 100, baseOdds = 1 } = options;
  if (typeof pdo !== "number" || !(pdo > 0) || !Number.isFinite(pdo)) {
    throw new RangeError(`Cannot scale points: pdo must be a positive number, got "${pdo}"`);
  }
  if (typeof baseScore !== "number" || !Number.isFinite(baseScore)) {
    throw new RangeError(
      `Cannot scale points: baseScore must be a finite number, got "${baseScore}"`,
    );
  }
  if (typeof baseOdds !== "number" || !(baseOdds > 0) || !Number.isFinite(baseOdds)) {
    throw new RangeError(
      `Cannot scale points: baseOdds must be a positive number, got "${baseOdds}"`,
    );
  }
  const factor = pdo / Math.LN2;
  return {
    method: "pdo",
    factor,
    offset: baseScore - factor * Math.log(baseOdds),
    pdo,
    baseScore,
    baseOdds,
    maxPoints: null,
  };
}

/**
 * Resolves `options` into a linear scale for `model` without rounding anything; use it
 * when points are per bin (`coef * WoE`) rather than per coefficient.
 */
export function pointScale(model: LogisticModel, options: ScaleOptions = {}): PointScale {
  return _checkScale(model, options);
}

/**
 * Turns a model's coefficients into whole points on a linear scale of the log-odds.
 *
 * @example
 * ```ts
 * scalePoints(model, { pdo: 20, baseScore: 100, baseOdds: 1 }).points; // e.g. [14, -35, 7]
 * ```
 */
export function scalePoints(model: LogisticModel, options: ScaleOptions = {}): ScaledPoints {
  const scale = _checkScale(model, options);
  const exact = model.coef.map((c) => scale.factor * c);
  const exactBase = scale.offset + scale.factor * model.intercept;
  return {
    scale,
    exact,
    points: exact.map(Math.round),
    exactBase,
    basePoints: Math.round(exactBase),
  };
}

/**
 * The linear map from a config's score to a predicted probability:
 * `p = 1 / (1 + exp(-(atZero + score / factor)))`, where `atZero` is the log-odds of a
 * contact scoring 0.
 */
export interface ScoreToProbability {
  /** Log-odds at score 0. */
  atZero: number;
  /** Log-odds per point (`1 / factor`). */
  perPoint: number;
}

/** Predicted probability of a score under the map. */
export function probabilityOfScore(map: ScoreToProbability, score: number): number {
  return 1 / (1 + Math.exp(-(map.atZero + map.perPoint * score)));
}

/** Score at which the predicted probability is `p` (inverse of `probabilityOfScore`). */
export function scoreOfProbability(map: ScoreToProbability, p: number): number {
  if (!(p > 0 && p < 1)) {
    throw new RangeError(`Cannot place probability "${p}" on the score scale: expected 0 < p < 1`);
  }
  return (Math.log(p / (1 - p)) - map.atZero) / map.perPoint;
}
