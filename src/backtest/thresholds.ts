/**
 * Tier cuts chosen from history: by a target conversion rate, by sales capacity or by
 * maximum lift, each with seeded bootstrap intervals, plus a score-to-probability table.
 */
import type { TierName } from "../config/types.ts";
import { bootstrapInterval, type Interval, seededRng } from "../metrics/mod.ts";
import type { ReplayResult } from "./replay.ts";

/** Scored contact-periods pooled over a backtest: what cuts are fitted on. */
export interface ThresholdSample {
  /** Score of each contact-period. */
  scores: ArrayLike<number>;
  /** 1 when the contact converted within the horizon after that instant. */
  converted: ArrayLike<number>;
  /** Number of periods pooled, to turn counts into per-period capacity. */
  periods: number;
}

/**
 * - `rate`: the lowest cut whose contacts at or above it convert at least at `high`
 *   (and `medium`, by default the overall rate of the sample: medium and up convert at
 *   least as well as average).
 * - `capacity`: the lowest cut that puts at most `high` contacts per period in the high
 *   tier, and at most `high + medium` in high and medium together.
 * - `lift`: the cut with the highest lift of the high tier among cuts keeping at least
 *   `minShare` of the scored contacts, then the medium cut with the highest lift of the
 *   band between it and the high cut, again with at least `minShare`.
 */
export type ThresholdMethod =
  | { method: "rate"; high: number; medium?: number }
  | { method: "capacity"; high: number; medium: number }
  | { method: "lift"; minShare?: number };

/** How the cuts' intervals and probability table are computed. */
export interface ThresholdOptions {
  /** Bootstrap resamples. @default 200 */
  resamples?: number;
  /** Seed of the resampling generator. @default 1 */
  seed?: number;
  /** Interval coverage. @default 0.95 */
  level?: number;
  /** Score bands per tier in the probability table. @default 4 */
  bandsPerTier?: number;
  /**
   * Fit on a seeded random sample of at most this many contact-periods: each bootstrap
   * resample sorts the whole sample again, so millions of rows would take minutes.
   * @default Infinity
   */
  maxRows?: number;
}

/** One tier under suggested cuts. */
export interface TierCutStats {
  /** Contacts per period at or above this tier's cut and below the next one up. */
  contactsPerPeriod: number;
  /** Share of the tier's contact-periods that converted; `null` for an empty tier. */
  conversionRate: number | null;
  /** Tier rate / overall rate; `null` when either is undefined or the overall rate is 0. */
  lift: number | null;
}

/** A score band of a tier and how often its contacts converted. */
export interface ProbabilityBand {
  /** The tier the band lies in. */
  tier: TierName;
  /** Inclusive lower score of the band. */
  scoreFrom: number;
  /** Inclusive upper score of the band (the highest score seen in it). */
  scoreTo: number;
  /** Contact-periods in the band. */
  contacts: number;
  /** Of those, the ones that converted. */
  converters: number;
  /** `converters / contacts`. */
  probability: number;
  /** Bootstrap interval of `probability`. */
  interval: Interval;
}

/** Cuts suggested by one method, with their intervals and what they would give. */
export interface ThresholdResult {
  /** `rate`, `capacity` or `lift`. */
  method: ThresholdMethod["method"];
  /** The method with its settings. */
  settings: ThresholdMethod;
  /** The suggested cuts; one nobody reaches is just above the top score. */
  cuts: { high: number; medium: number };
  /** Bootstrap percentile intervals of the two cuts (`NaN` bounds when no resample found one). */
  intervals: { high: Interval; medium: Interval };
  /** Per tier, contacts per period, conversion and lift under the cuts. */
  tiers: Record<TierName, TierCutStats>;
  /** Score-to-probability table, bands per tier. */
  probabilities: ProbabilityBand[];
  /** Contact-periods the cuts were fitted on (fewer than offered when `maxRows` sampled). */
  rows: number;
  /** Why a cut could not be met exactly, if so. */
  warnings: string[];
}

/** Pools the scored contacts of every period of a replay (unscored have no score to cut). */
export function thresholdSample(result: ReplayResult): ThresholdSample {
  if (!result.scores || !result.tierCodes || !result.converted) {
    throw new TypeError("Cannot pool a replay run without keepContacts");
  }
  const scores: number[] = [];
  const converted: number[] = [];
  result.scores.forEach((s, k) => {
    const tiers = result.tierCodes![k];
    const conv = result.converted![k];
    for (let i = 0; i < s.length; i++) {
      if (tiers[i] > 0) {
        scores.push(s[i]);
        converted.push(conv[i]);
      }
    }
  });
  return { scores, converted, periods: result.periods.length };
}

interface Sorted {
  /** Distinct scores, descending. */
  values: number[];
  /** Contacts and converters with score >= values[j]. */
  cumContacts: number[];
  cumConverters: number[];
  total: number;
  totalConverters: number;
}

