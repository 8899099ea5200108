/** Pieces shared by snapshot and temporal calibration. */
import type { TiersSpec } from "../config/types.ts";
import { auc } from "../metrics/mod.ts";

const TRUE_TEXT = new Set(["1", "true", "yes", "y", "t"]);
const FALSE_TEXT = new Set(["0", "false", "no", "n", "f"]);

/**
 * Reads a label cell as 0/1: `1`/`0`, booleans, or text `yes`/`no`, `true`/`false`, `y`/`n`
 * (any case). Anything else throws, naming the contact and the value.
 */
export function parseLabel(value: unknown, column: string, contactId: string): 0 | 1 {
  if (value === 1 || value === true) return 1;
  if (value === 0 || value === false) return 0;
  if (typeof value === "string") {
    const t = value.trim().toLowerCase();
    if (TRUE_TEXT.has(t)) return 1;
    if (FALSE_TEXT.has(t)) return 0;
  }
  throw new RangeError(
    `Cannot read label column "${column}" of contact "${contactId}": "${value}" is not 0/1, true/false or yes/no`,
  );
}

/**
 * A uniform number in [0, 1) from a contact id and a seed (FNV-1a, then an avalanche), so a
 * random hold-out depends on neither row order nor the other contacts.
 */
export function hashUniform(id: string, seed: number): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Value at quantile `q` (nearest rank, lower) of `xs` (`sorted` says it is sorted already). */
export function quantile(xs: ArrayLike<number>, q: number, sorted = false): number {
  const s = sorted ? xs : Float64Array.from(xs).sort();
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** Options for `proposeTiers`. */
export interface TierProposalOptions {
  /** Share of scored contacts meant for `high`. @default 0.1 */
  highShare?: number;
  /** Share of scored contacts meant for `medium` (below `high`). @default 0.3 */
  mediumShare?: number;
}

/**
 * Tier thresholds from training scores: `high` at the top `highShare`, `medium` at the next
 * `mediumShare`. With whole-number scores ties can push a share over its target; the
 * thresholds always satisfy `high > medium`.
 */
export function proposeTiers(
  scores: ArrayLike<number>,
  options: TierProposalOptions = {},
): TiersSpec {
  const { highShare = 0.1, mediumShare = 0.3 } = options;
  if (!(highShare > 0 && mediumShare > 0 && highShare + mediumShare < 1)) {
    throw new RangeError(
      `Cannot propose tiers: shares must be positive with highShare + mediumShare < 1, got "${highShare}" and "${mediumShare}"`,
    );
  }
  if (scores.length === 0) throw new RangeError("Cannot propose tiers: no training scores");
  const sorted = Float64Array.from(scores).sort();
  let high = quantile(sorted, 1 - highShare, true);
  let medium = quantile(sorted, 1 - highShare - mediumShare, true);
  if (!(high > medium)) {
    // Too many ties: put `high` just above the crowded value.
    high = medium + 1;
  }
  high = Math.ceil(high);
  medium = Math.min(Math.ceil(medium), high - 1);
  return { high, medium };
}

/** AUC lost by rounding: `auc(exact) - auc(rounded)` (positive means rounding hurt). */
export function roundingCost(
  exact: ArrayLike<number>,
  rounded: ArrayLike<number>,
  labels: ArrayLike<number>,
): number {
  return auc(exact, labels) - auc(rounded, labels);
}

/** Lower-case, dash-separated id text: `lead_source=Google` -> `lead_source-google`. */
export function slug(text: string): string {
  const s = text.normalize("NFKD").toLowerCase().replace(/\+/g, "plus").replace(/<=/g, "le")
    .replace(/>=/g, "ge")
    .replace(/</g, "lt").replace(/[^\p{L}\p{N}_.]+/gu, "-").replace(/^-+|-+$/g, "");
  return s === "" ? "rule" : s.slice(0, 80);
}

/** Makes ids unique by suffixing `-2`, `-3`, ... in order of first use. */
export function uniqueIds(ids: string[]): string[] {
  const seen = new Set<string>();
  return ids.map((id) => {
    let out = id;
    for (let k = 2; seen.has(out); k++) out = `${id}-${k}`;
    seen.add(out);
    return out;
  });
}

/** Training scores at a few percentiles and the probability the score map gives them. */
export function scoreTable(
  scores: ArrayLike<number>,
  map: { atZero: number; perPoint: number },
): { percentile: number; score: number; probability: number }[] {
  if (scores.length === 0) return [];
  const sorted = Float64Array.from(scores).sort();
  return [0, 10, 25, 50, 75, 90, 95, 99, 100].map((percentile) => {
    const score = quantile(sorted, percentile / 100, true);
    return {
      percentile,
      score,
      probability: 1 / (1 + Math.exp(-(map.atZero + map.perPoint * score))),
    };
  });
}
