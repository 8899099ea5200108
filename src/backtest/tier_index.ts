import { type TierTable, tierTable } from "./mod.ts";
import { tierCode } from "../tables/mod.ts";

const [LOW, MEDIUM, HIGH] = [tierCode("low"), tierCode("medium"), tierCode("high")];

/**
 * Live re-tiering for the threshold tuner: the scores are sorted once, then any pair of
 * thresholds is answered with two binary searches and prefix sums, never by re-scoring.
 * Moving a slider over a million contacts costs microseconds, not a scoring run.
 */

/** Tier sizes and outcomes at one pair of thresholds. */
export interface TierSplit {
  tier: "high" | "medium" | "low";
  /** Contacts in the tier. */
  count: number;
  /** Converters in the tier (0 without labels). */
  converters: number;
  /** converters / count, `NaN` for an empty tier. */
  conversion: number;
  /** 95 % Wilson interval of `conversion`: `[NaN, NaN]` for an empty tier. */
  interval: [number, number];
  /** conversion / overall conversion. */
  lift: number;
  /** Share of all converters in this tier. */
  capture: number;
}

export interface TierIndex {
  /** Number of scored contacts. */
  size: number;
  /** Converters among them. */
  converters: number;
  /** Contacts with score `>= threshold`. */
  countAtLeast(threshold: number): number;
  /** High, medium, low at `{high, medium}` (medium is capped at high). */
  split(tiers: { high: number; medium: number }): TierSplit[];
  /** Tier codes (`TIERS`: 3 high, 2 medium, 1 low) per contact in input order. */
  codes(tiers: { high: number; medium: number }, out?: Uint8Array): Uint8Array;
  /** The score below which `fraction` of contacts fall (nearest rank). */
  quantile(fraction: number): number;
}

/**
 * Indexes `scores` (and optional 0/1 `converted`, same order) for fast tier splits.
 * Throws `RangeError` when the lengths differ or a score is not finite.
 */
export function createTierIndex(
  scores: ArrayLike<number>,
  converted?: ArrayLike<number | boolean>,
): TierIndex {
  const n = scores.length;
  if (converted && converted.length !== n) {
    throw new RangeError(
      `Cannot index tiers: ${n} scores but ${converted.length} conversion labels`,
    );
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(scores[i])) {
      throw new RangeError(`Cannot index tiers: score at position ${i} is "${scores[i]}"`);
    }
    order[i] = i;
  }
  const source = Float64Array.from(scores);
  order.sort((a, b) => source[a] - source[b]);
  const sorted = new Float64Array(n);
  // prefix[k] = converters among the k lowest scores.
  const prefix = new Uint32Array(n + 1);
  for (let k = 0; k < n; k++) {
    sorted[k] = source[order[k]];
    prefix[k + 1] = prefix[k] + (converted && converted[order[k]] ? 1 : 0);
  }
  const total = prefix[n];
  const rate = n ? total / n : NaN;

  /** Index of the first sorted score `>= x`. */
  const lowerBound = (x: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const stats = (tier: TierSplit["tier"], from: number, to: number): TierSplit => {
    const count = to - from;
    const conv = prefix[to] - prefix[from];
    const conversion = count ? conv / count : NaN;
    return {
      tier,
      count,
      converters: conv,
      conversion,
      interval: wilson(conv, count),
      lift: conversion / rate,
      capture: total ? conv / total : NaN,
    };
  };

  return {
    size: n,
    converters: total,
    countAtLeast: (t) => n - lowerBound(t),
    split({ high, medium }) {
      const h = lowerBound(high);
      const m = Math.min(lowerBound(medium), h);
      return [stats("high", h, n), stats("medium", m, h), stats("low", 0, m)];
    },
    codes({ high, medium }, out = new Uint8Array(n)) {
      for (let i = 0; i < n; i++) {
        const s = source[i];
        out[i] = s >= high ? HIGH : s >= medium ? MEDIUM : LOW;
      }
      return out;
    },
    quantile(fraction) {
      if (!n) return NaN;
      const k = Math.min(n - 1, Math.max(0, Math.ceil(fraction * n) - 1));
      return sorted[k];
    },
  };
}

/** 95 % Wilson score interval for `k` successes out of `n`. */
export function wilson(k: number, n: number, z = 1.959963984540054): [number, number] {
  if (!n) return [NaN, NaN];
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** One replay period re-tiered: the backtest module's tier table at other thresholds. */
export interface RetieredPeriod extends TierTable {
  asOf: number;
}

/**
 * The periods of a replay (kept with its contacts) re-tiered at other thresholds, from the
 * kept scores: unscored and absent contacts stay as they were, scored ones move by score.
 * The tables come from the backtest module's `tierTable`. Throws `TypeError` when the
 * replay kept no contacts.
 */
export function retierPeriods(
  replay: {
    periods: { asOf: number }[];
    scores?: Float64Array[];
    /** Tier code per contact (the backtest module's `TIERS` order), -1 when absent. */
    tierCodes?: Int8Array[];
    converted?: Uint8Array[];
  },
  tiers: { high: number; medium: number },
): RetieredPeriod[] {
  const { scores, tierCodes, converted } = replay;
  if (!scores || !tierCodes) {
    throw new TypeError("Cannot re-tier periods: the replay kept no contacts (keepContacts)");
  }
  const UNSCORED = tierCode("unscored");
  return replay.periods.map((p, k) => {
    const codes: number[] = [];
    const conv: number[] = [];
    const s = scores[k];
    tierCodes[k].forEach((code, i) => {
      if (code < 0) return;
      codes.push(
        code === UNSCORED
          ? UNSCORED
          : s[i] >= tiers.high
          ? HIGH
          : s[i] >= tiers.medium
          ? MEDIUM
          : LOW,
      );
      conv.push(converted?.[k][i] ? 1 : 0);
    });
    return { asOf: p.asOf, ...tierTable(codes, conv) };
  });
}
