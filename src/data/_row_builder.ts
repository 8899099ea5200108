/**
 * Turns raw records (from any format) into canonical rows or rejects, and keeps the load
 * summary. One instance per load.
 */
import type { LoadOptions, LoadResult, LoadSummary, RejectedRow, TableKind } from "./types.ts";
import { mapColumns, TABLE_COLUMNS } from "./map_columns.ts";
import { normalizeEmail, normalizeGender, normalizePhone } from "./normalize.ts";
import { canGenerate } from "../_can_generate.ts";
import { splitList } from "../tables/mod.ts";
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
  /** List cells split on `,` (they had no `;`), for the summary to say so. */
  commaLists?: number;
  /** One shared string per distinct value of a low-cardinality column (`type`, `channel`). */
  intern?: Map<string, string>;
  /** Ids: the previous row's value, shared when the next row repeats it. */
  last?: string;
}

// Columns whose values repeat a lot: sharing one string per value saves ~24 bytes a cell
// when millions of rows are kept (and a URL cut from the file's text would otherwise keep
// its whole chunk alive). Past this many distinct values sharing stops.
const INTERNED = new Set([
  "type",
  "channel",
  "source",
  "stage",
  "tag",
  "gender",
  "url",
  "email_id",
  "phrase",
]);
const MAX_INTERNED = 10_000;

/** The one kept string equal to `v` in a column that shares its values, else `v`. */
function share(h: Handler, v: string): string {
  const intern = h.intern;
  if (!intern) return v;
  const shared = intern.get(v);
  if (shared !== undefined) return shared;
  if (intern.size >= MAX_INTERNED) return v;
  // A fresh copy: `v` may be a slice of the decoded chunk, which it would keep alive.
  const own: string = JSON.parse(JSON.stringify(v));
  intern.set(own, own);
  return own;
}

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

/**
 * Counts records that repeat an earlier record, from a 64-bit hash of each record's cells.
 * Hashes are appended as they come (8 bytes a row, written in order) and counted once at
 * the end by sorting: on ten million rows that costs a third of a second, where probing a
 * hash table of that size on every row missed the cache and took seconds.
 *
 * Two different records count as a repeat only when all 64 bits agree. Taking the hash as
 * random, the chance that any false repeat occurs among `n` rows is about n^2 / 2^65:
 * 3e-8 for a million rows, 3e-6 for ten million. A false repeat would only add one to
 * `summary.duplicates` (rows are loaded either way).
 */
class RecordHashes {
  // Blocks of (a, b) pairs; the first block starts small so a small file stays small.
  #blocks: Int32Array[] = [];
  #block = new Int32Array(2048);
  #used = 0;

  add(fields: readonly string[]): void {
    // Two lanes, each fed two UTF-16 units (one 32-bit word) per step: half the multiply
    // chain of a per-character hash. Each step is a bijection of the lane state, so
    // records that differ in a single word never collide in a lane.
    let a = 0x3c6ef372 ^ fields.length, b = 0x5be0cd19;
    for (let f = 0; f < fields.length; f++) {
      const s = fields[f];
      const n = s.length;
      let i = 0;
      for (; i + 1 < n; i += 2) {
        const w = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
        a = Math.imul(a ^ w, 0x9e3779b1);
        a ^= a >>> 15;
        b = Math.imul(b ^ w, 0x85ebca77);
        b ^= b >>> 13;
      }
      // The field's length (and an odd last unit) ends each field, so ["ab", "c"] and
      // ["a", "bc"] differ.
      const w = (i < n ? s.charCodeAt(i) : 0x10000) ^ Math.imul(n, 0x20001);
      a = Math.imul(a ^ w, 0x9e3779b1);
      a ^= a >>> 15;
      b = Math.imul(b ^ w, 0x85ebca77);
      b ^= b >>> 13;
    }
    if (this.#used === this.#block.length) this.#next();
    this.#block[this.#used++] = a;
    this.#block[this.#used++] = b;
  }

  #next(): void {
    const full = this.#block;
    if (full.length < 1 << 21) {
      this.#block = new Int32Array(full.length * 4);
      this.#block.set(full);
    } else {
      this.#blocks.push(full);
      this.#block = new Int32Array(full.length);
      this.#used = 0;
    }
  }

