/** Tiers as small integers, so a period of a million contacts fits in a `Uint8Array`. */
import type { TierOrUnscored } from "../config/types.ts";

/** Index = code: 0 unscored, 1 low, 2 medium, 3 high (rising interest). */
export const TIERS: readonly TierOrUnscored[] = ["unscored", "low", "medium", "high"];

/** Tiers from the hottest down, the order reports list them in. */
export const TIERS_HIGH_FIRST: readonly TierOrUnscored[] = ["high", "medium", "low", "unscored"];

export function tierCode(tier: TierOrUnscored): number {
  const code = TIERS.indexOf(tier);
  if (code < 0) throw new RangeError(`Cannot read tier "${tier}"`);
  return code;
}
