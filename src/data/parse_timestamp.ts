/**
 * Timestamps as people and tools write them, to epoch milliseconds UTC: ISO 8601 with or
 * without offset, date only, `dd.mm.yyyy[ hh:mm[:ss]]`, `dd/mm/yyyy` or `mm/dd/yyyy`
 * (the column's convention), `yyyymmdd`, Excel serial dates, Unix seconds and
 * milliseconds (told apart by magnitude).
 */
import { DAY_MS as MS_PER_DAY, utc } from "../tables/mod.ts";

/** Day-first (`dmy`) or month-first (`mdy`) reading of `01/02/2024`. */
export type DateOrder = "dmy" | "mdy";

/** How a timestamp without an offset, or a slash date, is read. */
export interface ParseTimestampOptions {
  /** IANA zone for values without an offset (and Excel serials). @default "UTC" */
  timezone?: string;
  /** How to read `01/02/2024`. @default "dmy" */
  dateOrder?: DateOrder;
}

/**
 * The slash-date convention of one column, learned from its values: the first value
 * whose first part is over 12 makes it day-first, second part over 12 month-first.
 */
export interface DateOrderState {
  order: DateOrder | null;
  /** The value that decided it, for messages. */
  decidedBy: string | null;
  /** Row of that value. */
  decidedRow: number;
}

/** Returned by `readTimestamp` for `01/02/2024` while the column's convention is unknown. */
export const AMBIGUOUS: unique symbol = Symbol("ambiguous date");

// Excel day 25569 is 1970-01-01 (the 1900 system, with its fictitious 1900-02-29).
const EXCEL_EPOCH_DAYS = 25_569;
// Beyond these bounds a number is neither an Excel serial (year 4637+) nor plausible
// Unix seconds (before 1973); refusing beats guessing.
const MAX_EXCEL_SERIAL = 1_000_000;
const MIN_EXCEL_SERIAL = 10_000;
const MIN_UNIX_SECONDS = 100_000_000;
const MIN_UNIX_MS = 100_000_000_000;
const MIN_TS = Date.UTC(1900, 0, 1);
const MAX_TS = Date.UTC(2200, 0, 1);

const ISO =
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const DOTTED =
  /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[\sT,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const SLASHED =
  /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?:[\sT,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([AP]M))?)?$/i;
const NUMERIC = /^[+-]?\d+(?:\.\d+)?$/;
const BASIC_DATE = /^(\d{4})(\d{2})(\d{2})$/;

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();

/** Throws `RangeError` for a zone name Intl does not know. */
export function checkTimezone(timezone: string): void {
  if (timezone === "UTC") return;
  try {
    formatterFor(timezone);
  } catch {
    throw new RangeError(
      `Unknown time zone "${timezone}" (expected an IANA name such as "Europe/Moscow")`,
    );
  }
}

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = offsetFormatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    offsetFormatters.set(timezone, f);
  }
  return f;
}

/** Offset of `timezone` from UTC at instant `utcMs`, in ms; cached per quarter hour. */
function zoneOffset(timezone: string, utcMs: number): number {
  let cache = offsetCache.get(timezone);
  if (!cache) offsetCache.set(timezone, cache = new Map());
  const key = Math.floor(utcMs / 900_000);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timezone).formatToParts(new Date(key * 900_000))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  const offset = wall - key * 900_000;
  if (cache.size > 100_000) cache.clear();
  cache.set(key, offset);
  return offset;
}

