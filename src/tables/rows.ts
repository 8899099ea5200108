/**
 * The canonical in-memory rows of the four input tables (`docs/formats.md`), as every
 * loader returns them and every consumer (engine, calibration, backtest, workbench) reads
 * them. Instants are epoch milliseconds, UTC. Ids are strings, never numbers.
 */

/** A plain value a rule compares with. */
export type Scalar = string | number | boolean;

/** A value of an extra column: loaders keep what the file had, typed where unambiguous. */
export type CellValue = Scalar | null | undefined;

/** One event: something a contact did or had done to it. */
export interface EventRow {
  /** Whose event. */
  contact_id: string;
  /** Epoch milliseconds, UTC. */
  ts: number;
  /** What happened (`page_view`, `email_click`, ...): the value rules name in `on`. */
  type: string;
  /** `web`, `email`, `cpc`, `offline`, ... */
  channel?: string | null;
  /** Page address. */
  url?: string | null;
  /** Campaign or message id. */
  email_id?: string | null;
  /** Traffic source. */
  source?: string | null;
  /** Search phrase. */
  phrase?: string | null;
  /** A product or topic label. */
  tag?: string | null;
  /** The contact's stage when the event happened (for `stage` scopes). */
  stage?: string | null;
  /** A measure of the event: call seconds, order value, ... */
  value?: number | null;
  /** Any other column of the file, testable by a rule's `where`. */
  [column: string]: CellValue;
}

/** One contact: ids, contact details and attributes. */
export interface ContactRow {
  /** The contact, unique in its table. */
  contact_id: string;
  /** Digits only, with country code (`79161234567`). */
  phone?: string | null;
  /** Trimmed, lower-case. */
  email?: string | null;
  /** `m`, `f`, or another value as written, lower-cased. */
  gender?: string | null;
  /** In years, 0 to 150. */
  age?: number | null;
  /** From a `;`-separated cell. */
  interests?: string[] | null;
  /** Deal or lifecycle stage, for `stage` scopes and `audience.stage`. */
  stage?: string | null;
  /** From a `;`-separated cell. */
  tags?: string[] | null;
  /** Epoch milliseconds, UTC. */
  created_at?: number | null;
  /** Any other column of the file: an attribute or a label. */
  [column: string]: CellValue | string[];
}

/** One purchase: who converted and when. */
export interface PurchaseRow {
  /** Who bought. */
  contact_id: string;
  /** Epoch milliseconds, UTC. */
  ts: number;
  /** How much. */
  amount?: number | null;
  /** `online`, `offline`, ... */
  channel?: string | null;
  /** The product; per-tag calibration fits one model per tag. */
  tag?: string | null;
}

/** One known contact to exclude, demote or flag; at least one field is set. */
export interface VerificationRow {
  /** Matched to a contact's id. */
  contact_id?: string | null;
  /** Matched to a contact's phone, both as digits with the country code. */
  phone?: string | null;
  /** Matched to a contact's e-mail, both trimmed and lower-cased. */
  email?: string | null;
}

/** The row type of each table kind. */
export interface RowTypes {
  /** Rows of `contacts`. */
  contacts: ContactRow;
  /** Rows of `events`. */
  events: EventRow;
  /** Rows of `purchases`. */
  purchases: PurchaseRow;
  /** Rows of `verification`. */
  verification: VerificationRow;
}
