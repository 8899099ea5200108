/** The `backtest.json` file: a replay (and optional thresholds) as plain JSON. */
import type { ScoringConfig } from "../config/types.ts";
import { formatInstant } from "../engine/mod.ts";
import type { CompareWindowsResult, WindowCell } from "./compare_windows.ts";
import type { ImpactPeriod, ImpactPreview } from "./impact_preview.ts";
import type { MigrationMatrix } from "./migration_matrix.ts";
import type { ReplayPeriod, ReplayResult } from "./replay.ts";
import type { ThresholdResult } from "./thresholds.ts";

/** The `format` of `backtest.json` (`docs/formats.md`); fields are only ever added. */
export const BACKTEST_FORMAT = "scorebench.backtest/v1";

/**
 * One period of `backtest.json`: a replay period with its instant as text, its migration
 * labelled with the instant it comes from, and the engine's summary counts in place of the
 * summary; every field is documented in `docs/formats.md`.
 */
export interface BacktestPeriodJson extends Omit<ReplayPeriod, "asOf" | "migration" | "summary"> {
  /** The instant, ISO 8601 UTC. */
  asOf: string;
  /** Tier moves since the previous period (`from` is its instant); `null` for the first. */
  migration: { from: string; matrix: MigrationMatrix } | null;
  /** Events of contacts not in the contacts table, from the engine's summary. */
  ignoredEvents: number;
  /** Contacts the audience left out. */
  excludedByAudience: number;
  /** Contacts verification `exclude` left out. */
  excludedByVerification: number;
}

/** The whole `backtest.json` (every field is documented in `docs/formats.md`). */
export interface BacktestJson {
  /** Always `"scorebench.backtest/v1"`. */
  format: typeof BACKTEST_FORMAT;
  /** Name, window, tier cuts and trigger ids of the replayed config. */
  config: {
    name: string;
    window: { lookbackDays: number; halfLifeDays: number | null };
    tiers: { high: number; medium: number };
    triggers: string[];
  };
  /** A contact converted at `T` when it bought in `(T, T + horizonDays]`. */
  horizonDays: number;
  /** Inner PSI bin edges from the first period's scores. */
  psiEdges: number[];
  /** Means and extremes over the periods. */
  summary: {
    periods: number;
    meanAuc: number | null;
    minAuc: number | null;
    maxAuc: number | null;
    /** Largest PSI against the first period. */
    maxPsi: number | null;
    meanCoverage: number | null;
    /** Periods where the conversion rate does not fall from high to medium to low. */
    periodsOutOfOrder: string[];
  };
  /** One per instant, ascending. */
  periods: BacktestPeriodJson[];
  /** Suggested tier cuts, when asked for. */
  thresholds?: ThresholdResult[];
  /** Window settings compared out of time, when asked for. */
  windows?: WindowsJson;
  /** A candidate config previewed against this one, when given. */
  impact?: ImpactJson;
}

/** `compareWindows` in JSON: instants as text. */
export interface WindowsJson {
  /** Periods up to this instant choose, later ones judge. */
  splitAfter: string;
  /** The instants that choose the window. */
  selectionPeriods: string[];
  /** The instants that judge it. */
  outOfTimePeriods: string[];
  /** Every look-back and half-life pair tried, look-back first. */
  grid: WindowCell[];
  /** The pair with the best selection AUC. */
  best: { lookbackDays: number; halfLifeDays: number | null };
  /** The config's own pair when it is on the grid, else `null`. */
  current: { lookbackDays: number; halfLifeDays: number | null } | null;
  /** One sentence on the choice and how it did out of time. */
  evidence: string;
}

/** `impactPreview` in JSON: instants as text. */
export interface ImpactJson {
  /** Name, window and tier cuts of the candidate config. */
  candidate: {
    name: string;
    window: { lookbackDays: number; halfLifeDays: number | null };
    tiers: { high: number; medium: number };
  };
  /** Per instant: tier changes, converters gained and lost, PSI and AUCs. */
  periods: (Omit<ImpactPeriod, "asOf"> & { asOf: string })[];
  /** Per tier, the sums over the periods. */
  total: ImpactPreview["total"];
}

