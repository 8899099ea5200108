/** The label calibration and backtests learn and judge: a purchase soon after the cutoff. */
import { DAY_MS } from "./time.ts";
import type { PurchaseRow } from "./rows.ts";

/**
 * True when a purchase at `ts` counts as converting for cutoff `asOf`: it falls in
 * `(asOf, asOf + horizonDays]`. A purchase at the cutoff itself is history, not a result.
 */
export function convertsWithin(ts: number, asOf: number, horizonDays: number): boolean {
  return ts > asOf && ts <= asOf + horizonDays * DAY_MS;
}

/**
 * For each instant `T` in `asOf`, the set of contacts with a purchase in
 * `(T, T + horizonDays]`: a purchase exactly at `T` is history, not a conversion, since the
 * score at `T` may already have read it.
 */
export function convertersWithin(
  purchases: Iterable<PurchaseRow>,
  asOf: number[],
  horizonDays: number,
): Set<string>[] {
  if (!(horizonDays > 0) || !Number.isFinite(horizonDays)) {
    throw new RangeError(
      `Cannot find converters: horizon "${horizonDays}" days must be a positive number`,
    );
  }
  const list = [...purchases];
  const order = list.map((_, i) => i).sort((a, b) => list[a].ts - list[b].ts);
  const ts = Float64Array.from(order, (i) => list[i].ts);
  // First index with ts > t.
  const upper = (t: number) => {
    let lo = 0, hi = ts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ts[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return asOf.map((t) => {
    const set = new Set<string>();
    const end = upper(t + horizonDays * DAY_MS);
    for (let k = upper(t); k < end; k++) set.add(list[order[k]].contact_id);
    return set;
  });
}
