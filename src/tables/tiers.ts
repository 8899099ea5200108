/** Tier names and their small-integer codes, the one numbering every module uses. */

/** A tier a scored contact lands in. */
export type TierName = "high" | "medium" | "low";
/** A tier, or `unscored` for a contact outside the audience or without data. */
export type TierOrUnscored = TierName | "unscored";

/**
 * Index = code: 0 unscored, 1 low, 2 medium, 3 high (rising interest), so a period of a
 * million contacts fits in a `Uint8Array` and `code >= tierCode("medium")` reads naturally.
 */
export const TIERS: readonly TierOrUnscored[] = ["unscored", "low", "medium", "high"];

/** Tiers from the hottest down, the order reports list them in. */
export const TIERS_HIGH_FIRST: readonly TierOrUnscored[] = ["high", "medium", "low", "unscored"];

/** The code of a tier (see `TIERS`). Throws `RangeError` for another name. */
export function tierCode(tier: TierOrUnscored): number {
  const code = TIERS.indexOf(tier);
  if (code < 0) throw new RangeError(`Cannot read tier "${tier}"`);
  return code;
}

/** The tier a score falls in: at or above `high` is high, at or above `medium` medium. */
export function tierOf(score: number, tiers: { high: number; medium: number }): TierName {
  return score >= tiers.high ? "high" : score >= tiers.medium ? "medium" : "low";
}
