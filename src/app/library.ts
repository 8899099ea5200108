/**
 * The workbench library notebooks call as `sb.*`: the shared engine, config, metrics,
 * backtest and chart modules, plus the page helpers. Notebooks stay thin by calling these;
 * nothing here re-implements their maths.
 */
export * as engine from "../engine/mod.ts";
export * as config from "../config/mod.ts";
export * as metrics from "../metrics/mod.ts";
export * as backtest from "../backtest/mod.ts";
export * as charts from "../charts/mod.ts";
export {
  createTierIndex,
  type RetieredPeriod,
  retierPeriods,
  type TierIndex,
  type TierSplit,
  wilson,
} from "./tier_index.ts";
export { autoChart } from "./auto_chart.ts";
export { factorBinsChart, type FactorBinsChartOptions } from "./factor_bins_chart.ts";
export { download } from "./html.ts";

/**
 * The export helpers (XLSX workbooks, audience files, report sheets), loaded on first use:
 * SheetJS is 0.5 MB. Chart images are left out: they need a server-side DOM.
 */
export async function loadExport() {
  const [workbook, audience, report] = await Promise.all([
    import("../export/workbook.ts"),
    import("../export/audience_file.ts"),
    import("../export/backtest_report.ts"),
  ]);
  return { ...workbook, ...audience, ...report };
}
export {
  calibrationOptions,
  cutoffsOf,
  type DataSpan,
  defaultPeriodSettings,
  PERIOD_FIELDS,
  type PeriodSettings,
  withPoints,
  withTiers,
} from "./page_settings.ts";
