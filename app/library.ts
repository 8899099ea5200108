/**
 * The workbench library notebooks call as `sb.*`: the shared engine, config, metrics,
 * backtest and chart modules, plus the page helpers. Notebooks stay thin by calling these;
 * nothing here re-implements their maths.
 */
export * as engine from "../src/engine/mod.ts";
export * as config from "../src/config/mod.ts";
export * as metrics from "../src/metrics/mod.ts";
export * as backtest from "../src/backtest/mod.ts";
export * as charts from "../src/charts/mod.ts";
export {
  createTierIndex,
  type RetieredPeriod,
  retierPeriods,
  type TierIndex,
  type TierSplit,
  wilson,
} from "../src/backtest/tier_index.ts";
export { autoChart } from "../src/charts/auto_chart.ts";
export { factorBinsChart, type FactorBinsChartOptions } from "../src/charts/factor_bins_chart.ts";
export { download } from "./html.ts";

/**
 * The export helpers (XLSX workbooks, audience files, report sheets), loaded on first use:
 * SheetJS is 0.5 MB. Chart images are left out: they need a server-side DOM.
 */
export async function loadExport() {
  const [workbook, audience, report] = await Promise.all([
    import("../src/export/workbook.ts"),
    import("../src/export/audience_file.ts"),
    import("../src/export/backtest_report.ts"),
  ]);
  return { ...workbook, ...audience, ...report };
}
export * as configVersions from "../src/workspace/config_versions.ts";
export { lineVersion, pointsOf } from "../src/workspace/config_versions.ts";
export {
  calibrationOptions,
  cutoffsOf,
  type DataSpan,
  defaultPeriodSettings,
  PERIOD_FIELDS,
  type PeriodSettings,
  reconcilePeriodSettings,
  withPoints,
  withTiers,
} from "../src/backtest/period_settings.ts";

import type { ScoringConfigSpec } from "../src/config/types.ts";
import {
  calibrationOptions as _calibrationOptions,
  type DataSpan as _DataSpan,
  type PeriodSettings as _PeriodSettings,
  reconcilePeriodSettings as _reconcile,
} from "../src/backtest/period_settings.ts";
import type { Workspace } from "./workspace.ts";

/**
 * A name for a fit that says how it was made. Names are kept in English, like the config
 * files; the page shows them in its language (`versionName`).
 */
export function fitName(settings: _PeriodSettings): string {
  const half = settings.halfLifeDays ? `, half-life ${settings.halfLifeDays} days` : "";
  return `Calibrated: ${
    settings.every === "week" ? "weekly" : "monthly"
  }, look-back ${settings.lookbackDays} days, horizon ${settings.horizonDays} days${half}`;
}

/**
 * The period settings for the loaded data (see `reconcilePeriodSettings`): the saved ones
 * while they fit, else reset to the data, with a note saying so.
 */
export function periodSettings(workspace: Workspace, span: _DataSpan) {
  return _reconcile(workspace.setting("periods", null), span);
}

/**
 * The current config; when there is none yet, the calibration with `settings` is run, kept
 * as the first version and returned, so every page works before anyone visits Calibrate.
 */
export async function ensureConfig(
  workspace: Workspace,
  run: (task: "calibrate", args: [ReturnType<typeof _calibrationOptions>]) => Promise<unknown>,
  settings: _PeriodSettings,
): Promise<ScoringConfigSpec> {
  const current = workspace.currentConfig;
  if (current) return current;
  const result = await run("calibrate", [_calibrationOptions(settings)]) as {
    config: ScoringConfigSpec;
  };
  const outcome = await workspace.recordFit(result.config, { name: fitName(settings), settings });
  return outcome.fitted.spec;
}

/** A date as a person reads it (`2024-07-01`), from epoch ms; "—" for none. */
export function formatDate(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !Number.isFinite(ms)
    ? "—"
    : new Date(ms).toISOString().slice(0, 10);
}

import { chartPngInBrowser } from "./chart_png.ts";
import { scoringReportCharts } from "../src/export/scoring_report.ts";
import type { BacktestJson } from "../src/backtest/to_backtest_json.ts";

/** The report's charts (`scoringReportCharts`) as PNG pictures drawn in this page. */
export async function reportImages(json: BacktestJson) {
  const images = [];
  for (const chart of scoringReportCharts(json, document)) {
    images.push({
      title: chart.title,
      png: await chartPngInBrowser(chart.figure, chart.width, chart.height),
      width: chart.width,
      height: chart.height,
    });
  }
  return images;
}

import { stampResult } from "../src/workspace/result_stamp.ts";
import { dataKey as _dataKey } from "../src/workspace/config_versions.ts";
import type { WorkspaceData } from "../src/workspace/types.ts";
export { label, versionName } from "../src/i18n/labels.ts";

/**
 * The stamp of a result computed now for the current config version (or for `spec`, a
 * page's draft of it) on the loaded data; `<sb-result-stamp>` shows it and marks it out of
 * date when the version or the data change.
 */
export function resultStamp(workspace: Workspace, spec?: ScoringConfigSpec) {
  return stampResult(workspace.versions, workspace.dataKey, spec ? { spec } : {});
}

/** Key of the loaded tables as the `data` summaries describe them (see `dataKey`). */
export function dataKeyOf(data: WorkspaceData): string {
  const { version: _v, ...tables } = data;
  return _dataKey(tables as Parameters<typeof _dataKey>[0]);
}

/** The interface language of the page (`en`, `ru`). */
export function lang(): string {
  return document.documentElement.lang || "en";
}

/** `text` in the page's language (see `label`). */
export function t(text: string, values?: Record<string, string | number>): string {
  return _label(lang(), text, values);
}
import { label as _label } from "../src/i18n/labels.ts";