function sortDesc(scores: ArrayLike<number>, converted: ArrayLike<number>): Sorted {
  // Converters and the rest sorted apart with the native numeric sort, then merged from the
  // top: every bootstrap resample runs this, so it must stay fast on 50,000 rows.
  let np = 0;
  for (let i = 0; i < scores.length; i++) if (converted[i]) np++;
  const pos = new Float64Array(np);
  const neg = new Float64Array(scores.length - np);
  for (let i = 0, a = 0, b = 0; i < scores.length; i++) {
    if (converted[i]) pos[a++] = scores[i];
    else neg[b++] = scores[i];
  }
  pos.sort();
  neg.sort();
  const values: number[] = [];
  const cumContacts: number[] = [];
  const cumConverters: number[] = [];
  let i = pos.length - 1, j = neg.length - 1, c = 0, v = 0;
  while (i >= 0 || j >= 0) {
    const top = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
    while (i >= 0 && pos[i] === top) {
      i--;
      c++;
      v++;
    }
    while (j >= 0 && neg[j] === top) {
      j--;
      c++;
    }
    values.push(top);
    cumContacts.push(c);
    cumConverters.push(v);
  }
  return { values, cumContacts, cumConverters, total: c, totalConverters: v };
}

/** Index of the lowest distinct score whose cumulative stat passes `ok`, scanning from the top. */
function lowestPassing(s: Sorted, ok: (j: number) => boolean, from = 0): number {
  let best = -1;
  for (let j = from; j < s.values.length; j++) if (ok(j)) best = j;
  return best;
}

function fitCuts(
  scores: ArrayLike<number>,
  converted: ArrayLike<number>,
  periods: number,
  m: ThresholdMethod,
  warnings?: string[],
): { high: number; medium: number } {
  const s = sortDesc(scores, converted);
  if (s.values.length === 0) return { high: NaN, medium: NaN };
  const top = s.values[0];
  const overall = s.totalConverters / s.total;
  const rate = (j: number) => s.cumConverters[j] / s.cumContacts[j];
  let hi: number, med: number;
  if (m.method === "rate") {
    hi = lowestPassing(s, (j) => rate(j) >= m.high);
    const target = m.medium ?? overall;
    med = lowestPassing(s, (j) => rate(j) >= target, Math.max(hi, 0));
    if (hi < 0) warnings?.push(`No cut reaches a high-tier conversion rate of ${m.high}`);
  } else if (m.method === "capacity") {
    hi = lowestPassing(s, (j) => s.cumContacts[j] / periods <= m.high);
    med = lowestPassing(s, (j) => s.cumContacts[j] / periods <= m.high + m.medium, Math.max(hi, 0));
    if (hi < 0) {
      warnings?.push(`Even the top score holds more than ${m.high} contacts per period`);
    }
  } else {
    const minShare = m.minShare ?? 0.05;
    const minCount = minShare * s.total;
    hi = -1;
    let bestLift = -Infinity;
    for (let j = 0; j < s.values.length; j++) {
      if (s.cumContacts[j] < minCount) continue;
      if (rate(j) > bestLift) [bestLift, hi] = [rate(j), j];
    }
    med = -1;
    if (hi >= 0) {
      let bestBand = -Infinity;
      for (let j = hi + 1; j < s.values.length; j++) {
        const n = s.cumContacts[j] - s.cumContacts[hi];
        if (n < minCount) continue;
        const r = (s.cumConverters[j] - s.cumConverters[hi]) / n;
        if (r > bestBand) [bestBand, med] = [r, j];
      }
    }
    if (overall === 0) warnings?.push("Nobody converted: lift is undefined, cuts are arbitrary");
  }
  // A cut nobody reaches sits just above the top score, so its tier is empty, not missing.
  const high = hi >= 0 ? s.values[hi] : nextUp(top);
  const medium = med >= 0 ? s.values[med] : high;
  return { high, medium };
}

function nextUp(x: number): number {
  return x + Math.max(Math.abs(x) * Number.EPSILON * 4, Number.MIN_VALUE);
}

function checkMethod(m: ThresholdMethod): void {
  const positive = (name: string, v: unknown, max = Infinity) => {
    if (typeof v !== "number" || !(v > 0) || v > max) {
      throw new RangeError(
        `Cannot set tier cuts by ${m.method}: ${name} "${v}" must be a number in (0, ${max}]`,
      );
    }
  };
  if (m.method === "rate") {
    positive("high", m.high, 1);
    if (m.medium !== undefined) positive("medium", m.medium, 1);
  } else if (m.method === "capacity") {
    positive("high", m.high);
    positive("medium", m.medium);
  } else if (m.method === "lift") {
    if (m.minShare !== undefined) positive("minShare", m.minShare, 1);
  } else {
    throw new RangeError(
      `Cannot set tier cuts: method "${
        (m as { method: unknown }).method
      }" must be "rate", "capacity" or "lift"`,
    );
  }
}

/**
 * Chooses high/medium cuts on `sample` by `method` and measures them: contacts per period,
 * conversion rate and lift of each tier, seeded bootstrap intervals of both cuts (contacts
 * resampled with replacement, converters and non-converters separately), and a
 * score-to-probability table of `bandsPerTier` quantile bands per tier, each with a
 * bootstrap interval of its conversion rate.
 *
 * @example
 * ```ts
 * const t = thresholds(thresholdSample(replayResult), { method: "capacity", high: 200, medium: 800 });
 * t.cuts.high; t.intervals.high.lower;
 * ```
 */
