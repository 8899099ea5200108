/** The instants T1..Tn a backtest scores at: every week or month between two dates. */
import { DAY_MS as DAY } from "../tables/mod.ts";

/** How far apart the instants of `periodInstants` are. */
export interface PeriodInstantsOptions {
  /** Step between instants. @default "month" */
  every?: "week" | "month";
}

/**
 * Instants from `from` to `to` inclusive (epoch ms, UTC), one `every` apart.
 * Months step by calendar month keeping the day of month, clamped to the month's last
 * day (Jan 31 -> Feb 29 -> Mar 31), so month-end cutoffs stay month ends.
 */
export function periodInstants(
  from: number,
  to: number,
  options: PeriodInstantsOptions = {},
): number[] {
  const { every = "month" } = options;
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    throw new TypeError(`Cannot list periods: "${from}" and "${to}" must be instants`);
  }
  if (to < from) {
    throw new RangeError(
      `Cannot list periods: end "${new Date(to).toISOString()}" is before start "${
        new Date(from).toISOString()
      }"`,
    );
  }
  if (every !== "week" && every !== "month") {
    throw new RangeError(`Cannot list periods: step "${every}" must be "week" or "month"`);
  }
  const out: number[] = [];
  if (every === "week") {
    for (let t = from; t <= to; t += 7 * DAY) out.push(t);
    return out;
  }
  const start = new Date(from);
  const day = start.getUTCDate();
  const lastDayOfStart = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0))
    .getUTCDate();
  const monthEnd = day === lastDayOfStart;
  const timeOfDay = from - Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), day);
  for (let k = 0;; k++) {
    const y = start.getUTCFullYear();
    const m = start.getUTCMonth() + k;
    const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    const d = monthEnd ? last : Math.min(day, last);
    const t = Date.UTC(y, m, d) + timeOfDay;
    if (t > to) break;
    out.push(t);
  }
  return out;
}
