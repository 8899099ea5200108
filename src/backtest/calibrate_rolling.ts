/**
 * Recalibration over periods: before each period the points are refitted on the data
 * available then (everything earlier, or a sliding window of months), and the period is
 * scored both by that refitted config and by one static config fitted once before the first
 * period. Both are scored by the engine, as they would run. `calibrateRolling` does this for
 * attribute data (contacts with a date), `calibrateRollingTemporal` for event data.
 */
import { toScoringConfig } from "../config/mod.ts";
import type { ScoringConfigSpec } from "../config/types.ts";
import { type ContactRow, DAY_MS } from "../tables/mod.ts";
import { scoreContacts } from "../engine/mod.ts";
import { auc } from "../metrics/mod.ts";
import { replay } from "./replay.ts";
import { parseLabel, proposeTiers } from "../calibrate/_common.ts";
import { calibrateSnapshot, type SnapshotOptions } from "../calibrate/calibrate_snapshot.ts";
import {
  calibrateTemporal,
  type TemporalInput,
  type TemporalOptions,
} from "../calibrate/calibrate_temporal.ts";

/** Options for `calibrateRolling`. */
export interface RollingOptions extends Omit<SnapshotOptions, "holdout" | "refit"> {
  /**
   * Contact column with each row's instant (epoch ms); it also orders the cross-validation
   * folds, which are time-ordered unless `foldOrder` says otherwise. @default "created_at"
   */
  timeColumn?: string;
  /** Period starts (epoch ms); a period runs to the next start, the last one to the end. */
  periods: number[];
  /** `"expanding"`: every earlier row; `{ months }`: rows of the last N months only. @default "expanding" */
  window?: "expanding" | { months: number };
  /**
   * Keep the static config's points and refit only its constant and tiers before each period
   * (the points stay stable for the people who read them). @default false
   */
  anchorOnly?: boolean;
  /**
   * Choose encoding and penalty again by cross-validation before every period; otherwise the
   * static fit's choices are kept and only bins and points are refitted. @default false
   */
  reselect?: boolean;
  /** Called with the fraction done and a label such as `"period 3/15"`. @default a no-op */
  onProgress?: (fraction: number, phase: string) => void;
}

/** One period of a rolling recalibration. */
export interface RollingPeriod {
  /** Start of the period (epoch ms). */
  start: number;
  /** Start of the next period; `null` for the last, which runs to the end of the data. */
  end: number | null;
  /** Rows (contacts) judged in the period. */
  rows: number;
  /** Converters among them. */
  converters: number;
  /** Rows (snapshot) or cutoffs (temporal) the refitted config was trained on. */
  trainingRows: number;
  /** AUC of the config fitted once before the first period. */
  staticAuc: number;
  /** AUC of the config refitted before this period. */
  rollingAuc: number;
  /** The refitted config's L2 penalty (`null` when only re-anchored). */
  l2: number | null;
  /** The refitted config's encoding (`null` when only re-anchored). */
  encoding: string | null;
}

/** What a rolling recalibration produced. */
export interface RollingResult {
  /** One row per period, in time order. */
  periods: RollingPeriod[];
  /** Mean AUC of the static config over periods with both outcomes. */
  meanStaticAuc: number;
  /** Mean AUC of the refitted configs over periods with both outcomes. */
  meanRollingAuc: number;
  /** The config fitted once before the first period. */
  staticConfig: ScoringConfigSpec;
  /** The config refitted before the last period. */
  lastConfig: ScoringConfigSpec;
  /** Periods whose refit failed (the previous config was kept), in words. */
  warnings: string[];
}

function scoreRows(config: ScoringConfigSpec, rows: ContactRow[]): number[] {
  const result = scoreContacts(toScoringConfig(config), { contacts: rows }, { asOf: [0] });
  const byId = new Map(result.rows.map((r) => [r.contactId, r.score]));
  return rows.map((r) => byId.get(r.contact_id)!);
}

const MONTH_MS = 30.436875 * DAY_MS;

/** Refuses an empty or non-finite list of periods and a window that is neither kind. */
function checkPeriods(
  periods: number[],
  window: RollingOptions["window"],
  noun: "start" | "instant",
): void {
  if (!Array.isArray(periods) || periods.length === 0 || !periods.every(Number.isFinite)) {
    throw new RangeError(`Cannot recalibrate over periods: give at least one period ${noun}`);
  }
  if (window !== "expanding" && !(window && window.months > 0)) {
    throw new RangeError(
      `Cannot recalibrate over periods: window must be "expanding" or { months > 0 }, got "${
        JSON.stringify(window)
      }"`,
    );
  }
}

/**
 * Refits before each of `options.periods` and reports, per period, the AUC of the static
 * config against the refitted one.
 */
