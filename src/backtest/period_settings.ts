/**
 * Settings the pages share (periods, window, scale) and the small, pure config edits the
 * pages make (hand-edited points, moved tier cuts). The maths stays in the shared modules.
 */
import type { ScoringConfigSpec, TiersSpec } from "../config/types.ts";
import type { TemporalOptions } from "../calibrate/calibrate_temporal.ts";
import { CALIBRATION_DEFAULTS } from "../calibrate/calibration_defaults.ts";
import { periodInstants } from "./mod.ts";
import { dataEnd, type DataSpan, defaultCutoffs } from "../tables/mod.ts";

/** Calibration and backtest settings as the settings form holds them (dates as epoch ms). */
export interface PeriodSettings {
  /** First cutoff. */
  from: number;
  /** Last cutoff. */
  to: number;
  every: "week" | "month";
  lookbackDays: number;
  horizonDays: number;
  halfLifeDays: number | null;
  /** Points to double the odds. */
  pdo: number;
  /** Last cutoffs held out of the fit, to judge it out of time. */
  holdoutPeriods: number;
  /** L2 penalty: `"cv"` to choose it by cross-validation, or a number (`"0"`: none). */
  penalty?: string;
  /** Look-backs (days, comma-separated) to choose the window from; empty: `lookbackDays` only. */
  lookbackGrid?: string;
  /** Half-lives (days or `none`, comma-separated) to choose from; empty: `halfLifeDays` only. */
  halfLifeGrid?: string;
}

/** What the data worker's `span` task reports. */
export type { DataSpan };

/**
 * Defaults from the data: the default cutoffs of the CLI (`defaultCutoffs`), monthly
 * from the first month with a full look-back to the last whose horizon the data covers. Throws `RangeError` when the
 * data spans too little time for one cutoff.
 */
