/**
 * The default cutoffs of calibration and backtests, one rule for the CLI and the workbench
 * (`docs/rules.md`, "Cutoffs and the label").
 */
import { DAY_MS } from "./time.ts";

/** What the data covers: first and last event, last purchase (epoch ms, `null` when none). */
export interface DataSpan {
  /** The first event, epoch ms UTC; `null` without events. */
  eventsFrom: number | null;
  /** The last event; `null` without events. */
  eventsTo: number | null;
  /** The last purchase; `null` without purchases. */
  purchasesTo: number | null;
}

/**
 * The last instant the data is known to cover: the earlier of the last event and the last
 * purchase, since after it one of the two tables may simply not have been exported yet
 * (a purchase after it would be missed, a converter read as a non-converter).
 * `null` without events.
 */
export function dataEnd(span: DataSpan): number | null {
  if (span.eventsTo === null) return null;
  return span.purchasesTo === null ? span.eventsTo : Math.min(span.eventsTo, span.purchasesTo);
}

/**
 * Monthly cutoffs (00:00 UTC on the 1st) from the first month start with a full look-back
 * after the first event to the last whose whole horizon ends by `dataEnd(span)`. Empty when
 * the data spans too little time.
 */
export function defaultCutoffs(
  span: DataSpan,
  lookbackDays: number,
  horizonDays: number,
): number[] {
  const end = dataEnd(span);
  if (span.eventsFrom === null || end === null) return [];
  const earliest = span.eventsFrom + lookbackDays * DAY_MS;
  const start = new Date(earliest);
  const y = start.getUTCFullYear();
  let m = start.getUTCMonth();
  let t = Date.UTC(y, m, 1);
  if (t < earliest) t = Date.UTC(y, ++m, 1);
  const out: number[] = [];
  while (t + horizonDays * DAY_MS <= end) {
    out.push(t);
    t = Date.UTC(y, ++m, 1);
  }
  return out;
}

/** The span of loaded events and purchases, in one pass over each. */
export function dataSpan(
  events: Iterable<{ ts: number }>,
  purchases: Iterable<{ ts: number }> = [],
): DataSpan {
  let from = Infinity;
  let to = -Infinity;
  for (const e of events) {
    if (e.ts < from) from = e.ts;
    if (e.ts > to) to = e.ts;
  }
  let pTo = -Infinity;
  for (const p of purchases) if (p.ts > pTo) pTo = p.ts;
  return {
    eventsFrom: Number.isFinite(from) ? from : null,
    eventsTo: Number.isFinite(to) ? to : null,
    purchasesTo: Number.isFinite(pTo) ? pTo : null,
  };
}
