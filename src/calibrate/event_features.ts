/**
 * Event features of temporal calibration: what is counted per contact in the look-back
 * window before each cutoff. A feature is an event type, optionally with one column equal
 * to one value, so each maps onto one config rule (`on` + `where: { col: { eq: value } }`)
 * and the engine, adding points per kept match, reproduces the count exactly.
 */
import type { EventRuleSpec, Predicate } from "../config/types.ts";
import type { EventRow } from "../tables/mod.ts";
import { slug } from "./_common.ts";
import { DAY_MS } from "../tables/mod.ts";

/** One candidate event feature. */
export interface EventFeature {
  /** Readable id, also the rule id: `email_click`, `page_view-url-https-shop.example-pricing`. */
  id: string;
  /** `type:email_click` or `page_view url=https://shop.example/pricing`. */
  label: string;
  /** The event type counted. */
  on: string;
  /** Column and value for a value feature. */
  column?: string;
  /** The value of `column` the event must have. */
  value?: string;
}

/** Options for `candidateFeatures`. */
export interface CandidateOptions {
  /** Columns whose frequent values become features. @default ["url", "source", "phrase", "email_id", "channel"] */
  columns?: string[];
  /** Most values per event type and column. @default 8 */
  maxValuesPerColumn?: number;
  /** Fewest events (in the training windows) a feature needs. @default 20 */
  minEvents?: number;
  /**
   * A value covering more than this share of its type's events says nothing the type does
   * not (and would make the fit singular). @default 0.95
   */
  maxShareOfType?: number;
}

/** The `where` of a feature's rule. */
export function featureWhere(f: EventFeature): Record<string, Predicate> | undefined {
  return f.column === undefined ? undefined : { [f.column]: { eq: f.value! } };
}

/** The config rule of a feature. */
export function featureRule(f: EventFeature, points: number, idPrefix = ""): EventRuleSpec {
  const rule: EventRuleSpec = { id: idPrefix + f.id, on: f.on, points, description: f.label };
  const where = featureWhere(f);
  if (where) rule.where = where;
  return rule;
}

/** Whether the event falls in the window of cutoff `t`: `t - lookback < ts <= t`. */
export function inWindow(ts: number, t: number, lookbackMs: number): boolean {
  return ts <= t && ts > t - lookbackMs;
}

/**
 * Candidate features from the events inside the windows of `cutoffs` (events after every
 * cutoff are never looked at): every event type with at least `minEvents` events, and for
 * each type and column its most frequent values.
 */
export function candidateFeatures(
  events: Iterable<EventRow>,
  cutoffs: number[],
  lookbackDays: number,
  options: CandidateOptions = {},
): EventFeature[] {
  const {
    columns = ["url", "source", "phrase", "email_id", "channel"],
    maxValuesPerColumn = 8,
    minEvents = 20,
    maxShareOfType = 0.95,
  } = options;
  if (!Number.isInteger(maxValuesPerColumn) || maxValuesPerColumn < 0) {
    throw new RangeError(
      `Cannot list event features: maxValuesPerColumn must be an integer >= 0, got "${maxValuesPerColumn}"`,
    );
  }
  if (!(minEvents >= 1)) {
    throw new RangeError(`Cannot list event features: minEvents must be >= 1, got "${minEvents}"`);
  }
  const lookbackMs = lookbackDays * DAY_MS;
  const sorted = [...cutoffs].sort((a, b) => a - b);
  const typeCount = new Map<string, number>();
  const valueCount = new Map<string, Map<string, Map<string, number>>>();
  for (const e of events) {
    if (!sorted.some((t) => inWindow(e.ts, t, lookbackMs))) continue;
    typeCount.set(e.type, (typeCount.get(e.type) ?? 0) + 1);
    let byCol = valueCount.get(e.type);
    if (!byCol) valueCount.set(e.type, byCol = new Map());
    for (const col of columns) {
      const v = e[col];
      if (v === null || v === undefined || v === "") continue;
      const key = String(v);
      let m = byCol.get(col);
      if (!m) byCol.set(col, m = new Map());
      m.set(key, (m.get(key) ?? 0) + 1);
    }
  }
  const out: EventFeature[] = [];
  for (const [type, n] of [...typeCount].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (n < minEvents) continue;
    out.push({ id: slug(type), label: `type:${type}`, on: type });
    const byCol = valueCount.get(type)!;
    for (const col of columns) {
      const m = byCol.get(col);
      if (!m) continue;
      const top = [...m].filter(([, c]) => c >= minEvents && c <= maxShareOfType * n)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, maxValuesPerColumn);
      // Rarest first: when the values cover every event of the type, the most frequent one
      // comes last and is the one left out as a sum of the others (the reference level).
      top.reverse();
      for (const [value] of top) {
        out.push({
          id: slug(`${type} ${col} ${value}`),
          label: `${type} ${col}=${value}`,
          on: type,
          column: col,
          value,
        });
      }
    }
  }
  const seen = new Set<string>();
  for (const f of out) {
    let id = f.id;
    for (let k = 2; seen.has(id); k++) id = `${f.id}-${k}`;
    f.id = id;
    seen.add(id);
  }
  return out;
}

