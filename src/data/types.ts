/**
 * The canonical in-memory rows of the four input tables of
 * `../shared/spec/scoring-config-v1.md`, as every loader returns them and every
 * consumer (engine, calibration, backtest, workbench) reads them.
 *
 * Timestamps are epoch milliseconds, UTC. Ids are strings, never numbers.
 */
import type { Scalar } from "../config/types.ts";

/** A value of an extra column: loaders keep what the file had, typed where unambiguous. */
export type CellValue = Scalar | null | undefined;

export interface EventRow {
  contact_id: string;
  /** Epoch milliseconds, UTC. */
  ts: number;
  type: string;
  channel?: string | null;
  url?: string | null;
  email_id?: string | null;
  source?: string | null;
  phrase?: string | null;
  tag?: string | null;
  stage?: string | null;
  value?: number | null;
  [column: string]: CellValue;
}

export interface ContactRow {
  contact_id: string;
  /** Digits only, with country code (`79161234567`). */
  phone?: string | null;
  /** Trimmed, lower-case. */
  email?: string | null;
  gender?: string | null;
  age?: number | null;
  /** From a `;`-separated cell. */
  interests?: string[] | null;
  stage?: string | null;
  /** From a `;`-separated cell. */
  tags?: string[] | null;
  /** Epoch milliseconds, UTC. */
  created_at?: number | null;
  [column: string]: CellValue | string[];
}

export interface PurchaseRow {
  contact_id: string;
  /** Epoch milliseconds, UTC. */
  ts: number;
  amount?: number | null;
  channel?: string | null;
  tag?: string | null;
}

export interface VerificationRow {
  contact_id?: string | null;
  phone?: string | null;
  email?: string | null;
}

export type TableKind = "contacts" | "events" | "purchases" | "verification";

export interface RowTypes {
  contacts: ContactRow;
  events: EventRow;
  purchases: PurchaseRow;
  verification: VerificationRow;
}

/** One rejected input row: where it was and why. Row numbers are 1-based, header is row 1. */
export interface RejectedRow {
  file: string;
  row: number;
  column: string | null;
  value: string | null;
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
  /** Streaming: each good row is handed over and NOT kept in `rows`. @default undefined */
  onRow?: (row: R) => void;
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
}

/** What one load did, for the one-line summary and the workbench. */
export interface LoadSummary {
  file: string;
  kind: TableKind;
  /** Format read: `csv`, `xlsx`, `xls`, `json`, `ndjson`, `arrow`. */
  format: string;
  /** Data records read (header and blank lines excluded). */
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  /** Earliest and latest `ts` (`created_at` for contacts), epoch ms UTC. */
  minTs: number | null;
  maxTs: number | null;
  /** Events: count per type. */
  eventTypes?: Record<string, number>;
  /** Exact duplicate rows (events, purchases) or repeated contact ids (contacts, rejected). */
  duplicates: number;
  /** The file's columns, as in its header. */
  columns: string[];
  /** Canonical column -> file column actually used. */
  mapping: Record<string, string>;
  warnings: string[];
  /** Distinct contact ids among the loaded rows (see `LoadOptions.collectContactIds`). */
  contactIds?: Set<string>;
  /** Seconds spent. */
  seconds: number;
}

export interface LoadResult<R> {
  /** Good rows, in file order (empty when `onRow` was given). */
  rows: R[];
  rejects: RejectedRow[];
  summary: LoadSummary;
}
