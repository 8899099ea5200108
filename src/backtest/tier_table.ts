/** Per-tier counts, conversion, lift and capture of one period. */
import type { TierOrUnscored } from "../config/types.ts";
import { TIERS } from "../tables/mod.ts";

/** One tier of one period. */
export interface TierStats {
  /** Contacts in the tier. */
  contacts: number;
  /** Contacts of this tier with a purchase within the horizon. */
  converters: number;
  /** `converters / contacts`; `null` for an empty tier. */
  conversionRate: number | null;
  /** Tier rate / overall rate (all contacts of the period); `null` when either is undefined or the overall rate is 0. */
  lift: number | null;
  /** Share of all the period's converters in this tier; `null` when nobody converted. */
  capture: number | null;
}

/** A period's contacts and converters, overall and per tier. */
export interface TierTable {
  /** All contacts of the period. */
  contacts: number;
  /** Of those, the ones with a purchase within the horizon. */
  converters: number;
  /** Over all contacts of the period, unscored included. */
  conversionRate: number | null;
  /** Per tier, unscored included. */
  tiers: Record<TierOrUnscored, TierStats>;
}

/** Tier statistics from tier codes (see `TIERS`) and 0/1 conversion flags of the same contacts. */
export function tierTable(tiers: ArrayLike<number>, converted: ArrayLike<number>): TierTable {
  if (tiers.length !== converted.length) {
    throw new RangeError(
      `Cannot tabulate tiers: ${tiers.length} tiers but ${converted.length} conversion flags`,
    );
  }
  const contacts = new Float64Array(TIERS.length);
  const conv = new Float64Array(TIERS.length);
  for (let i = 0; i < tiers.length; i++) {
    contacts[tiers[i]]++;
    if (converted[i]) conv[tiers[i]]++;
  }
  const total = tiers.length;
  const totalConverters = conv.reduce((a, b) => a + b, 0);
  const overall = total > 0 ? totalConverters / total : null;
  const out = {} as Record<TierOrUnscored, TierStats>;
  TIERS.forEach((name, code) => {
    const rate = contacts[code] > 0 ? conv[code] / contacts[code] : null;
    out[name] = {
      contacts: contacts[code],
      converters: conv[code],
      conversionRate: rate,
      lift: rate !== null && overall ? rate / overall : null,
      capture: totalConverters > 0 ? conv[code] / totalConverters : null,
    };
  });
  return { contacts: total, converters: totalConverters, conversionRate: overall, tiers: out };
}