/** Wall-clock time in `timezone` (given as if it were UTC) to the UTC instant. */
export function wallTimeToUtc(wallMs: number, timezone: string): number {
  if (timezone === "UTC") return wallMs;
  const first = wallMs - zoneOffset(timezone, wallMs);
  const second = wallMs - zoneOffset(timezone, first);
  return second;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  if (m === 2 && (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return 29;
  return MONTH_DAYS[m - 1];
}

/** The two decimal digits at `i`, or -1 (small enough to be inlined in `fastIso`). */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48, b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Days from 1970-01-01 to a valid proleptic Gregorian date (H. Hinnant's `days_from_civil`):
 * the same day count as `Date.UTC`, without its call into the runtime (about 60 ns, paid
 * on every row of a large file).
 */
function daysFromCivil(y: number, m: number, d: number): number {
  if (m <= 2) y--;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * The common machine-written shapes (`2024-03-05`, `2024-03-05T14:07:09Z`,
 * `2024-03-05 14:07:09`) without a regex; `NaN` hands over to the general parser.
 */
function fastIso(t: string, timezone: string): number {
  const n = t.length;
  if ((n !== 10 && n !== 19 && n !== 20) || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45) {
    return NaN;
  }
  const century = twoDigits(t, 0), year = twoDigits(t, 2);
  const y = century < 0 || year < 0 ? -1 : century * 100 + year;
  const mo = twoDigits(t, 5), d = twoDigits(t, 8);
  if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN;
  const day = daysFromCivil(y, mo, d) * MS_PER_DAY;
  if (n === 10) return wallTimeToUtc(day, timezone);
  const sep = t.charCodeAt(10);
  if ((sep !== 84 && sep !== 32) || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58) return NaN;
  const h = twoDigits(t, 11), mi = twoDigits(t, 14), s = twoDigits(t, 17);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return NaN;
  const wall = day + h * 3_600_000 + mi * 60_000 + s * 1000;
  if (n === 19) return wallTimeToUtc(wall, timezone);
  return t.charCodeAt(19) === 90 ? wall : NaN;
}

function build(
  text: string,
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  frac: string | undefined,
  zone: string | undefined,
  timezone: string,
): number {
  if (mo < 1 || mo > 12) throw new SyntaxError(`Timestamp "${text}" has month ${mo}`);
  if (d < 1 || d > daysInMonth(y, mo)) {
    throw new SyntaxError(
      `Timestamp "${text}" has day ${d}, not in ${y}-${String(mo).padStart(2, "0")}`,
    );
  }
  if (h > 24 || mi > 59 || s > 60 || (h === 24 && (mi > 0 || s > 0))) {
    throw new SyntaxError(`Timestamp "${text}" has an impossible time of day`);
  }
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  // `utc`, not `Date.UTC`: year 0024 is year 24 (then refused as out of range), not 1924.
  const wall = utc(y, mo - 1, d, h, mi, Math.min(s, 59), ms);
  let t: number;
  if (zone === undefined) t = wallTimeToUtc(wall, timezone);
  else if (/^(Z|UTC|GMT)$/i.test(zone)) t = wall;
  else {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 18 || om > 59) throw new SyntaxError(`Timestamp "${text}" has offset ${zone}`);
    t = wall - sign * (oh * 3_600_000 + om * 60_000);
  }
  return t;
}

function checkRange(text: string, t: number): number {
  if (!(t >= MIN_TS && t < MAX_TS)) {
    throw new SyntaxError(
      `Timestamp "${text}" is outside 1900-2199${
        /(?:^|\D)0\d{3}(?:\D|$)|^0\d{7}$/.test(text)
          ? ` (year ${/0\d{3}/.exec(text)![0]} is read as written, not as 19xx)`
          : ""
      }`,
    );
  }
  return t;
}

/** An Excel serial day number (1900 system) read as wall-clock time in `timezone`. */
export function excelSerialToMs(serial: number, timezone = "UTC"): number {
  const wall = Math.round((serial - EXCEL_EPOCH_DAYS) * MS_PER_DAY);
  return wallTimeToUtc(wall, timezone);
}

function fromNumber(n: number, text: string, timezone: string): number {
  if (!Number.isFinite(n)) throw new SyntaxError(`Timestamp "${text}" is not a finite number`);
  const a = Math.abs(n);
  if (a >= MIN_UNIX_MS) return checkRange(text, Math.round(n));
  if (a >= MIN_UNIX_SECONDS) return checkRange(text, Math.round(n * 1000));
  // Small numbers are more likely years or counts than Excel days before 1928.
  if (a >= MIN_EXCEL_SERIAL && a < MAX_EXCEL_SERIAL) {
    return checkRange(text, excelSerialToMs(n, timezone));
  }
  if (a > 0 && a < MIN_EXCEL_SERIAL) {
    throw new SyntaxError(
      `Number "${text}" is too small for a date (as an Excel serial it would be ${
        new Date(excelSerialToMs(n)).toISOString().slice(0, 10)
      })`,
    );
  }
  throw new SyntaxError(
    `Number "${text}" is neither an Excel serial date, Unix seconds nor Unix milliseconds`,
  );
}

/**
 * A date matched by `ISO` or `DOTTED`, whose groups 4 to 8 are the hour, minutes, seconds,
 * fraction and zone either way; only the date parts sit in a different order.
 */
function fromMatch(
  text: string,
  m: RegExpExecArray,
  y: number,
  mo: number,
  d: number,
  timezone: string,
): number {
  return checkRange(
    text,
    build(text, y, mo, d, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), m[7], m[8], timezone),
  );
}

/**
 * Reads one timestamp value. `state` carries the column's slash-date convention:
 * returns `AMBIGUOUS` for `01/02/2024` while it is unknown, and learns it from a
 * deciding value. Throws `SyntaxError` with the reason for an unreadable value.
 */
export function readTimestamp(
  value: string | number | Date,
  timezone: string,
  state: DateOrderState,
  row = 0,
): number | typeof AMBIGUOUS {
  if (typeof value === "number") return fromNumber(value, String(value), timezone);
  if (value instanceof Date) {
    const t = value.getTime();
    if (Number.isNaN(t)) throw new SyntaxError("Timestamp is an invalid date");
    return checkRange(value.toISOString(), t);
  }
  const fast = fastIso(value, timezone);
  if (fast === fast && fast < MAX_TS) return fast;
  const text = value.trim();
  let m = ISO.exec(text);
  if (m) return fromMatch(text, m, +m[1], +m[2], +m[3], timezone);
  m = DOTTED.exec(text);
  if (m) return fromMatch(text, m, +m[3], +m[2], +m[1], timezone);
  m = SLASHED.exec(text);
  if (m) {
    const a = +m[1], b = +m[2];
    let order: DateOrder | null = null;
    if (a > 12 && b <= 12) order = "dmy";
    else if (b > 12 && a <= 12) order = "mdy";
    else if (a > 12 && b > 12) {
      throw new SyntaxError(`Date "${text}" has no part that can be a month`);
    }
    if (order !== null) {
      if (state.order === null) {
        state.order = order;
        state.decidedBy = text;
        state.decidedRow = row;
      } else if (state.order !== order) {
        throw new SyntaxError(
          `Date "${text}" is ${order === "dmy" ? "day" : "month"}-first but the column is ${
            state.order === "dmy" ? "day" : "month"
          }-first (${
            state.decidedRow
              ? `from "${state.decidedBy}" in row ${state.decidedRow}`
              : "as set by dateOrder"
          })`,
        );
      }
    } else if (state.order === null) return AMBIGUOUS;
    const useOrder = order ?? state.order!;
    const day = useOrder === "dmy" ? a : b;
    const month = useOrder === "dmy" ? b : a;
    let h = +(m[4] ?? 0);
    const ampm = m[8]?.toUpperCase();
    if (ampm) {
      if (h < 1 || h > 12) throw new SyntaxError(`Timestamp "${text}" has hour ${h} with ${ampm}`);
      if (ampm === "AM" && h === 12) h = 0;
      if (ampm === "PM" && h !== 12) h += 12;
    }
    return checkRange(
      text,
      build(text, +m[3], month, day, h, +(m[5] ?? 0), +(m[6] ?? 0), m[7], undefined, timezone),
    );
  }
  m = BASIC_DATE.exec(text);
  if (m) {
    return checkRange(
      text,
      build(text, +m[1], +m[2], +m[3], 0, 0, 0, undefined, undefined, timezone),
    );
  }
  if (NUMERIC.test(text)) return fromNumber(Number(text), text, timezone);
  if (text === "") throw new SyntaxError("Timestamp is empty");
  throw new SyntaxError(
    `Cannot read "${
      text.length > 60 ? text.slice(0, 60) + "…" : text
    }" as a timestamp (expected ISO 8601, dd.mm.yyyy, Unix seconds or ms, or an Excel serial)`,
  );
}

/**
 * Parses one timestamp to epoch milliseconds UTC. Throws `SyntaxError` naming the value
 * when it cannot be read.
 */
export function parseTimestamp(
  value: string | number | Date,
  options: ParseTimestampOptions = {},
): number {
  const { timezone = "UTC", dateOrder = "dmy" } = options;
  checkTimezone(timezone);
  // A single value decides for itself; dateOrder only settles `01/02/2024`.
  const t = readTimestamp(value, timezone, { order: null, decidedBy: null, decidedRow: 0 });
  if (t !== AMBIGUOUS) return t;
  return readTimestamp(value, timezone, {
    order: dateOrder,
    decidedBy: "dateOrder",
    decidedRow: 0,
  }) as number;
}
