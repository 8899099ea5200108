/**
 * Files people take away: XLSX workbooks, CSV, audience files, all safe against
 * spreadsheet formula injection.
 *
 * @module
 */
export { isFormulaLike, safeCell } from "./safe_cell.ts";
export { cellText, toCsv, type ToCsvOptions } from "./csv.ts";
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
  chartDocument,
  chartPng,
  type ChartPngOptions,
  chartSvg,
  DEFAULT_FONT,
} from "./chart_image.ts";
export {
  type BacktestReportOptions,
  backtestReportSheets,
  thresholdSheets,
} from "./backtest_report.ts";
