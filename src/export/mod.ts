/**
 * Files people take away: XLSX workbooks, CSV, audience files, all safe against
 * spreadsheet formula injection. Everything here also runs in a browser; chart image files
 * (linkedom + resvg, outside the browser) are in `chart_image.ts`, imported on their own.
 *
 * @module
 */
export { isFormulaLike, safeCell, unguardCell } from "../tables/safe_cell.ts";
export { cellText, toCsv, type ToCsvOptions } from "../tables/csv.ts";
export { buildWorkbook, sanitizeSheetName, type SheetSpec } from "./workbook.ts";
export {
  type AudienceContact,
  type AudienceFile,
  type AudienceFormat,
  type AudienceOptions,
  buildAudienceFile,
  sha256Hex,
  YANDEX_MIN_ROWS,
} from "./audience_file.ts";
export {
  type BacktestReportOptions,
  backtestReportSheets,
  thresholdSheets,
} from "./backtest_report.ts";
export {
  buildReportWorkbook,
  type ColumnFormat,
  guessFormat,
  NUMBER_FORMATS,
  type ReportImage,
  type ReportSheet,
  type ReportWorkbookOptions,
} from "./report_workbook.ts";
export {
  reasonsAt,
  type ReportChart,
  scoringReportCharts,
  type ScoringReportOptions,
  scoringReportSheets,
} from "./scoring_report.ts";
export { calibrationReport } from "./calibration_report.ts";
