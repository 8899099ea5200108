/**
 * Turns one raw record (from any format) into a canonical row or the reason it is
 * rejected, column by column as the load's `ColumnPlan` says: ids, phones, e-mails, lists,
 * numbers and instants read as people write them, extra columns kept as they are.
 */
import type { LoadOptions, TableKind } from "./types.ts";
import { normalizeEmail, normalizeGender, normalizePhone } from "./normalize.ts";
import { canGenerate } from "../_can_generate.ts";
import { splitList } from "../tables/mod.ts";
import { AMBIGUOUS, excelSerialToMs, readTimestamp } from "./parse_timestamp.ts";
import { type ColumnPlan, type Handler, share } from "./_column_plan.ts";

const MIN_TS = Date.UTC(1900, 0, 1);
const MAX_TS = Date.UTC(2200, 0, 1);

/** A spreadsheet cell formatted as a date: its serial day number and the text shown. */
export interface ExcelDateCell {
  excelSerial: number;
  text: string;
}

/** A JSON number that would not print back as written: its source text (see `readJson`). */
export interface JsonNumber {
  jsonNumber: string;
}

export type RawValue =
  | string
  | number
  | boolean
  | Date
  | null
  | undefined
  | ExcelDateCell
  | JsonNumber
  | unknown[]
  | Record<string, unknown>;

/** A cell that is one value (not an object, nor an array unless `list` allows scalars in one). */
function isSingleValue(v: RawValue, list: boolean): boolean {
  if (v === null || typeof v !== "object" || v instanceof Date) return true;
  if (Array.isArray(v)) {
    return list && v.every((x) => x === null || (typeof x !== "object" && typeof x !== "function"));
  }
  return "excelSerial" in v || "jsonNumber" in v;
}

function describeCell(v: RawValue): string {
  return Array.isArray(v) ? "an array" : "an object";
}

/** One record as a reader hands it over. */
export interface RawRecord {
  /** 1-based; the header is row 1 (spreadsheet row, JSON element, NDJSON line). */
  row: number;
  cells: RawValue[] | null;
  /** Formatted text of numeric spreadsheet cells, so ids keep their zeros. */
  texts?: (string | undefined)[];
  error?: string;
}

/** Extra CSV values that are plainly numbers become numbers; `007` and `+7` stay text. */
const PLAIN_NUMBER = /^-?(?:0|[1-9]\d{0,14})(?:\.\d+)?$/;
/** A record whose slash dates wait for the day/month order to be decided. */
export const PENDING = Symbol("pending");
const PREVIEW = 120;

/** `value`, cut to a length fit for a message. */
export function preview(value: string): string {
  return value.length > PREVIEW ? value.slice(0, PREVIEW) + "…" : value;
}

/** Why a record is rejected: the column and value at fault (when one is), and the reason. */
export class RowReject {
  constructor(
    readonly column: string | null,
    readonly value: string | null,
    readonly reason: string,
  ) {}
}

/** Converts the records of one load (see the module doc). */
export class RowConverter<R> {
  /** The file's column names to report. */
  readonly header: string[];
  /** One per canonical column read. */
  readonly handlers: Handler[];
  #kind: TableKind;
  #csv: boolean;
  #extras: { index: number; name: string }[];
  /** Columns without a header name, in order. */
  readonly unnamed: Set<number>;
  /** Unnamed columns that held a value somewhere. */
  readonly unnamedUsed = new Set<number>();
  #timeIndex: number;
  #timezone: string;
  #country: string;
  #maxCell: number;
  #keepsRows: boolean;
  /** Converted values of the row at hand, one per handler (reused from row to row). */
  #values: unknown[];
  #makeRow: (values: unknown[], rowNo: number) => Record<string, unknown>;

  constructor(kind: TableKind, plan: ColumnPlan, csv: boolean, options: LoadOptions<R>) {
    const { timezone = "UTC", defaultCountry = "7", onRow, maxCellChars = 1_048_576 } = options;
    this.#kind = kind;
    this.#csv = csv;
    this.header = plan.header;
    this.handlers = plan.handlers;
    this.#extras = plan.extras;
    this.unnamed = plan.unnamed;
    this.#timeIndex = plan.timeIndex;
    this.#timezone = timezone;
    this.#country = defaultCountry;
    this.#maxCell = maxCellChars;
    this.#keepsRows = onRow === undefined;
    this.#values = new Array(this.handlers.length).fill(null);
    this.#makeRow = rowFactory(this.handlers.map((h) => h.canon), plan.rowIds);
  }

