/**
 * Chart helpers: plain functions returning Observable Plot figures, used by the browser
 * components and, given linkedom's `document`, for SVG/PNG export outside the browser.
 *
 * @module
 */
export type { ChartOptions, ChartPeriod } from "./_periods.ts";
export { tierSizesChart } from "./tier_sizes_chart.ts";
export { conversionChart } from "./conversion_chart.ts";
export { migrationChart } from "./migration_chart.ts";
export { aucChart } from "./auc_chart.ts";
export { windowGridChart } from "./window_grid_chart.ts";
export { cvCurveChart, type CvCurveChartOptions } from "./cv_curve_chart.ts";
export {
  rollingAucChart,
  type RollingAucChartOptions,
  type RollingChartPeriod,
} from "./rolling_auc_chart.ts";