export function defaultPeriodSettings(
  span: DataSpan,
  lookbackDays: number = CALIBRATION_DEFAULTS.lookbackDays,
  horizonDays: number = CALIBRATION_DEFAULTS.horizonDays,
): PeriodSettings {
  if (span.eventsFrom === null || span.eventsTo === null) {
    throw new RangeError("Cannot choose periods: no events are loaded");
  }
  const cutoffs = defaultCutoffs(span, lookbackDays, horizonDays);
  if (cutoffs.length === 0) {
    throw new RangeError(
      `Cannot choose periods: events from ${iso(span.eventsFrom)} to ${
        iso(dataEnd(span)!)
      } leave no cutoff with ${lookbackDays} days before and ${horizonDays} days after`,
    );
  }
  return {
    from: cutoffs[0],
    to: cutoffs[cutoffs.length - 1],
    every: "month",
    lookbackDays,
    horizonDays,
    halfLifeDays: null,
    pdo: CALIBRATION_DEFAULTS.pdo,
    holdoutPeriods: CALIBRATION_DEFAULTS.holdoutPeriods,
    penalty: String(CALIBRATION_DEFAULTS.l2),
    lookbackGrid: "",
    halfLifeGrid: "",
  };
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** What `reconcilePeriodSettings` decided, and why in a sentence when it changed anything. */
export interface ReconciledSettings {
  settings: PeriodSettings;
  /** `null` when the saved settings were kept (or there were none). */
  note: string | null;
  /**
   * The note's template and values (`{name}` placeholders), for a page that shows it in
   * another language; `null` with the note.
   */
  noteParts: { text: string; values: Record<string, string | number> } | null;
}

/** The note of `parts`, its placeholders filled. */
function fill(parts: { text: string; values: Record<string, string | number> }): string {
  return parts.text.replace(/\{(\w+)\}/g, (_, name) => String(parts.values[name]));
}

/**
 * The settings to use on the loaded data: the analyst's saved `settings` while they still fit
 * the data (every cutoff has its look-back and horizon inside the data), else defaults from
 * the data keeping the saved window, horizon, scale and hold-out where those still fit. The
 * note says what was reset and why. Throws `RangeError` as `defaultPeriodSettings` does.
 */
export function reconcilePeriodSettings(
  saved: Partial<PeriodSettings> | null | undefined,
  span: DataSpan,
): ReconciledSettings {
  const base = defaultPeriodSettings(span);
  if (!saved || typeof saved !== "object") return { settings: base, note: null, noteParts: null };
  const merged = { ...base, ...saved } as PeriodSettings;
  let bounds: PeriodSettings;
  try {
    bounds = defaultPeriodSettings(span, merged.lookbackDays, merged.horizonDays);
  } catch {
    const noteParts = {
      text:
        "Settings reset to the data: a look-back of {lookback} days and a horizon of {horizon} days leave no cutoff in the loaded data",
      values: { lookback: merged.lookbackDays, horizon: merged.horizonDays },
    };
    return { settings: base, note: fill(noteParts), noteParts };
  }
  if (merged.from >= bounds.from && merged.to <= bounds.to && merged.from <= merged.to) {
    return { settings: merged, note: null, noteParts: null };
  }
  const noteParts = {
    text:
      "Cutoffs reset to the data: {from} to {to} fell outside {first} to {last}, the cutoffs with a full look-back and horizon in the loaded data",
    values: {
      from: iso(merged.from),
      to: iso(merged.to),
      first: iso(bounds.from),
      last: iso(bounds.to),
    },
  };
  return {
    settings: { ...merged, from: bounds.from, to: bounds.to },
    note: fill(noteParts),
    noteParts,
  };
}

/** The cutoff instants of `settings`. */
export function cutoffsOf(settings: PeriodSettings): number[] {
  return periodInstants(settings.from, settings.to, { every: settings.every });
}

/** Options of the temporal calibration for `settings`. */
export function calibrationOptions(
  settings: PeriodSettings,
  name = "Calibrated in the workbench",
): TemporalOptions {
  const cutoffs = cutoffsOf(settings);
  const held = Math.min(Math.max(0, Math.round(settings.holdoutPeriods)), cutoffs.length - 1);
  const out: TemporalOptions = {
    cutoffs,
    lookbackDays: settings.lookbackDays,
    horizonDays: settings.horizonDays,
    halfLifeDays: settings.halfLifeDays,
    scale: { pdo: settings.pdo },
    l2: parsePenalty(settings.penalty ?? CALIBRATION_DEFAULTS.l2),
    holdout: held > 0 ? { after: cutoffs[cutoffs.length - 1 - held] } : null,
    name,
  };
  const lookbacks = parseGrid(settings.lookbackGrid, "look-back grid", false);
  const halfLives = parseGrid(settings.halfLifeGrid, "half-life grid", true);
  if (lookbacks.length || halfLives.length) {
    // The window is chosen by the same time-ordered cross-validation as the penalty.
    out.lookbackGrid = lookbacks.length ? lookbacks as number[] : [settings.lookbackDays];
    out.halfLifeGrid = halfLives.length ? halfLives : [settings.halfLifeDays];
  }
  return out;
}

/**
 * The L2 penalty a settings form holds: `"cv"` for cross-validation (empty: the default,
 * `CALIBRATION_DEFAULTS.l2`), else a number
 * >= 0. Throws `RangeError` naming the value otherwise.
 */
export function parsePenalty(text: string | number | null | undefined): number | "cv" {
  if (typeof text === "number") text = String(text);
  const t = (text ?? "").trim().toLowerCase();
  if (t === "") return CALIBRATION_DEFAULTS.l2;
  if (t === "cv") return "cv";
  const n = Number(t);
  if (!Number.isFinite(n) || n < 0) {
    throw new RangeError(`Cannot read the penalty "${text}": write cv or a number >= 0`);
  }
  return n;
}

/**
 * Days listed in a settings field (`"90, 180, 365"`; with `none`, `"none, 30"` gives
 * `[null, 30]`): `[]` for an empty field. Throws `RangeError` naming the item that is not a
 * number of days > 0.
 */
export function parseGrid(
  text: string | null | undefined,
  what: string,
  allowNone: boolean,
): (number | null)[] {
  const items = (text ?? "").split(/[,;]/).map((x) => x.trim()).filter(Boolean);
  const out = items.map((item) => {
    if (allowNone && /^(none|no|-)$/i.test(item)) return null;
    const n = Number(item);
    if (!Number.isFinite(n) || n <= 0) {
      throw new RangeError(
        `Cannot read the ${what}: "${item}" is not a number of days > 0${
          allowNone ? " or none" : ""
        }`,
      );
    }
    return n;
  });
  return [...new Set(out)];
}

/** `spec` with each rule's points replaced by `points[rule.id]` where given. */
export function withPoints(
  spec: ScoringConfigSpec,
  points: Record<string, number>,
): ScoringConfigSpec {
  return {
    ...spec,
    rules: spec.rules?.map((r) => (r.id in points ? { ...r, points: points[r.id] } : r)),
    attributes: spec.attributes?.map((a) => (a.id in points ? { ...a, points: points[a.id] } : a)),
  };
}

/** `spec` with other tier cuts. Throws `RangeError` when medium is above high. */
export function withTiers(spec: ScoringConfigSpec, tiers: TiersSpec): ScoringConfigSpec {
  if (!(tiers.medium <= tiers.high)) {
    throw new RangeError(
      `Cannot set tiers: medium "${tiers.medium}" is above high "${tiers.high}"`,
    );
  }
  return { ...spec, tiers: { high: tiers.high, medium: tiers.medium } };
}

/** The fields of the period settings form (`<sb-settings-form>`). */
export const PERIOD_FIELDS = [
  { name: "from", label: "first cutoff", type: "date" },
  { name: "to", label: "last cutoff", type: "date" },
  {
    name: "every",
    label: "every",
    type: "select",
    options: [{ value: "month", label: "month" }, { value: "week", label: "week" }],
  },
  { name: "lookbackDays", label: "look-back days", type: "number", min: 1, step: 1 },
  { name: "horizonDays", label: "horizon days", type: "number", min: 1, step: 1 },
  {
    name: "halfLifeDays",
    label: "half-life days",
    type: "number",
    min: 1,
    optional: true,
    help: "empty: no decay",
  },
  { name: "pdo", label: "points to double odds", type: "number", min: 1 },
  { name: "holdoutPeriods", label: "held-out periods", type: "number", min: 0, step: 1 },
  {
    name: "penalty",
    label: "L2 penalty",
    type: "text",
    help: "cv: chosen by cross-validation; a number fixes it (0: none)",
  },
  {
    name: "lookbackGrid",
    label: "look-backs to try (days)",
    type: "text",
    help: "e.g. 90, 180, 365: the window is chosen by cross-validation; empty: the look-back above",
  },
  {
    name: "halfLifeGrid",
    label: "half-lives to try (days)",
    type: "text",
    help: "e.g. none, 30, 60; empty: the half-life above",
  },
] as const;
