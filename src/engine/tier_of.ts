import type { TierName, TierOrUnscored, TiersSpec } from "../config/types.ts";

/** Tier of a final global score: `>= high` is `high`, `>= medium` is `medium`, else `low`. */
export function tierOf(score: number, tiers: TiersSpec): TierName {
  if (score >= tiers.high) return "high";
  if (score >= tiers.medium) return "medium";
  return "low";
}

/** Order of tiers for triggers: a contact "rises" when its rank grows. */
export const TIER_RANK: Record<TierOrUnscored, number> = {
  unscored: 0,
  low: 1,
  medium: 2,
  high: 3,
};