  #text(rec: RawRecord, i: number): string | null {
    const v = rec.cells![i];
    if (v === null || v === undefined) return null;
    if (typeof v === "string") return v;
    if (typeof v === "number") {
      const w = rec.texts?.[i];
      if (w !== undefined && !/e[+-]?\d/i.test(w) && w.trim() !== "") return w;
      return Number.isInteger(v) && Math.abs(v) < 1e21 ? v.toFixed(0) : String(v);
    }
    if (typeof v === "boolean") return String(v);
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return v.join(";");
    if (typeof v === "object" && "excelSerial" in v) return (v as ExcelDateCell).text;
    if (typeof v === "object" && "jsonNumber" in v) return (v as JsonNumber).jsonNumber;
    return JSON.stringify(v);
  }

  /** The row of `rec`, why it is rejected, or `PENDING` while its slash dates are undecided. */
  convert(rec: RawRecord): R | RowReject | typeof PENDING {
    if (rec.error || !rec.cells) return new RowReject(null, null, rec.error ?? "Unreadable row");
    const cells = rec.cells;
    const width = this.header.length;
    if (this.#csv && cells.length !== width) {
      let extraFilled = cells.length < width;
      for (let i = width; i < cells.length; i++) if (cells[i] !== "") extraFilled = true;
      if (extraFilled) {
        return new RowReject(
          null,
          preview((cells as string[]).join(",")),
          `Row has ${cells.length} field${
            cells.length === 1 ? "" : "s"
          } but the header has ${width}${
            cells.length > width ? " (an unquoted delimiter inside a value?)" : ""
          }`,
        );
      }
    }
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i];
      if (typeof c === "string" && c.length > this.#maxCell) {
        return new RowReject(
          this.header[i] ?? `column_${i + 1}`,
          preview(c),
          `Cell has ${c.length} characters, over the limit of ${this.#maxCell}`,
        );
      }
    }
    const handlers = this.handlers;
    const values = this.#values;
    for (let k = 0; k < handlers.length; k++) {
      const h = handlers[k];
      if (!isSingleValue(cells[h.index], h.kind === "list")) {
        return new RowReject(
          this.header[h.index],
          null,
          `${h.canon} holds ${describeCell(cells[h.index])}, not a single value`,
        );
      }
      let raw = cells[h.index];
      let text = this.#text(rec, h.index);
      if (this.#timeIndex >= 0 && h.canon === "ts") [raw, text] = this.#joinTime(rec, raw, text);
      const blank = text === null || trimText(text) === "";
      if (blank) {
        if (h.required) {
          return new RowReject(this.header[h.index], text ?? "", `${h.canon} is empty`);
        }
        values[k] = null;
        continue;
      }
      try {
        const v = this.#value(h, raw, text!, rec.row);
        if (v === AMBIGUOUS) return PENDING;
        values[k] = v;
      } catch (err) {
        if (!(err instanceof SyntaxError || err instanceof RangeError)) throw err;
        return new RowReject(this.header[h.index], preview(text!), err.message);
      }
    }
    const row = this.#makeRow(values, rec.row);
    if (this.#kind === "verification" && !row.contact_id && !row.phone && !row.email) {
      return new RowReject(null, null, "Row has none of contact_id, phone, email");
    }
    for (const e of this.#extras) {
      const v = cells[e.index];
      if (!isSingleValue(v, true)) {
        return new RowReject(
          e.name,
          null,
          `Column "${e.name}" holds ${describeCell(v)}, not a single value`,
        );
      }
      if (v === undefined || v === null || v === "") {
        if (this.unnamed.has(e.index)) continue;
        if (e.name === "__proto__") {
          Object.defineProperty(row, e.name, {
            value: null,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        } else row[e.name] = null;
        continue;
      }
      if (this.unnamed.has(e.index)) this.unnamedUsed.add(e.index);
      let value: unknown;
      if (typeof v === "string") value = this.#csv && PLAIN_NUMBER.test(v) ? Number(v) : v;
      else if (typeof v === "number" || typeof v === "boolean") value = v;
      else value = this.#text(rec, e.index);
      // A header named __proto__ must not reach the setter (it would swap the prototype).
      if (e.name === "__proto__") {
        Object.defineProperty(row, e.name, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else row[e.name] = value;
    }
    return row as R;
  }

  /** A date cell and a time cell as one timestamp value. */
  #joinTime(rec: RawRecord, date: RawValue, dateText: string | null): [RawValue, string | null] {
    const time = rec.cells![this.#timeIndex];
    const timeText = this.#text(rec, this.#timeIndex);
    if (timeText === null || timeText.trim() === "" || dateText === null) return [date, dateText];
    const serial = (v: RawValue) =>
      typeof v === "number"
        ? v
        : v && typeof v === "object" && "excelSerial" in v
        ? (v as ExcelDateCell).excelSerial
        : NaN;
    // Spreadsheet cells: a day number plus a fraction of a day.
    const d = serial(date), t = serial(time);
    if (d === d && t === t && t >= 0 && t < 1) {
      return [{ excelSerial: d + t, text: `${dateText} ${timeText}` }, `${dateText} ${timeText}`];
    }
    const joined = `${dateText.trim()} ${timeText.trim()}`;
    return [joined, joined];
  }

  #value(h: Handler, raw: RawValue, text: string, rowNo: number): unknown {
    switch (h.kind) {
      case "id": {
        if (raw !== null && typeof raw === "object" && "jsonNumber" in raw && /[eE]/.test(text)) {
          throw new SyntaxError(
            `${h.canon} ${text} is a JSON number in exponent form, not the digits of an id (write the id as a string)`,
          );
        }
        // Exports are usually grouped by contact: a run of rows shares one id string.
        const v = readId(text, h.canon);
        if (v === h.last) return h.last;
        const shared = share(h, v);
        if (this.#keepsRows) h.last = shared;
        return shared;
      }
      case "text":
        return share(h, trimText(text));
      case "gender":
        return normalizeGender(text);
      case "phone":
        return normalizePhone(readId(text, h.canon), { defaultCountry: this.#country });
      case "email":
        return normalizeEmail(text);
      case "list": {
        if (Array.isArray(raw)) return raw.map((x) => String(x).trim()).filter((s) => s !== "");
        if (!text.includes(";") && text.includes(",")) h.commaLists = (h.commaLists ?? 0) + 1;
        return splitList(text);
      }
      case "age": {
        const n = typeof raw === "number" ? raw : readNumber(text);
        if (!Number.isFinite(n)) throw new SyntaxError(`Age "${text}" is not a number`);
        if (n < 0 || n > 150) throw new RangeError(`Age ${n} is outside 0-150`);
        return n;
      }
      case "number": {
        const n = typeof raw === "number" ? raw : readNumber(text);
        if (!Number.isFinite(n)) throw new SyntaxError(`${h.canon} "${text}" is not a number`);
        return n;
      }
      case "ts": {
        let v: string | number | Date;
        if (typeof raw === "number" || raw instanceof Date) v = raw;
        else if (raw && typeof raw === "object" && "excelSerial" in raw) {
          // A date-formatted cell is a date whatever its size: no magnitude guessing.
          const t = excelSerialToMs((raw as ExcelDateCell).excelSerial, this.#timezone);
          if (!(t >= MIN_TS && t < MAX_TS)) {
            throw new SyntaxError(`Date "${text}" is outside 1900-2199`);
          }
          return t;
        } else v = text;
        const t = readTimestamp(v, this.#timezone, h.dates!, rowNo);
        if (t === AMBIGUOUS) h.ambiguous++;
        return t;
      }
    }
  }
}

/**
 * Makes a row object from the handler values (`contact_id` from the row number first with
 * `rowIds`), properties in handler order. Setting properties one by one by name costs
 * about 150 ns a row (every store looks its name up); where code may be generated, one
 * object literal per load makes the row in a single step with a fixed shape.
 */
function rowFactory(
  names: string[],
  rowIds: boolean,
): (values: unknown[], rowNo: number) => Record<string, unknown> {
  const plain = names.every((n) => /^[a-z_][a-z0-9_]*$/.test(n) && n !== "__proto__");
  if (plain && canGenerate()) {
    const props = names.map((n, k) => `${n}: v[${k}]`);
    if (rowIds) props.unshift("contact_id: String(rowNo)");
    return new Function(
      "v",
      "rowNo",
      `"use strict"; return { ${props.join(", ")} };`,
    ) as (values: unknown[], rowNo: number) => Record<string, unknown>;
  }
  return (values, rowNo) => {
    const row: Record<string, unknown> = {};
    if (rowIds) row.contact_id = String(rowNo);
    for (let k = 0; k < names.length; k++) row[names[k]] = values[k];
    return row;
  };
}

/**
 * `s.trim()`, without the call when `s` plainly has nothing to trim (it starts and ends
 * with printable ASCII, as nearly every cell does): every cell of every row is trimmed.
 */
function trimText(s: string): string {
  const n = s.length;
  if (n === 0) return s;
  const a = s.charCodeAt(0), b = s.charCodeAt(n - 1);
  return a > 32 && a < 127 && b > 32 && b < 127 ? s : s.trim();
}

// `7.91612E+10`: a long number that a spreadsheet shortened; its digits are gone.
const SCIENTIFIC = /^[+-]?\d(?:[.,]\d+)?e\+?\d+$/i;
// `="0042"`: the usual way to make a spreadsheet keep an id's zeros in a CSV.
const EXCEL_TEXT = /^="(.*)"$/;

/** An id-like value: trimmed, `="0042"` unwrapped, shortened numbers refused. */
function readId(text: string, column: string): string {
  let v = trimText(text);
  // Both patterns are tried only when the first characters allow them: ids are read on
  // every row, and most are plain digits or letters.
  if (v.charCodeAt(0) === 61) {
    const wrapped = EXCEL_TEXT.exec(v);
    if (wrapped) v = wrapped[1].trim();
  }
  const lead = v.charCodeAt(0) === 43 || v.charCodeAt(0) === 45 ? 2 : 1;
  const c = v.charCodeAt(lead);
  if ((c === 46 || c === 44 || c === 101 || c === 69) && SCIENTIFIC.test(v)) {
    throw new SyntaxError(
      `${column} "${v}" is a number a spreadsheet shortened to scientific notation; its digits are lost (export the column as text)`,
    );
  }
  return v;
}

/** A number as people write it: `1234.5`, `1 234,5`, `-7`. `NaN` otherwise. */
export function readNumber(text: string): number {
  let t = text.trim().replace(/[\s\u00a0\u202f]/g, "");
  if (/^[+-]?\d+,\d+$/.test(t)) t = t.replace(",", ".");
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(t)) return NaN;
  return Number(t);
}