export function calibrateRolling(contacts: ContactRow[], options: RollingOptions): RollingResult {
  const {
    timeColumn = "created_at",
    periods,
    window = "expanding",
    anchorOnly = false,
    reselect = false,
    onProgress = () => {},
    ...snapshot
  } = options;
  checkPeriods(periods, window, "start");
  const starts = [...new Set(periods)].sort((a, b) => a - b);
  const time = (c: ContactRow) => {
    const t = c[timeColumn];
    if (typeof t !== "number") {
      throw new RangeError(
        `Cannot recalibrate over periods: contact "${c.contact_id}" has no "${timeColumn}"`,
      );
    }
    return t;
  };
  const labelKey =
    Object.keys(contacts[0] ?? {}).find((k) => k.toLowerCase() === snapshot.label.toLowerCase()) ??
      snapshot.label;
  // Every period is judged on rows after the ones fitted, so the folds choosing encoding and
  // penalty are ordered in time too.
  const base: SnapshotOptions = {
    foldOrder: "time",
    timeColumn,
    ...snapshot,
    holdout: null,
    refit: false,
    baseline: false,
  };
  const warnings: string[] = [];
  const before = contacts.filter((c) => time(c) < starts[0]);
  onProgress(0, "fitting the static config");
  const fixed = calibrateSnapshot(before, base);
  const choice = fixed.selection;
  const again: SnapshotOptions = !reselect && choice && choice.encoding !== "counts"
    ? { ...base, encoding: choice.encoding, l2: choice.l2 }
    : base;
  const fit = (rows: ContactRow[]) => calibrateSnapshot(rows, again);
  const out: RollingPeriod[] = [];
  let lastConfig = fixed.config;
  starts.forEach((start, k) => {
    onProgress((k + 1) / (starts.length + 1), `period ${k + 1}/${starts.length}`);
    const end = k + 1 < starts.length ? starts[k + 1] : null;
    const rows = contacts.filter((c) => time(c) >= start && (end === null || time(c) < end));
    const from = window === "expanding" ? -Infinity : start - window.months * MONTH_MS;
    const train = contacts.filter((c) => time(c) < start && time(c) >= from);
    const y = rows.map((c) => parseLabel(c[labelKey], labelKey, c.contact_id));
    const converters = y.reduce((a: number, b) => a + b, 0);
    let refitted: ScoringConfigSpec;
    let l2: number | null = null;
    let encoding: string | null = null;
    if (anchorOnly) {
      // The static points; the constant moves by the change in the base log-odds between the
      // static fit's rows and the rows available now, and the tiers are proposed again.
      const scores = scoreRows(fixed.config, train);
      const yTrain = train.map((c) => parseLabel(c[labelKey], labelKey, c.contact_id));
      const rate = yTrain.reduce((a: number, b) => a + b, 0) / Math.max(1, yTrain.length);
      const shift = Math.round(
        (Math.log(rate / (1 - rate)) - Math.log(
          fixed.training.converters /
            (fixed.training.rows - fixed.training.converters),
        )) / fixed.scoreToProbability.perPoint,
      );
      refitted = structuredClone(fixed.config);
      const base = refitted.attributes!.find((a) => a.field === "contact_id");
      if (base && Number.isFinite(shift)) base.points += shift;
      const sorted = scores.map((s) => s + (Number.isFinite(shift) ? shift : 0));
      if (sorted.length) refitted.tiers = proposeTiers(sorted);
    } else {
      try {
        const r = fit(train);
        refitted = r.config;
        l2 = r.selection?.l2 ?? null;
        encoding = r.selection?.encoding ?? null;
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        warnings.push(`Period ${new Date(start).toISOString()}: ${err.message}; kept the last`);
        refitted = lastConfig;
      }
    }
    lastConfig = refitted;
    out.push({
      start,
      end,
      rows: rows.length,
      converters,
      trainingRows: train.length,
      staticAuc: rows.length ? auc(scoreRows(fixed.config, rows), y) : NaN,
      rollingAuc: rows.length ? auc(scoreRows(refitted, rows), y) : NaN,
      l2,
      encoding,
    });
  });
  const mean = (xs: number[]) => {
    const v = xs.filter(Number.isFinite);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
  };
  onProgress(1, "done");
  return {
    periods: out,
    meanStaticAuc: mean(out.map((p) => p.staticAuc)),
    meanRollingAuc: mean(out.map((p) => p.rollingAuc)),
    staticConfig: fixed.config,
    lastConfig,
    warnings,
  };
}

