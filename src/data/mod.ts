/**
 * Loading contacts, events, purchases and verification tables from CSV/TSV, XLSX/XLS,
 * JSON, NDJSON and Arrow IPC into the canonical rows of `types.ts`, rejecting bad rows
 * with file, row, column and reason.
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
export { detectFormat, type LoadFormat, type LoadSource, loadTable } from "./load_table.ts";
export {
  contactsWithoutEvents,
  type CoverageCheck,
  eventsWithoutContacts,
  formatLoadSummary,
} from "./format_load_summary.ts";
export { rejectsToCsv, writeRejectsCsv } from "./write_rejects_csv.ts";
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
  likelyCandidates,
  mapColumns,
  normalizeHeader,
  TABLE_COLUMNS,
} from "./map_columns.ts";
export { CsvReader, parseCsv, sniffDelimiter } from "./csv_reader.ts";
export { toDuckDB, type ToDuckDBOptions } from "./to_duckdb.ts";