/** What `toBacktestJson` adds beside the replay, each when given. */
export interface BacktestExtras {
  /** Suggested tier cuts, one per method. */
  thresholds?: ThresholdResult[];
  /** The window comparison. */
  windows?: CompareWindowsResult;
  /** The candidate config and its preview against the replayed one. */
  impact?: { candidate: ScoringConfig; preview: ImpactPreview };
}

function stat(xs: (number | null)[], f: (v: number[]) => number): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? f(v) : null;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** `backtest.json` content for `result` of `config`, with the `extras` that are given. */
export function toBacktestJson(
  config: ScoringConfig,
  result: ReplayResult,
  extras: BacktestExtras = {},
): BacktestJson {
  const { thresholds, windows, impact } = extras;
  const periods = result.periods.map((p, k): BacktestPeriodJson => ({
    asOf: formatInstant(p.asOf),
    contacts: p.contacts,
    scored: p.scored,
    coverage: p.coverage,
    converters: p.converters,
    conversionRate: p.conversionRate,
    auc: p.auc,
    aucAll: p.aucAll,
    psi: p.psi,
    tiers: {
      high: p.tiers.high,
      medium: p.tiers.medium,
      low: p.tiers.low,
      unscored: p.tiers.unscored,
    },
    migration: p.migration
      ? { from: formatInstant(result.periods[k - 1].asOf), matrix: p.migration }
      : null,
    triggers: p.triggers,
    ignoredEvents: p.summary.ignoredEvents,
    excludedByAudience: p.summary.excludedByAudience,
    excludedByVerification: p.summary.excludedByVerification,
  }));
  const outOfOrder = periods.filter((p) => {
    const [h, m, l] = [p.tiers.high, p.tiers.medium, p.tiers.low].map((t) => t.conversionRate);
    const rates = [h, m, l].filter((x): x is number => x !== null);
    return rates.some((r, i) => i > 0 && r > rates[i - 1]);
  }).map((p) => p.asOf);
  const json: BacktestJson = {
    format: BACKTEST_FORMAT,
    config: {
      name: config.name,
      window: { ...config.window },
      tiers: { ...config.tiers },
      triggers: config.triggers.map((t) => t.id),
    },
    horizonDays: result.horizonDays,
    psiEdges: result.psiEdges,
    summary: {
      periods: periods.length,
      meanAuc: stat(periods.map((p) => p.auc), mean),
      minAuc: stat(periods.map((p) => p.auc), (v) => Math.min(...v)),
      maxAuc: stat(periods.map((p) => p.auc), (v) => Math.max(...v)),
      maxPsi: stat(periods.map((p) => p.psi.first), (v) => Math.max(...v)),
      meanCoverage: stat(periods.map((p) => p.coverage), mean),
      periodsOutOfOrder: outOfOrder,
    },
    periods,
  };
  if (thresholds) json.thresholds = thresholds.map(nullSafe);
  if (windows) {
    const pick = (c: WindowCell) => ({
      lookbackDays: c.lookbackDays,
      halfLifeDays: c.halfLifeDays,
    });
    json.windows = {
      splitAfter: formatInstant(windows.splitAfter),
      selectionPeriods: windows.selectionPeriods.map(formatInstant),
      outOfTimePeriods: windows.outOfTimePeriods.map(formatInstant),
      grid: windows.grid,
      best: pick(windows.best),
      current: windows.current ? pick(windows.current) : null,
      evidence: windows.evidence,
    };
  }
  if (impact) {
    const c = impact.candidate;
    json.impact = {
      candidate: { name: c.name, window: { ...c.window }, tiers: { ...c.tiers } },
      periods: impact.preview.periods.map((p) => ({ ...p, asOf: formatInstant(p.asOf) })),
      total: impact.preview.total,
    };
  }
  return json;
}

/** Bootstrap bounds may be `NaN`; JSON has no NaN, so they become `null` explicitly. */
function nullSafe<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v)),
  );
}
