/** What the loaders report and take: rejected rows, load summaries and load options. */
export type {
  CellValue,
  ContactRow,
  EventRow,
  PurchaseRow,
  RowTypes,
  VerificationRow,
} from "../tables/rows.ts";
export type { TableKind } from "../tables/table_kinds.ts";
import type { TableKind } from "../tables/table_kinds.ts";
import type { ParseWorker } from "./_spreadsheet_budget.ts";

/** One rejected input row: where it was and why. Row numbers are 1-based, header is row 1. */
export interface RejectedRow {
  /** The input file as named by the caller. */
  file: string;
  /** Row number in the file, 1-based with the header as row 1. */
  row: number;
  /** The file's own name of the column at fault; `null` when the whole row is. */
  column: string | null;
  /** The offending value, cut at 120 characters; `null` when the whole row is at fault. */
  value: string | null;
  /** Why, in a sentence. */
  reason: string;
}

/** How `loadTable` reads a file. */
export interface LoadOptions<R = unknown> {
  /** Canonical column -> file column, e.g. `{ contact_id: "Client ID" }`. @default {} */
  mapping?: Record<string, string>;
  /** XLSX/XLS sheet: its name, or its 1-based position. @default the first sheet */
  sheet?: string | number;
  /** IANA zone for timestamps without an offset (and Excel serial dates). @default "UTC" */
  timezone?: string;
  /** Country calling code for phone numbers written without one. @default "7" */
  defaultCountry?: string;
  /** CSV text encoding (a WHATWG label such as `"windows-1251"`). @default sniffed per line */
  encoding?: string;
  /** CSV delimiter. @default sniffed among `,` `;` tab `|` */
  delimiter?: string;
  /**
   * How to read `01/02/2024` when no value of the column decides it.
   * @default "dmy" (with a warning)
   */
  dateOrder?: "dmy" | "mdy";
  /**
   * Streaming: each good row is handed over with its row number (as in `RejectedRow.row`)
   * and NOT kept in `rows`. @default undefined
   */
  onRow?: (row: R, rowNumber: number) => void;
  /** Called with the fraction of the input read so far. @default undefined */
  onProgress?: (fraction: number) => void;
  /** Longest cell accepted, in characters; a longer one rejects its row. @default 1_048_576 */
  maxCellChars?: number;
  /** Count exact duplicate rows (hashes kept, about 8 bytes a row). @default true */
  detectDuplicates?: boolean;
  /**
   * Collect the distinct contact ids in `summary.contactIds` (for `contactsWithoutEvents`).
   * It costs about a microsecond a row, so streaming loads skip it unless asked.
   * @default true, false when `onRow` is given
   */
  collectContactIds?: boolean;
  /**
   * Contacts only: when the file has no contact_id column (a campaign export, a survey),
   * use each row's number in the file (header = row 1) as its contact_id.
   * @default false
   */
  rowIds?: boolean;
  /**
   * Time budget for parsing a spreadsheet (XLSX, XLS, ODS, flat XML), in ms: past it the
   * file is refused (see `readSpreadsheet`).
   * @default 20_000 + 2_000 per MiB of file
   */
  parseTimeoutMs?: number;
  /**
   * Where there is no child process (the browser): starts the dedicated worker a
   * spreadsheet is parsed in, terminated past `parseTimeoutMs` (see
   * `ReadSpreadsheetOptions.worker`). Not given: the parse runs unbounded in the caller.
   */
  spreadsheetWorker?: () => ParseWorker;
}

/** What one load did, for the one-line summary and the workbench. */
export interface LoadSummary {
  /** The file, as named by the caller. */
  file: string;
  /** The table it was loaded as. */
  kind: TableKind;
  /** Format read: `csv`, `xlsx`, `xls`, `json`, `ndjson`, `arrow`. */
  format: string;
  /** Data records read (header and blank lines excluded). */
  rowsRead: number;
  /** Rows that passed every check. */
  rowsLoaded: number;
  /** Rows rejected (listed in `LoadResult.rejects`). */
  rowsRejected: number;
  /** Earliest and latest `ts` (`created_at` for contacts), epoch ms UTC. */
  minTs: number | null;
  /** See `minTs`. */
  maxTs: number | null;
  /** Events: count per type. */
  eventTypes?: Record<string, number>;
  /** Exact duplicate rows (events, purchases) or repeated contact ids (contacts, rejected). */
  duplicates: number;
  /** The file's columns, as in its header. */
  columns: string[];
  /** Canonical column -> file column actually used. */
  mapping: Record<string, string>;
  /** What a person should know about the load but that rejected no row. */
  warnings: string[];
  /** Distinct contact ids among the loaded rows (see `LoadOptions.collectContactIds`). */
  contactIds?: Set<string>;
  /** Seconds spent. */
  seconds: number;
}

/** What `loadTable` returns: the good rows, the rejected ones and the summary. */
export interface LoadResult<R> {
  /** Good rows, in file order (empty when `onRow` was given). */
  rows: R[];
  /** Every rejected row, in file order. */
  rejects: RejectedRow[];
  /** Counts, time range, mapping and warnings of the load. */
  summary: LoadSummary;
}
