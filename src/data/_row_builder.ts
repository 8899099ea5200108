/**
 * Turns raw records (from any format) into canonical rows or rejects, and keeps the load
 * summary. One instance per load.
 */
import type { LoadOptions, LoadResult, LoadSummary, RejectedRow, TableKind } from "./types.ts";
import { mapColumns, TABLE_COLUMNS } from "./map_columns.ts";
import { normalizeEmail, normalizeGender, normalizePhone } from "./normalize.ts";
import {
  AMBIGUOUS,
  type DateOrderState,
  excelSerialToMs,
  readTimestamp,
} from "./parse_timestamp.ts";

const MIN_TS = Date.UTC(1900, 0, 1);
const MAX_TS = Date.UTC(2200, 0, 1);

/** A spreadsheet cell formatted as a date: its serial day number and the text shown. */
export interface ExcelDateCell {
  excelSerial: number;
  text: string;
}

export type RawValue =
  | string
  | number
  | boolean
  | Date
  | null
  | undefined
  | ExcelDateCell
  | unknown[]
  | Record<string, unknown>;

export interface RawRecord {
  /** 1-based; the header is row 1 (spreadsheet row, JSON element, NDJSON line). */
  row: number;
  cells: RawValue[] | null;
  /** Formatted text of numeric spreadsheet cells, so ids keep their zeros. */
  texts?: (string | undefined)[];
  error?: string;
}

type Kind = "id" | "text" | "phone" | "email" | "gender" | "age" | "list" | "ts" | "number";

const COLUMN_KIND: Record<string, Kind> = {
  contact_id: "id",
  email_id: "id",
  phone: "phone",
  email: "email",
  gender: "gender",
  age: "age",
  interests: "list",
  tags: "list",
  created_at: "ts",
  ts: "ts",
  value: "number",
  amount: "number",
};

interface Handler {
  canon: string;
  index: number;
  kind: Kind;
  required: boolean;
  dates?: DateOrderState;
  ambiguous: number;
  /** One shared string per distinct value of a low-cardinality column (`type`, `channel`). */
  intern?: Map<string, string>;
}

// Columns whose values repeat a lot: sharing one string per value saves ~24 bytes a cell
// when millions of rows are kept. Past this many distinct values sharing stops.
const INTERNED = new Set(["type", "channel", "source", "stage", "tag", "gender"]);
const MAX_INTERNED = 10_000;

/** Extra CSV values that are plainly numbers become numbers; `007` and `+7` stay text. */
const PLAIN_NUMBER = /^-?(?:0|[1-9]\d{0,14})(?:\.\d+)?$/;
const PENDING = Symbol("pending");
const PREVIEW = 120;

function preview(value: string): string {
  return value.length > PREVIEW ? value.slice(0, PREVIEW) + "…" : value;
}

class RowReject {
  constructor(
    readonly column: string | null,
    readonly value: string | null,
    readonly reason: string,
  ) {}
}

/** 64-bit string hashes in an open-addressing table: duplicate counting at 8 bytes a row. */
class HashSet64 {
  #hi = new Uint32Array(1 << 16);
  #lo = new Uint32Array(1 << 16);
  #used = new Uint8Array(1 << 16);
  #size = 0;