/** Options for `countFeatures`. */
export interface CountOptions {
  /** Days before a cutoff whose events are counted. @default 90 */
  lookbackDays?: number;
  /** Each event counts `0.5^(age / halfLife)` instead of 1, as the engine's decay. @default null */
  halfLifeDays?: number | null;
}

/** Which (contact, cutoff) pairs are rows of the design matrix. */
export interface RowIndex {
  /** The cutoffs, epoch ms UTC, ascending. */
  cutoffs: number[];
  /** Per cutoff, the row number of each eligible contact id. */
  rowOf: Map<string, number>[];
  /** Rows of the design matrix. */
  rows: number;
}

/**
 * Counts each feature per row (contact x cutoff) over the events in the window
 * `cutoff - lookback < ts <= cutoff`; returns a row-major `rows x features` matrix. An
 * event after a cutoff is never counted for it.
 */
export function countFeatures(
  events: Iterable<EventRow>,
  features: EventFeature[],
  index: RowIndex,
  options: CountOptions = {},
): Float64Array {
  const { lookbackDays = 90, halfLifeDays = null } = options;
  const lookbackMs = lookbackDays * DAY_MS;
  const p = features.length;
  const X = new Float64Array(index.rows * p);
  const byType = new Map<string, number>();
  const byValue = new Map<string, number[]>();
  features.forEach((f, j) => {
    if (f.column === undefined) byType.set(f.on, j);
    else {
      const key = `${f.on}\u0000${f.column}\u0000${f.value}`;
      byValue.set(key, [...(byValue.get(key) ?? []), j]);
    }
  });
  const columns = [
    ...new Set(features.filter((f) => f.column !== undefined).map((f) => f.column!)),
  ];
  const halfLifeMs = halfLifeDays ? halfLifeDays * DAY_MS : 0;
  for (const e of events) {
    const typeJ = byType.get(e.type);
    let valueJs: number[] | null = null;
    for (const col of columns) {
      const v = e[col];
      if (v === null || v === undefined || v === "") continue;
      const js = byValue.get(`${e.type}\u0000${col}\u0000${String(v)}`);
      if (js) valueJs = valueJs ? [...valueJs, ...js] : js;
    }
    if (typeJ === undefined && !valueJs) continue;
    for (let k = 0; k < index.cutoffs.length; k++) {
      const t = index.cutoffs[k];
      if (!inWindow(e.ts, t, lookbackMs)) continue;
      const row = index.rowOf[k].get(e.contact_id);
      if (row === undefined) continue;
      const w = halfLifeMs ? Math.pow(0.5, (t - e.ts) / halfLifeMs) : 1;
      if (typeJ !== undefined) X[row * p + typeJ] += w;
      if (valueJs) { for (const j of valueJs) X[row * p + j] += w; }
    }
  }
  return X;
}
