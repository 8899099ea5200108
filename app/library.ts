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
export {
  calibrationOptions,
  cutoffsOf,
  type DataSpan,
  defaultPeriodSettings,
  PERIOD_FIELDS,
  type PeriodSettings,
  withPoints,
  withTiers,
} from "../src/backtest/period_settings.ts";