/** Options for `calibrateRollingTemporal`. */
export interface RollingTemporalOptions extends Omit<TemporalOptions, "holdout" | "refit"> {
  /** Instants at which the configs are judged (each a period start). */
  periods: number[];
  /** `"expanding"`: every earlier cutoff; `{ months }`: cutoffs of the last N months. @default "expanding" */
  window?: "expanding" | { months: number };
  /** Keep the static rules and refit only the tiers before each period. @default false */
  anchorOnly?: boolean;
  /** Choose the penalty and window again before every period. @default false */
  reselect?: boolean;
}

/**
 * Event data over periods: before each period instant `P` the rules are refitted on the
 * cutoffs whose horizon has ended by `P`; the period's AUC (every eligible contact, unscored
 * ones lowest, as `replay` reports `aucAll`) is given for the static config, fitted once
 * before the first period, and for the refitted one.
 */
export function calibrateRollingTemporal(
  input: TemporalInput,
  options: RollingTemporalOptions,
): RollingResult {
  const {
    periods,
    window = "expanding",
    anchorOnly = false,
    reselect = false,
    onProgress = () => {},
    ...temporal
  } = options;
  checkPeriods(periods, window, "instant");
  const horizonMs = (temporal.horizonDays ?? 30) * DAY_MS;
  const starts = [...new Set(periods)].sort((a, b) => a - b);
  const usable = (p: number) =>
    temporal.cutoffs.filter((t) =>
      t + horizonMs <= p && (window === "expanding" || t >= p - window.months * MONTH_MS)
    );
  const base = { ...temporal, holdout: null, refit: false } as const;
  onProgress(0, "fitting the static config");
  const firstCutoffs = usable(starts[0]);
  if (firstCutoffs.length === 0) {
    throw new RangeError(
      `Cannot recalibrate over periods: no cutoff's horizon ends by the first period ${
        new Date(starts[0]).toISOString()
      }`,
    );
  }
  const fixed = calibrateTemporal(input, { ...base, cutoffs: firstCutoffs });
  const choice = fixed.selection;
  const again = !reselect && choice
    ? {
      ...base,
      l2: choice.l2,
      lookbackDays: choice.window?.lookbackDays ?? base.lookbackDays,
      halfLifeDays: choice.window ? choice.window.halfLifeDays : base.halfLifeDays,
      lookbackGrid: undefined,
      halfLifeGrid: undefined,
    }
    : base;
  const replayInput = {
    events: input.events,
    purchases: input.purchases,
    contacts: input.contacts,
  };
  const judge = (config: ScoringConfigSpec, at: number) => {
    const r = replay(toScoringConfig(config), replayInput, {
      asOf: [at],
      horizonDays: temporal.horizonDays ?? 30,
      keepContacts: false,
    });
    const p = r.periods[0];
    return { auc: p.aucAll ?? NaN, rows: p.contacts, converters: p.converters };
  };
  const warnings: string[] = [];
  const out: RollingPeriod[] = [];
  let lastConfig = fixed.config;
  starts.forEach((start, k) => {
    onProgress((k + 1) / (starts.length + 1), `period ${k + 1}/${starts.length}`);
    const cutoffs = usable(start);
    let refitted = lastConfig;
    let l2: number | null = null;
    if (anchorOnly) {
      // Same rules; tiers from the engine's scores at the last cutoff available.
      const at = cutoffs[cutoffs.length - 1];
      const scores = scoreContacts(toScoringConfig(fixed.config), {
        events: input.events,
        contacts: input.contacts,
      }, { asOf: [at] }).rows.filter((r) => r.score !== 0).map((r) => r.score);
      refitted = structuredClone(fixed.config);
      if (scores.length) refitted.tiers = proposeTiers(scores);
    } else if (cutoffs.length) {
      try {
        const r = calibrateTemporal(input, { ...again, cutoffs });
        refitted = r.config;
        l2 = r.selection?.l2 ?? again.l2 as number;
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        warnings.push(`Period ${new Date(start).toISOString()}: ${err.message}; kept the last`);
      }
    }
    lastConfig = refitted;
    const s = judge(fixed.config, start);
    const r = judge(refitted, start);
    out.push({
      start,
      end: k + 1 < starts.length ? starts[k + 1] : null,
      rows: s.rows,
      converters: s.converters,
      trainingRows: cutoffs.length,
      staticAuc: s.auc,
      rollingAuc: r.auc,
      l2,
      encoding: "counts",
    });
  });
  const mean = (xs: number[]) => {
    const v = xs.filter(Number.isFinite);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
  };
  onProgress(1, "done");
  return {
    periods: out,
    meanStaticAuc: mean(out.map((p) => p.staticAuc)),
    meanRollingAuc: mean(out.map((p) => p.rollingAuc)),
    staticConfig: fixed.config,
    lastConfig,
    warnings,
  };
}
