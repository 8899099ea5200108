/**
 * Loading contacts, events, purchases and verification tables from CSV/TSV, XLSX/XLS,
 * JSON, NDJSON and Arrow IPC into the canonical rows of `types.ts`, rejecting bad rows
 * with file, row, column and reason.
 *
 * Row numbers are 1-based with the header as row 1: CSV counts records (a quoted value
 * spanning lines is one record; blank lines count), spreadsheets use the sheet's row
 * numbers, NDJSON its line numbers, a JSON array the element's position.
 *
 * Safety limits (whole-file refusals with a `LoadError`, before anything is allocated):
 * spreadsheets over 200 MiB, zip-based workbooks declaring or inflating to over 512 MiB,
 * zip entries over 16 MiB that inflate more than 200 times, sheets declaring more than
 * 20 million cells (`A1:XFD1048576`). Per row: a cell over 1,048,576 characters rejects
 * its row (`maxCellChars`); a quote left open over 64 Mi characters is taken as a stray
 * quote and its line rejected. Formulas are never evaluated.
 *
 * CSV streams (memory bounded by `onRow`); JSON and NDJSON (up to 256 MiB), Arrow and
 * spreadsheets are read whole. Parquet is refused: reading it needs a DuckDB extension that is not
 * available offline.
 *
 * @module
 */
export type {
  CellValue,
  ContactRow,
  EventRow,
  LoadOptions,
  LoadResult,
  LoadSummary,
  PurchaseRow,
  RejectedRow,
  RowTypes,
  TableKind,
  VerificationRow,
} from "./types.ts";
export { LoadError, type LoadErrorDetails } from "./load_error.ts";
export type { ParseWorker } from "./_spreadsheet_budget.ts";
export { readNumber } from "./_row_builder.ts";
export { detectFormat, type LoadFormat, type LoadSource, loadTable } from "./load_table.ts";
export {
  contactsWithoutEvents,
  type CoverageCheck,
  eventsWithoutContacts,
  formatLoadSummary,
} from "./format_load_summary.ts";
export { rejectsToCsv } from "./rejects_to_csv.ts";
export { PURCHASE_EVENT_TYPE, purchaseEvent } from "./purchase_event.ts";
export {
  normalizeEmail,
  normalizeGender,
  normalizePhone,
  type NormalizePhoneOptions,
} from "./normalize.ts";
export {
  type DateOrder,
  excelSerialToMs,
  parseTimestamp,
  type ParseTimestampOptions,
} from "./parse_timestamp.ts";
export {
  COLUMN_ALIASES,
  type ColumnMapping,
  likelyCandidates,
  mapColumns,
  normalizeHeader,
  TABLE_COLUMNS,
  type TableColumns,
} from "./map_columns.ts";
export {
  CsvReader,
  type CsvReaderOptions,
  type CsvRecord,
  type CsvRecordSink,
  parseCsv,
  sniffDelimiter,
} from "./csv_reader.ts";
