import { _checkScored, _orderDescending } from "./_check.ts";

/** Options for `gainsTable`. */
export interface GainsTableOptions {
  /** Number of groups: 10 gives deciles. @default 10 */
  groups?: number;
}

/** One group of a gains table, best scores first. */
export interface GainsRow {
  /** 1 = the top group. */
  group: number;
  /** Lowest score in the group. */
  minScore: number;
  /** Highest score in the group. */
  maxScore: number;
  /** Rows in the group. */
  count: number;
  /** Of those, rows labelled 1. */
  converters: number;
  /** Conversion rate in the group. */
  rate: number;
  /** Rate in the group over the overall rate. */
  lift: number;
  /** Share of all converters found in this group. */
  capture: number;
  /** Rows in this group and the ones above it. */
  cumulativeCount: number;
  /** Converters in this group and the ones above it. */
  cumulativeConverters: number;
  /** Conversion rate of this group and the ones above it. */
  cumulativeRate: number;
  /** `cumulativeRate` over the overall rate. */
  cumulativeLift: number;
  /** Share of all converters found in this group and the ones above it. */
  cumulativeCapture: number;
  /** Share of all contacts in this group and the ones above it. */
  cumulativeShare: number;
}

/**
 * Gains and lift table by score groups (deciles by default), best scores first.
 * Contacts are ranked by descending score; a block of tied scores stays in one group (the
 * group of its first member) so the table never depends on input order, which means
 * groups can be uneven and empty groups are left out.
 */
export function gainsTable(
  scores: ArrayLike<number>,
  labels: ArrayLike<number | boolean>,
  options: GainsTableOptions = {},
): GainsRow[] {
  const { groups = 10 } = options;
  if (!Number.isInteger(groups) || groups < 1) {
    throw new RangeError(
      `Cannot build a gains table: groups must be a positive integer, got "${groups}"`,
    );
  }
  const { scores: s, labels: y, positives } = _checkScored("a gains table", scores, labels);
  const n = s.length;
  const overall = positives / n;
  const order = _orderDescending(s);
  const acc = Array.from({ length: groups }, () => ({
    count: 0,
    converters: 0,
    min: Infinity,
    max: -Infinity,
  }));
  for (let i = 0; i < n;) {
    const g = acc[Math.floor((i * groups) / n)];
    const v = s[order[i]];
    while (i < n && s[order[i]] === v) {
      g.count++;
      g.converters += y[order[i]];
      g.min = Math.min(g.min, v);
      g.max = Math.max(g.max, v);
      i++;
    }
  }
  const rows: GainsRow[] = [];
  let cumCount = 0;
  let cumConv = 0;
  acc.forEach((g, k) => {
    if (g.count === 0) return;
    cumCount += g.count;
    cumConv += g.converters;
    const rate = g.converters / g.count;
    const cumRate = cumConv / cumCount;
    rows.push({
      group: k + 1,
      minScore: g.min,
      maxScore: g.max,
      count: g.count,
      converters: g.converters,
      rate,
      lift: rate / overall,
      capture: g.converters / positives,
      cumulativeCount: cumCount,
      cumulativeConverters: cumConv,
      cumulativeRate: cumRate,
      cumulativeLift: cumRate / overall,
      cumulativeCapture: cumConv / positives,
      cumulativeShare: cumCount / n,
    });
  });
  return rows;
}