  /** Adds the record of these fields; returns `false` when already present. */
  add(fields: readonly string[]): boolean {
    let h1 = 0x811c9dc5, h2 = 0x01000193 ^ fields.length;
    for (let f = 0; f < fields.length; f++) {
      const s = fields[f];
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h2 = Math.imul(h2 ^ c, 0x5bd1e995);
        h2 ^= h2 >>> 13;
      }
      // A separator that no character produces, so ["ab", "c"] and ["a", "bc"] differ.
      h1 = Math.imul(h1 ^ 0x10000, 0x01000193);
      h2 = Math.imul(h2 ^ 0x10000, 0x5bd1e995);
    }
    h1 >>>= 0;
    h2 >>>= 0;
    if ((this.#size + 1) * 2 > this.#used.length) this.#grow();
    return this.#insert(h1, h2);
  }

  #insert(h1: number, h2: number): boolean {
    const mask = this.#used.length - 1;
    let i = (h1 ^ (h2 * 31)) & mask;
    while (this.#used[i]) {
      if (this.#hi[i] === h1 && this.#lo[i] === h2) return false;
      i = (i + 1) & mask;
    }
    this.#used[i] = 1;
    this.#hi[i] = h1;
    this.#lo[i] = h2;
    this.#size++;
    return true;
  }

  #grow(): void {
    const hi = this.#hi, lo = this.#lo, used = this.#used;
    const n = used.length * 2;
    this.#hi = new Uint32Array(n);
    this.#lo = new Uint32Array(n);
    this.#used = new Uint8Array(n);
    this.#size = 0;
    for (let i = 0; i < used.length; i++) if (used[i]) this.#insert(hi[i], lo[i]);
  }
}

/**
 * Distinct strings in an open-addressing table with our own hash: for millions of adds
 * of mostly repeated ids it is several times cheaper than `Set.add`; the `Set` the
 * summary exposes is built once, from the distinct values, at the end.
 */
class StringSet {
  #keys: (string | undefined)[] = new Array(1 << 12);
  #hashes = new Int32Array(1 << 12);
  size = 0;

  add(s: string): void {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    const mask = this.#hashes.length - 1;
    let i = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const k = this.#keys[i];
      if (k === undefined) break;
      if (this.#hashes[i] === h && k === s) return;
      i = (i + 1) & mask;
    }
    this.#keys[i] = s;
    this.#hashes[i] = h;
    if (++this.size * 2 > this.#hashes.length) this.#grow();
  }

  #grow(): void {
    const keys = this.#keys, hashes = this.#hashes;
    const n = hashes.length * 2;
    this.#keys = new Array(n);
    this.#hashes = new Int32Array(n);
    const mask = n - 1;
    for (let j = 0; j < keys.length; j++) {
      if (keys[j] === undefined) continue;
      let i = (hashes[j] ^ (hashes[j] >>> 15)) & mask;
      while (this.#keys[i] !== undefined) i = (i + 1) & mask;
      this.#keys[i] = keys[j];
      this.#hashes[i] = hashes[j];
    }
  }

  toSet(limit: number): Set<string> {
    const out = new Set<string>();
    for (const k of this.#keys) {
      if (k !== undefined && out.size < limit) out.add(k);
    }
    return out;
  }
}

// Set has a hard size limit near 2^24; beyond this many ids we stop collecting.
const MAX_CONTACT_IDS = 16_000_000;

/**
 * Converts one load's records in file order: `add` each record, then `finish`. Rows wait
 * (in order) only while a slash-date column's day/month order is still undecided.
 */
export class RowBuilder<R> {
  readonly rows: R[] = [];
  readonly rejects: RejectedRow[] = [];
  readonly summary: LoadSummary;
  #kind: TableKind;
  #file: string;
  #header: string[];
  #handlers: Handler[];
  #extras: { index: number; name: string }[];
  #timezone: string;
  #country: string;
  #maxCell: number;
  #onRow?: (row: R) => void;
  #csv: boolean;
  #dupes: HashSet64 | null;
  #ids = new Map<string, number>();
  #contactIds: StringSet | null;
  #types = new Map<string, number>();
  #pending: { rec: RawRecord; result: R | RowReject | typeof PENDING }[] = [];
  #blank = 0;
  #formulaHint = "";
  #t0 = performance.now();
  #dateOrder?: "dmy" | "mdy";
  #lastId: string | null = null;
  #rowIds = false;
  #timeIndex = -1;
  #unnamed: number[];
  #unnamedUsed = new Set<number>();
  #formulas = 0;