export function thresholds(
  sample: ThresholdSample,
  method: ThresholdMethod,
  options: ThresholdOptions = {},
): ThresholdResult {
  const { resamples = 200, seed = 1, level = 0.95, bandsPerTier = 4, maxRows = Infinity } = options;
  checkMethod(method);
  if (!(maxRows >= 1)) {
    throw new RangeError(`Cannot set tier cuts: maxRows "${maxRows}" must be at least 1`);
  }
  let { scores, converted } = sample;
  const { periods } = sample;
  const offered = scores.length;
  if (scores.length !== converted.length) {
    throw new RangeError(
      `Cannot set tier cuts: ${scores.length} scores but ${converted.length} conversion flags`,
    );
  }
  if (offered > maxRows) {
    // Partial Fisher-Yates: a uniform sample without replacement, reproducible by seed.
    const rng = seededRng(seed + 1_000_003);
    const idx = Uint32Array.from({ length: offered }, (_, i) => i);
    const m = Math.floor(maxRows);
    for (let i = 0; i < m; i++) {
      const j = i + Math.floor(rng() * (offered - i));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    const pick = idx.subarray(0, m);
    scores = Float64Array.from(pick, (i) => sample.scores[i]);
    converted = Uint8Array.from(pick, (i) => sample.converted[i]);
  }
  // Per-period counts refer to the sample's share of the periods.
  const effectivePeriods = periods * (scores.length / Math.max(offered, 1));
  if (!Number.isInteger(periods) || periods < 1) {
    throw new RangeError(`Cannot set tier cuts: periods "${periods}" must be a positive integer`);
  }
  if (!Number.isInteger(bandsPerTier) || bandsPerTier < 1) {
    throw new RangeError(
      `Cannot set tier cuts: bandsPerTier "${bandsPerTier}" must be a positive integer`,
    );
  }
  if (scores.length === 0) throw new RangeError("Cannot set tier cuts: no scored contacts");
  const warnings: string[] = [];
  if (offered > scores.length) {
    warnings.push(
      `Cuts fitted on a seeded sample of ${scores.length} of ${offered} contact-periods`,
    );
  }
  const cuts = fitCuts(scores, converted, effectivePeriods, method, warnings);
  const bootCut = (which: "high" | "medium") =>
    bootstrapInterval(
      scores,
      converted,
      (s, y) => fitCuts(s, y, effectivePeriods, method)[which],
      seededRng(seed),
      { resamples, level },
    );
  const intervals = { high: bootCut("high"), medium: bootCut("medium") };

  const total = scores.length;
  let totalConv = 0;
  for (let i = 0; i < total; i++) totalConv += converted[i] ? 1 : 0;
  const overall = totalConv / total;
  const tierOf = (x: number): TierName =>
    x >= cuts.high ? "high" : x >= cuts.medium ? "medium" : "low";
  const members: Record<TierName, number[]> = { high: [], medium: [], low: [] };
  for (let i = 0; i < total; i++) members[tierOf(scores[i])].push(i);
  const tiers = {} as Record<TierName, TierCutStats>;
  const probabilities: ProbabilityBand[] = [];
  let bandSeed = seed;
  for (const tier of ["high", "medium", "low"] as TierName[]) {
    const ids = members[tier];
    const conv = ids.reduce((a, i) => a + (converted[i] ? 1 : 0), 0);
    const rate = ids.length ? conv / ids.length : null;
    tiers[tier] = {
      contactsPerPeriod: ids.length / effectivePeriods,
      conversionRate: rate,
      lift: rate !== null && overall > 0 ? rate / overall : null,
    };
    ids.sort((a, b) => scores[a] - scores[b]);
    // Quantile bands, never splitting a tied score across two bands.
    let start = 0;
    for (let b = 1; b <= bandsPerTier && start < ids.length; b++) {
      let end = b === bandsPerTier ? ids.length : Math.round(ids.length * b / bandsPerTier);
      while (end < ids.length && end > 0 && scores[ids[end]] === scores[ids[end - 1]]) end++;
      if (end <= start) continue;
      const band = ids.slice(start, end);
      const y = band.map((i) => (converted[i] ? 1 : 0));
      const c = y.reduce((a: number, v) => a + v, 0);
      probabilities.push({
        tier,
        scoreFrom: scores[band[0]],
        scoreTo: scores[band[band.length - 1]],
        contacts: band.length,
        converters: c,
        probability: c / band.length,
        interval: bootstrapInterval(
          y,
          y,
          (_s, l) => l.reduce((a, v) => a + v, 0) / l.length,
          seededRng(++bandSeed),
          { resamples, level, stratified: false },
        ),
      });
      start = end;
    }
  }
  return {
    method: method.method,
    settings: method,
    cuts,
    intervals,
    tiers,
    probabilities,
    rows: scores.length,
    warnings,
  };
}
