/** Instants: the day length, ISO dates and instants as written in configs and flags. */

/** Milliseconds in a day. Days are UTC days throughout (`maxPerDay`, look-backs, horizons). */
export const DAY_MS = 86_400_000;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:([T ])(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * `YYYY-MM-DD` (midnight UTC) or an ISO 8601 instant (UTC unless it has an offset);
 * epoch ms, or `null` when the text is not a real date.
 */
export function parseIsoDate(text: string): number | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  if (m[4] === undefined) return utc(y, mo - 1, d);
  const [h, mi, s] = [Number(m[5]), Number(m[6]), Number(m[7] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return null;
  const ms = m[8] ? Number(m[8].slice(0, 3).padEnd(3, "0")) : 0;
  let t = utc(y, mo - 1, d, h, mi, s, ms);
  const tz = m[9];
  if (tz && tz !== "Z") {
    const sign = tz[0] === "-" ? -1 : 1;
    const digits = tz.slice(1).replace(":", "");
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
    t -= sign * offset * 60_000;
  }
  return t;
}

/** True for a bare `YYYY-MM-DD` date, which stands for its whole UTC day. */
export function isBareDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text);
}

/**
 * The last instant a `to` date covers: a bare date covers its whole day (up to
 * 23:59:59.999 UTC), an instant only itself. `null` when the text is not a date.
 */
export function parseIsoDateEnd(text: string): number | null {
  const t = parseIsoDate(text);
  if (t === null) return null;
  return isBareDate(text) ? t + DAY_MS - 1 : t;
}

/** `Date.UTC` that reads years 0-99 as written (not as 1900-1999). */
export function utc(
  year: number,
  monthIndex: number,
  day: number,
  hours = 0,
  minutes = 0,
  seconds = 0,
  ms = 0,
): number {
  const date = new Date(Date.UTC(2000, 0, 1, hours, minutes, seconds, ms));
  date.setUTCFullYear(year, monthIndex, day);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utc(year, month, 0)).getUTCDate();
}

/** Midnight UTC on the first day of the month of `ms`, `add` months later. */
export function startOfMonth(ms: number, add = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1);
}

/** An instant as `2024-03-31T00:00:00Z` (milliseconds only when there are some). */
export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}

/**
 * Instants sorted ascending without repeats. Throws `RangeError` for an empty list and
 * `TypeError` for a value that is not a finite number; `doing` names the work in the message
 * (`"score"`, `"write SQL"`).
 */
export function checkInstants(asOf: readonly number[], doing = "score"): number[] {
  if (asOf.length === 0) throw new RangeError(`Cannot ${doing}: no instant given (asOf is empty)`);
  for (const t of asOf) {
    if (typeof t !== "number" || !Number.isFinite(t)) {
      throw new TypeError(`Cannot ${doing} as of "${t}": expected epoch milliseconds`);
    }
  }
  return [...new Set(asOf)].sort((a, b) => a - b);
}
