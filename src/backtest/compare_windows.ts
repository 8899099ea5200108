/**
 * Period settings compared: the same rules replayed under a grid of lookback and half-life
 * values, chosen on earlier periods and judged on later ones (out of time).
 */
import type { ScoringConfig } from "../config/types.ts";
import { isOneShot, replay, type ReplayInput } from "./replay.ts";

/** Instants, horizon and the grid of window settings to replay. */
export interface CompareWindowsOptions {
  /** Instants, ascending (at least two). */
  asOf: number[];
  /** A contact converted at `T` when it bought in `(T, T + horizonDays]`. */
  horizonDays: number;
  /** Look-backs to try, in days. */
  lookbackDays: number[];
  /** `null` means no decay. */
  halfLifeDays: (number | null)[];
  /**
   * Periods at or before this instant choose the setting; later ones judge it.
   * @default the instant splitting the periods in half (the earlier half chooses)
   */
  splitAfter?: number;
  /**
   * Called with the fraction of settings compared and a short label, e.g. `"setting 2/6"`.
   * @default a no-op
   */
  onProgress?: (fraction: number, phase: string) => void;
}

/** One window setting and how the rules ranked converters under it. */
export interface WindowCell {
  /** The look-back tried, in days. */
  lookbackDays: number;
  /** The half-life tried, in days; `null` for no decay. */
  halfLifeDays: number | null;
  /** AUC (scored contacts) per instant, in the order of `asOf`. */
  aucByPeriod: (number | null)[];
  /** Coverage per instant, in the order of `asOf`. */
  coverageByPeriod: (number | null)[];
  /** Mean AUC over the choosing periods (those with a defined AUC). */
  selectionAuc: number | null;
  /** Mean AUC over the later periods: the out-of-time evidence. */
  outOfTimeAuc: number | null;
  /** Mean coverage over the later periods. */
  outOfTimeCoverage: number | null;
  /** Rank of `outOfTimeAuc` among the grid, 1 best. */
  outOfTimeRank: number | null;
}

/** The grid, the setting chosen on earlier periods and how every setting did later. */
export interface CompareWindowsResult {
  /** Periods up to this instant choose; later ones judge. */
  splitAfter: number;
  /** The instants that choose. */
  selectionPeriods: number[];
  /** The instants that judge. */
  outOfTimePeriods: number[];
  /** Every cell, lookback-major, for charting. */
  grid: WindowCell[];
  /** The cell with the best selection AUC. */
  best: WindowCell;
  /** The cell of the config's own window, when it is on the grid. */
  current: WindowCell | null;
  /** Plain-language evidence for the choice. */
  evidence: string;
}

function mean(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

function fmt(x: number | null): string {
  return x === null ? "n/a" : x.toFixed(3);
}

/**
 * Replays `config` with each `lookbackDays` x `halfLifeDays` window, picks the window with
 * the best mean AUC on periods up to `splitAfter` and reports how every window does after it.
 */
export function compareWindows(
  config: ScoringConfig,
  input: ReplayInput,
  options: CompareWindowsOptions,
): CompareWindowsResult {
  const { horizonDays, lookbackDays, halfLifeDays, onProgress } = options;
  const asOf = [...new Set(options.asOf)].sort((a, b) => a - b);
  if (asOf.length < 2) {
    throw new RangeError("Cannot compare windows: at least two instants are needed");
  }
  if (!lookbackDays.length || !halfLifeDays.length) {
    throw new RangeError(
      "Cannot compare windows: the lookback and half-life lists must not be empty",
    );
  }
  for (const l of lookbackDays) {
    if (!(l > 0) || !Number.isFinite(l)) {
      throw new RangeError(`Cannot compare windows: lookback "${l}" days must be positive`);
    }
  }
  for (const h of halfLifeDays) {
    if (h !== null && (!(h > 0) || !Number.isFinite(h))) {
      throw new RangeError(`Cannot compare windows: half-life "${h}" days must be positive`);
    }
  }
  const splitAfter = options.splitAfter ?? asOf[Math.ceil(asOf.length / 2) - 1];
  const selection = asOf.filter((t) => t <= splitAfter);
  const later = asOf.filter((t) => t > splitAfter);
  if (!selection.length || !later.length) {
    throw new RangeError(
      `Cannot compare windows: split "${
        new Date(splitAfter).toISOString()
      }" leaves no periods on one side`,
    );
  }
  const events = input.events && isOneShot(input.events) ? [...input.events] : input.events;
  const purchases = Array.isArray(input.purchases) ? input.purchases : [...input.purchases];
  const grid: WindowCell[] = [];
  const total = lookbackDays.length * halfLifeDays.length;
  for (const lb of lookbackDays) {
    for (const hl of halfLifeDays) {
      const variant: ScoringConfig = {
        ...config,
        window: { lookbackDays: lb, halfLifeDays: hl },
      };
      const r = replay(variant, { ...input, events, purchases }, {
        asOf,
        horizonDays,
        keepContacts: false,
      });
      const aucByPeriod = r.periods.map((p) => p.auc);
      const coverageByPeriod = r.periods.map((p) => p.coverage);
      grid.push({
        lookbackDays: lb,
        halfLifeDays: hl,
        aucByPeriod,
        coverageByPeriod,
        selectionAuc: mean(aucByPeriod.slice(0, selection.length)),
        outOfTimeAuc: mean(aucByPeriod.slice(selection.length)),
        outOfTimeCoverage: mean(coverageByPeriod.slice(selection.length)),
        outOfTimeRank: null,
      });
      onProgress?.(grid.length / total, `setting ${grid.length}/${total}`);
    }
  }
  const ranked = grid.filter((c) => c.outOfTimeAuc !== null)
    .sort((a, b) => b.outOfTimeAuc! - a.outOfTimeAuc!);
  ranked.forEach((c, i) => (c.outOfTimeRank = i + 1));
  const best = grid.reduce((a, c) =>
    (c.selectionAuc ?? -Infinity) > (a.selectionAuc ?? -Infinity) ? c : a
  );
  const current =
    grid.find((c) =>
      c.lookbackDays === config.window.lookbackDays && c.halfLifeDays === config.window.halfLifeDays
    ) ?? null;
  const label = (c: WindowCell) =>
    `lookback ${c.lookbackDays} d, ${
      c.halfLifeDays === null ? "no decay" : `half-life ${c.halfLifeDays} d`
    }`;
  let evidence =
    `${label(best)} had the best mean AUC ${fmt(best.selectionAuc)} on ${selection.length} ` +
    `period(s) up to ${
      new Date(splitAfter).toISOString()
    }; on the ${later.length} later period(s) ` +
    `its AUC was ${fmt(best.outOfTimeAuc)}, rank ${
      best.outOfTimeRank ?? "n/a"
    } of ${ranked.length}.`;
  if (current && current !== best) {
    evidence += ` The current ${label(current)} scored ${fmt(current.outOfTimeAuc)} out of time.`;
  }
  return {
    splitAfter,
    selectionPeriods: selection,
    outOfTimePeriods: later,
    grid,
    best,
    current,
    evidence,
  };
}
