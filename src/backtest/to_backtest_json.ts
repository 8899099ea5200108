/** The `backtest.json` file: a replay (and optional thresholds) as plain JSON. */
import type { ScoringConfig } from "../config/types.ts";
import { formatInstant } from "../engine/mod.ts";
import type { CompareWindowsResult, WindowCell } from "./compare_windows.ts";
import type { ImpactPeriod, ImpactPreview } from "./impact_preview.ts";
import type { MigrationMatrix } from "./migration_matrix.ts";
import type { ReplayPeriod, ReplayResult } from "./replay.ts";
import type { ThresholdResult } from "./thresholds.ts";

export const BACKTEST_FORMAT = "scorebench.backtest/v1";

/**
 * One period of `backtest.json`: a replay period with its instant as text, its migration
 * labelled with the instant it comes from, and the engine's summary counts in place of the
 * summary; every field is documented in `docs/formats.md`.
 */
export interface BacktestPeriodJson extends Omit<ReplayPeriod, "asOf" | "migration" | "summary"> {
  asOf: string;
  migration: { from: string; matrix: MigrationMatrix } | null;
  ignoredEvents: number;
  excludedByAudience: number;
  excludedByVerification: number;
}

export interface BacktestJson {
  format: typeof BACKTEST_FORMAT;
  config: {
    name: string;
    window: { lookbackDays: number; halfLifeDays: number | null };
    tiers: { high: number; medium: number };
    triggers: string[];
  };
  horizonDays: number;
  psiEdges: number[];
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
  periods: BacktestPeriodJson[];
  thresholds?: ThresholdResult[];
  windows?: WindowsJson;
  impact?: ImpactJson;
}

/** `compareWindows` in JSON: instants as text. */
export interface WindowsJson {
  splitAfter: string;
  selectionPeriods: string[];
  outOfTimePeriods: string[];
  grid: WindowCell[];
  best: { lookbackDays: number; halfLifeDays: number | null };
  current: { lookbackDays: number; halfLifeDays: number | null } | null;
  evidence: string;
}

/** `impactPreview` in JSON: instants as text. */
export interface ImpactJson {
  candidate: {
    name: string;
    window: { lookbackDays: number; halfLifeDays: number | null };
    tiers: { high: number; medium: number };
  };
  periods: (Omit<ImpactPeriod, "asOf"> & { asOf: string })[];
  total: ImpactPreview["total"];
}

/** What `toBacktestJson` adds beside the replay, each when given. */
export interface BacktestExtras {
  thresholds?: ThresholdResult[];
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
