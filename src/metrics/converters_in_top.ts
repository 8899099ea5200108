import { _checkScored, _orderDescending } from "./_check.ts";

/** Options for `convertersInTop`. */
export interface ConvertersInTopOptions {
  /** Share of the rows, best scored first, that counts as the top. @default 0.2 */
  share?: number;
}

/** Converters found among the best-scored rows. */
export interface TopShare {
  /** The share asked for. */
  share: number;
  /** Rows in the top: `share * n`, not rounded. */
  rows: number;
  /**
   * Converters among them. A block of tied scores that straddles the edge of the top counts
   * in proportion to the part of it inside (what a random order within the tie would give on
   * average), so the figure never depends on input order.
   */
  converters: number;
  /** `converters` over all converters (`NaN` without any). */
  capture: number;
}

/**
 * How many converters the best-scored `share` of the rows holds: "buyers in the top 20 %",
 * the figure a sales team reads off a lead list.
 */
export function convertersInTop(
  scores: ArrayLike<number>,
  labels: ArrayLike<number | boolean>,
  options: ConvertersInTopOptions = {},
): TopShare {
  const { share = 0.2 } = options;
  if (typeof share !== "number" || !(share > 0 && share <= 1)) {
    throw new RangeError(
      `Cannot count converters in the top: share must be in (0, 1], got "${share}"`,
    );
  }
  const { scores: s, labels: y, positives } = _checkScored("converters in the top", scores, labels);
  const n = s.length;
  const quota = share * n;
  const order = _orderDescending(s);
  let taken = 0;
  let converters = 0;
  for (let i = 0; i < n && taken < quota;) {
    // One block of equal scores at a time.
    let j = i;
    let blockConverters = 0;
    while (j < n && s[order[j]] === s[order[i]]) blockConverters += y[order[j++]];
    const size = j - i;
    const inside = Math.min(size, quota - taken);
    converters += blockConverters * (inside / size);
    taken += inside;
    i = j;
  }
  return { share, rows: quota, converters, capture: positives ? converters / positives : NaN };
}
