/**
 * The canonical in-memory rows of the four input tables (`docs/formats.md`), as every
 * loader returns them and every consumer (engine, calibration, backtest, workbench) reads
 * them. Instants are epoch milliseconds, UTC. Ids are strings, never numbers.
 */

/** A plain value a rule compares with. */
export type Scalar = string | number | boolean;

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

export interface RowTypes {
  contacts: ContactRow;
  events: EventRow;
  purchases: PurchaseRow;
  verification: VerificationRow;
}