  /** Records equal to an earlier one (all rows less the distinct ones). */
  countRepeats(): number {
    const blocks = [...this.#blocks, this.#block.subarray(0, this.#used)];
    this.#blocks = [];
    this.#block = new Int32Array(0);
    this.#used = 0;
    const total = blocks.reduce((n, b) => n + b.length, 0);
    const words = new Int32Array(total);
    let o = 0;
    for (const b of blocks) words.set(b, o), o += b.length;
    // Each pair read as one 64-bit integer: the built-in typed-array sort puts equal
    // hashes side by side (which half is high does not matter for equality).
    new BigUint64Array(words.buffer).sort();
    let repeats = 0;
    for (let k = 2; k < total; k += 2) {
      if (words[k] === words[k - 2] && words[k + 1] === words[k - 1]) repeats++;
    }
    return repeats;
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
  #onRow?: (row: R, rowNumber: number) => void;
  #csv: boolean;
  #dupes: RecordHashes | null;
  #ids = new Map<string, number>();
  #contactIds: StringSet | null;
  #types = new Map<string, { n: number }>();
  #pending: { rec: RawRecord; result: R | RowReject | typeof PENDING }[] = [];
  #blank = 0;
  #formulaHint = "";
  #t0 = performance.now();
  #dateOrder?: "dmy" | "mdy";
  #lastId: string | null = null;
  #rowIds = false;
  #timeIndex = -1;
  /** Columns without a header name, in order (a set: a sheet may have thousands). */
  #unnamed: Set<number>;
  #unnamedUsed = new Set<number>();
  #formulas = 0;
  /** Converted values of the row at hand, one per handler (reused from row to row). */
  #values: unknown[];
  #makeRow: (values: unknown[], rowNo: number) => Record<string, unknown>;

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
      // Rows handed to `onRow` are not kept here: sharing would cost a lookup a cell for
      // memory the caller may never hold.
      intern: INTERNED.has(canon) && onRow === undefined ? new Map<string, string>() : undefined,
    }));
    this.#values = new Array(this.#handlers.length).fill(null);
    this.#makeRow = rowFactory(this.#handlers.map((h) => h.canon), this.#rowIds);
    this.#dateOrder = dateOrder;
    const mapped = new Set(Object.values(m.index));
    if (m.timeIndex !== undefined) {
      mapped.add(m.timeIndex);
      this.#timeIndex = m.timeIndex;
    }
    // An unmapped column named like a canonical one another column was mapped to (file column
    // "type" while "channel" is mapped to type) would overwrite the mapped value in the row.
    const canonical = new Set(this.#handlers.map((h) => h.canon));
    if (this.#rowIds) canonical.add("contact_id");
    const shadowed: string[] = [];
    this.#extras = this.#header.map((name, index) => ({ index, name })).filter((e) => {
      if (mapped.has(e.index)) return false;
      if (!canonical.has(e.name)) return true;
      shadowed.push(
        `Column "${e.name}" is not used: "${e.name}" is read from column "${m.names[e.name]}"`,
      );
      return false;
    });
    this.#unnamed = new Set(unnamed);
    this.#timezone = timezone;
    this.#country = defaultCountry;
    this.#maxCell = maxCellChars;
    this.#onRow = onRow;
    this.#dupes = detectDuplicates && kind !== "contacts" ? new RecordHashes() : null;
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
      warnings: [...warnings, ...m.warnings, ...shadowed],
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
    } else if (this.#dupes && rec.cells) {
      this.#dupes.add(this.#recordKey(rec.cells));
    }
    this.summary.rowsLoaded++;
    const ts = (this.#kind === "contacts" ? row.created_at : row.ts) as number | null | undefined;
    if (typeof ts === "number") {
      if (this.summary.minTs === null || ts < this.summary.minTs) this.summary.minTs = ts;
      if (this.summary.maxTs === null || ts > this.summary.maxTs) this.summary.maxTs = ts;
    }
    if (this.#kind === "events") {
      const t = row.type as string;
      // A counter object per type: one lookup a row instead of a get and a set.
      const counter = this.#types.get(t);
      if (counter !== undefined) counter.n++;
      else this.#types.set(t, { n: 1 });
    }
    const cid = row.contact_id;
    // Exports are often grouped by contact: skipping a repeat of the last id is cheap.
    if (this.#contactIds && typeof cid === "string" && cid !== this.#lastId) {
      this.#lastId = cid;
      this.#contactIds.add(cid);
    }
    if (this.#onRow) this.#onRow(result as R, rec.row);
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
    if (typeof v === "object" && "jsonNumber" in v) return (v as JsonNumber).jsonNumber;
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
    const handlers = this.#handlers;
    const values = this.#values;
    for (let k = 0; k < handlers.length; k++) {
      const h = handlers[k];
      if (!isSingleValue(cells[h.index], h.kind === "list")) {
        return new RowReject(
          this.#header[h.index],
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
          return new RowReject(this.#header[h.index], text ?? "", `${h.canon} is empty`);
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
        return new RowReject(this.#header[h.index], preview(text!), err.message);
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
        if (this.#unnamed.has(e.index)) continue;
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
      if (this.#unnamed.has(e.index)) this.#unnamedUsed.add(e.index);
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
        if (this.#onRow === undefined) h.last = shared;
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
    for (const h of this.#handlers) {
      if (h.commaLists) {
        this.summary.warnings.push(
          `Column "${
            this.#header[h.index]
          }": ${h.commaLists} list cell(s) had no ";" and were split on ","`,
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
        [...this.#types].map(([t, c]) => [t, c.n] as const)
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
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
    if (this.#dupes) this.summary.duplicates = this.#dupes.countRepeats();
    if (this.#kind !== "contacts" && this.summary.duplicates) {
      this.summary.warnings.push(
        `${this.summary.duplicates} row(s) repeat an earlier row exactly; loaded as they are`,
      );
    }
    this.summary.seconds = (performance.now() - this.#t0) / 1000;
    return { rows: this.rows, rejects: this.rejects, summary: this.summary };
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
