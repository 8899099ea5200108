/**
 * The floor every other module stands on, depending on nothing: the input tables, their
 * columns and DuckDB types, the row types, tier names and codes, the day, ISO dates,
 * the default cutoffs and the conversion label. See `docs/formats.md` and `docs/rules.md`.
 *
 * @module
 */
export { isTableKind, TABLE_KINDS, type TableKind } from "./table_kinds.ts";
export {
  ANY_OF_REQUIRED,
  type ColumnKind,
  type ColumnSpec,
  DUCKDB_TYPE_OF_KIND,
  duckdbColumns,
  type DuckDBType,
  instantColumns,
  listColumns,
  ORDER_COLUMN,
  TABLE_SCHEMAS,
} from "./columns.ts";
export type {
  CellValue,
  ContactRow,
  EventRow,
  PurchaseRow,
  RowTypes,
  Scalar,
  VerificationRow,
} from "./rows.ts";
export {
  tierCode,
  type TierName,
  tierOf,
  type TierOrUnscored,
  TIERS,
  TIERS_HIGH_FIRST,
} from "./tiers.ts";
export {
  checkInstants,
  DAY_MS,
  formatInstant,
  isBareDate,
  parseIsoDate,
  parseIsoDateEnd,
  startOfMonth,
  utc,
} from "./time.ts";
export { dataEnd, type DataSpan, dataSpan, defaultCutoffs } from "./cutoffs.ts";
export { convertersWithin, convertsWithin } from "./label.ts";
export { listSeparator, splitList } from "./list.ts";
export { cellText, csvField, toCsv, type ToCsvOptions } from "./csv.ts";
export { isFormulaLike, safeCell, unguardCell } from "./safe_cell.ts";