  constructor(
    kind: TableKind,
    file: string,
    header: string[],
    format: string,
    options: LoadOptions<R>,
    warnings: string[] = [],
  ) {
    const {
      mapping = {},
      timezone = "UTC",
      defaultCountry = "7",
      onRow,
      maxCellChars = 1_048_576,
      detectDuplicates = true,
      collectContactIds = onRow === undefined,
      dateOrder,
      rowIds = false,
    } = options;
    if (rowIds && kind !== "contacts") {
      throw new RangeError(`rowIds applies to contacts, not to ${kind}`);
    }
    this.#kind = kind;
    this.#file = file;
    this.#csv = format === "csv";
    // Unnamed columns (a trailing delimiter, a blank header cell) get a name to report.
    this.#header = header.map((h, i) => h.trim() === "" ? `column_${i + 1}` : h.trim());
    const unnamed = header.map((h, i) => h.trim() === "" ? i : -1).filter((i) => i >= 0);
    const m = mapColumns(kind, header.map((h) => h.trim()), file, mapping, rowIds);
    this.#rowIds = rowIds && m.index.contact_id === undefined;
    if (this.#rowIds) m.names.contact_id = "(row number)";
    const spec = TABLE_COLUMNS[kind];
    const order = [...spec.required, ...spec.optional];
    const entries = Object.entries(m.index).sort((a, b) =>
      order.indexOf(a[0]) - order.indexOf(b[0])
    );
    this.#handlers = entries.map(([canon, index]) => ({
      canon,
      index,
      kind: COLUMN_KIND[canon] ?? "text",
      required: !spec.anyOf && spec.required.includes(canon),
      dates: COLUMN_KIND[canon] === "ts"
        ? { order: dateOrder ?? null, decidedBy: dateOrder ? "dateOrder" : null, decidedRow: 0 }
        : undefined,
      ambiguous: 0,
      intern: INTERNED.has(canon) ? new Map<string, string>() : undefined,
    }));
    this.#dateOrder = dateOrder;
    const mapped = new Set(Object.values(m.index));
    if (m.timeIndex !== undefined) {
      mapped.add(m.timeIndex);
      this.#timeIndex = m.timeIndex;
    }
    this.#extras = this.#header.map((name, index) => ({ index, name })).filter((e) =>
      !mapped.has(e.index)
    );
    this.#unnamed = unnamed;
    this.#timezone = timezone;
    this.#country = defaultCountry;
    this.#maxCell = maxCellChars;
    this.#onRow = onRow;
    this.#dupes = detectDuplicates && kind !== "contacts" ? new HashSet64() : null;
    this.#contactIds = collectContactIds ? new StringSet() : null;
    this.summary = {
      file,
      kind,
      format,
      rowsRead: 0,
      rowsLoaded: 0,
      rowsRejected: 0,
      minTs: null,
      maxTs: null,
      eventTypes: kind === "events" ? {} : undefined,
      duplicates: 0,
      columns: header,
      mapping: m.names,
      warnings: [...warnings, ...m.warnings],
      seconds: 0,
    };
  }

  /** Notes a formula cell read as its stored value, for one warning. */
  noteFormula(where: string, formula: string): void {
    this.#formulas++;
    if (!this.#formulaHint) this.#formulaHint = `${where} =${preview(formula)}`;
  }

  add(rec: RawRecord): void {
    if (rec.cells && this.#isBlank(rec.cells)) {
      this.#blank++;
      return;
    }
    this.summary.rowsRead++;
    const result = this.#convert(rec);
    if (result === PENDING || this.#pending.length) {
      this.#pending.push({ rec, result });
      if (result !== PENDING) this.#flush(false);
      return;
    }
    this.#emit(rec, result);
  }

  #isBlank(cells: RawValue[]): boolean {
    for (const c of cells) if (c !== null && c !== undefined && c !== "") return false;
    return true;
  }

  #flush(final: boolean): void {
    while (this.#pending.length) {
      const item = this.#pending[0];
      if (item.result === PENDING) {
        item.result = this.#convert(item.rec);
        if (item.result === PENDING) {
          if (!final) return;
          throw new Error("Unreachable: date order still undecided after defaulting");
        }
      }
      this.#pending.shift();
      this.#emit(item.rec, item.result);
    }
  }

  #emit(rec: RawRecord, result: R | RowReject): void {
    if (result instanceof RowReject) {
      this.summary.rowsRejected++;
      this.rejects.push({
        file: this.#file,
        row: rec.row,
        column: result.column,
        value: result.value,
        reason: result.reason,
      });
      return;
    }
    const row = result as Record<string, unknown>;
    if (this.#kind === "contacts") {
      const id = row.contact_id as string;
      const first = this.#ids.get(id);
      if (first !== undefined) {
        this.summary.duplicates++;
        this.summary.rowsRejected++;
        this.rejects.push({
          file: this.#file,
          row: rec.row,
          column: this.summary.mapping.contact_id,
          value: id,
          reason: `Duplicate contact_id "${id}" (first in row ${first})`,
        });
        return;
      }
      this.#ids.set(id, rec.row);
    } else if (this.#dupes) {
      if (rec.cells && !this.#dupes.add(this.#recordKey(rec.cells))) this.summary.duplicates++;
    }
    this.summary.rowsLoaded++;
    const ts = (this.#kind === "contacts" ? row.created_at : row.ts) as number | null | undefined;
    if (typeof ts === "number") {
      if (this.summary.minTs === null || ts < this.summary.minTs) this.summary.minTs = ts;
      if (this.summary.maxTs === null || ts > this.summary.maxTs) this.summary.maxTs = ts;
    }
    if (this.#kind === "events") {
      const t = row.type as string;
      this.#types.set(t, (this.#types.get(t) ?? 0) + 1);
    }
    const cid = row.contact_id;
    // Exports are often grouped by contact: skipping a repeat of the last id is cheap.
    if (this.#contactIds && typeof cid === "string" && cid !== this.#lastId) {
      this.#lastId = cid;
      this.#contactIds.add(cid);
    }
    if (this.#onRow) this.#onRow(result as R);
    else this.rows.push(result as R);
  }

  #recordKey(cells: RawValue[]): readonly string[] {
    if (this.#csv) return cells as string[];
    return [JSON.stringify(cells)];
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
    return JSON.stringify(v);
  }

  #convert(rec: RawRecord): R | RowReject | typeof PENDING {
    if (rec.error || !rec.cells) return new RowReject(null, null, rec.error ?? "Unreadable row");
    const cells = rec.cells;
    const width = this.#header.length;
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
          this.#header[i] ?? `column_${i + 1}`,
          preview(c),
          `Cell has ${c.length} characters, over the limit of ${this.#maxCell}`,
        );
      }
    }
    const row: Record<string, unknown> = {};
    if (this.#rowIds) row.contact_id = String(rec.row);
    for (const h of this.#handlers) {
      let raw = cells[h.index];
      let text = this.#text(rec, h.index);
      if (this.#timeIndex >= 0 && h.canon === "ts") [raw, text] = this.#joinTime(rec, raw, text);
      const blank = text === null || text.trim() === "";
      if (blank) {
        if (h.required) {
          return new RowReject(this.#header[h.index], text ?? "", `${h.canon} is empty`);
        }
        row[h.canon] = null;
        continue;
      }
      try {
        const v = this.#value(h, raw, text!, rec.row);
        if (v === AMBIGUOUS) return PENDING;
        row[h.canon] = v;
      } catch (err) {
        if (!(err instanceof SyntaxError || err instanceof RangeError)) throw err;
        return new RowReject(this.#header[h.index], preview(text!), err.message);
      }
    }
    if (this.#kind === "verification" && !row.contact_id && !row.phone && !row.email) {
      return new RowReject(null, null, "Row has none of contact_id, phone, email");
    }
    for (const e of this.#extras) {
      const v = cells[e.index];
      if (v === undefined || v === null || v === "") {
        if (this.#unnamed.includes(e.index)) continue;
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
      if (this.#unnamed.includes(e.index)) this.#unnamedUsed.add(e.index);
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
      case "id":
        return readId(text, h.canon);
      case "text": {
        const v = text.trim();
        const intern = h.intern;
        if (!intern) return v;
        const shared = intern.get(v);
        if (shared !== undefined) return shared;
        if (intern.size < MAX_INTERNED) intern.set(v, v);
        return v;
      }
      case "gender":
        return normalizeGender(text);
      case "phone":
        return normalizePhone(readId(text, h.canon), { defaultCountry: this.#country });
      case "email":
        return normalizeEmail(text);
      case "list": {
        const items = Array.isArray(raw)
          ? raw.map((x) => String(x).trim())
          : text.split(";").map((s) => s.trim());
        return items.filter((s) => s !== "");
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

  finish(): LoadResult<R> {
    if (this.#pending.length) {
      for (const h of this.#handlers) {
        if (h.dates && h.dates.order === null && h.ambiguous > 0) {
          h.dates.order = this.#dateOrder ?? "dmy";
          h.dates.decidedBy = "(default)";
          this.summary.warnings.push(
            `Column "${
              this.#header[h.index]
            }": dates like "01/02/2024" are ambiguous (no value has a day above 12); read as ${
              h.dates.order === "dmy" ? "day/month/year" : "month/day/year"
            } (set dateOrder to choose)`,
          );
        }
      }
      this.#flush(true);
    }
    for (const h of this.#handlers) {
      if (h.dates?.order && h.dates.decidedRow > 0) {
        this.summary.warnings.push(
          `Column "${this.#header[h.index]}": slash dates read as ${
            h.dates.order === "dmy" ? "day/month/year" : "month/day/year"
          } (decided by "${h.dates.decidedBy}" in row ${h.dates.decidedRow})`,
        );
      }
    }
    if (this.#blank) this.summary.warnings.push(`${this.#blank} blank row(s) skipped`);
    for (const i of this.#unnamed) {
      if (this.#unnamedUsed.has(i)) {
        this.summary.warnings.push(`Column ${i + 1} has no header name; kept as "column_${i + 1}"`);
      } else {
        this.summary.warnings.push(
          `Column ${i + 1} has no header name and no values (a trailing delimiter?); ignored`,
        );
      }
    }
    if (this.#formulas) {
      this.summary.warnings.push(
        `${this.#formulas} formula cell(s) read as their stored values (or as formula text when none is stored), never evaluated (first: ${this.#formulaHint})`,
      );
    }
    if (this.summary.rowsRead === 0) this.summary.warnings.push("No data rows");
    if (this.#kind === "events") {
      this.summary.eventTypes = Object.fromEntries(
        [...this.#types].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
      );
    }
    if (this.#contactIds) {
      this.summary.contactIds = this.#contactIds.toSet(MAX_CONTACT_IDS);
      if (this.#contactIds.size > MAX_CONTACT_IDS) {
        this.summary.warnings.push(
          `Over ${MAX_CONTACT_IDS} distinct contacts; contactIds holds the first ${MAX_CONTACT_IDS}`,
        );
      }
    }
    if (this.#kind !== "contacts" && this.summary.duplicates) {
      this.summary.warnings.push(
        `${this.summary.duplicates} row(s) repeat an earlier row exactly; loaded as they are`,
      );
    }
    this.summary.seconds = (performance.now() - this.#t0) / 1000;
    return { rows: this.rows, rejects: this.rejects, summary: this.summary };
  }
}

// `7.91612E+10`: a long number that a spreadsheet shortened; its digits are gone.
const SCIENTIFIC = /^[+-]?\d(?:[.,]\d+)?e\+?\d+$/i;
// `="0042"`: the usual way to make a spreadsheet keep an id's zeros in a CSV.
const EXCEL_TEXT = /^="(.*)"$/;

/** An id-like value: trimmed, `="0042"` unwrapped, shortened numbers refused. */
function readId(text: string, column: string): string {
  let v = text.trim();
  const wrapped = EXCEL_TEXT.exec(v);
  if (wrapped) v = wrapped[1].trim();
  if (SCIENTIFIC.test(v)) {
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
