/** The generator's options as a person writes them, and the same filled and checked. */
import { DAY_MS } from "../../src/tables/mod.ts";
import { expectedEventsPerContact, HORIZON_DAYS, LOOKBACK_DAYS } from "./model.ts";

/** Options of `generateDataset` and `writeDataset`. */
export interface GenerateOptions {
  /** Number of contacts. @default 5000 */
  contacts?: number;
  /** Seed of the random stream; the same seed gives the same base. @default 1 */
  seed?: number;
  /** Months of events, from `start`. @default 12 */
  months?: number;
  /** First day of the events, `YYYY-MM-DD`, UTC. @default "2024-01-01" */
  start?: string;
  /**
   * Events wanted; when set, contacts are drawn until their events reach it (the last contact
   * is kept whole) and `contacts` is ignored. The per-contact model is the same, so is the
   * ground truth; ids may be a digit wider than in a base of that many contacts.
   * @default undefined
   */
  eventsTarget?: number;
}

/** `GenerateOptions` with every default filled and the calendar worked out. */
export interface ResolvedOptions {
  /** Contacts to generate, or the most to generate when `eventsTarget` is set. */
  contacts: number;
  /** Stop after the contact that brings the events to this many. */
  eventsTarget: number;
  /** Digits of a contact id. */
  idWidth: number;
  seed: number;
  months: number;
  startMs: number;
  endMs: number;
  /** Midnight UTC on the 1st of each month, `months + 1` of them (the last is `endMs`). */
  monthStarts: number[];
  cutoffs: number[];
  lookbackDays: number;
  horizonDays: number;
}

/** Fills the defaults of `options` and checks them; throws on a bad option. */
export function resolveOptions(options: GenerateOptions): ResolvedOptions {
  const { seed = 1, months = 12, start = "2024-01-01", eventsTarget } = options;
  let { contacts = 5000 } = options;
  if (!Number.isInteger(seed)) {
    throw new TypeError(`Cannot generate: seed "${seed}" is not an integer`);
  }
  if (!Number.isInteger(months) || months < 5 || months > 120) {
    throw new RangeError(`Cannot generate: months "${months}" must be an integer in 5..120`);
  }
  const m = /^(\d{4})-(\d{2})-01$/.exec(start);
  if (!m) {
    throw new SyntaxError(
      `Cannot generate: start "${start}" must be the 1st of a month, YYYY-MM-01`,
    );
  }
  if (eventsTarget !== undefined) {
    if (!(eventsTarget > 0) || !Number.isFinite(eventsTarget)) {
      throw new RangeError(
        `Cannot generate: events target "${eventsTarget}" must be a positive number`,
      );
    }
    // Room for five times the expected number of contacts: the stream stops at the target.
    contacts = 5 * Math.max(1, Math.round(eventsTarget / expectedEventsPerContact(months)));
  }
  if (!Number.isInteger(contacts) || contacts < 1 || contacts > 50_000_000) {
    throw new RangeError(
      `Cannot generate: contacts "${contacts}" must be an integer in 1..50000000`,
    );
  }
  const y = Number(m[1]), mo = Number(m[2]) - 1;
  const monthStarts: number[] = [];
  for (let k = 0; k <= months; k++) monthStarts.push(Date.UTC(y, mo + k, 1));
  const startMs = monthStarts[0], endMs = monthStarts[months];
  const lookbackDays = LOOKBACK_DAYS, horizonDays = HORIZON_DAYS;
  // A cutoff needs a full lookback inside the data and a full horizon before the end.
  const cutoffs = monthStarts.slice(1, months).filter((c) =>
    c - lookbackDays * DAY_MS >= startMs && c + horizonDays * DAY_MS <= endMs
  );
  return {
    contacts,
    eventsTarget: eventsTarget ?? Infinity,
    idWidth: Math.max(6, String(contacts * 2).length),
    seed,
    months,
    startMs,
    endMs,
    monthStarts,
    cutoffs,
    lookbackDays,
    horizonDays,
  };
}
