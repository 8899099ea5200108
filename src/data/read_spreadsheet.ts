/**
 * XLSX, XLS, ODS and flat XML workbooks (FODS, SpreadsheetML 2003, HTML tables) through
 * SheetJS, behind safety limits checked before SheetJS allocates anything: a workbook is
 * refused when its zip declares (or actually inflates to) more than
 * `MAX_UNCOMPRESSED_BYTES`, when one entry inflates more than `MAX_COMPRESSION_RATIO`
 * times, when an entry's compressed data is corrupt (SheetJS's own inflater can loop
 * forever on it), when a sheet declares more than `MAX_DECLARED_CELLS` cells
 * (`<dimension ref="A1:XFD1048576"/>`), when repeated cells (`table:number-rows-repeated`
 * x `table:number-columns-repeated`) would expand to more than `MAX_REPEATED_CELLS`,
 * when XML nests deeper than `MAX_XML_DEPTH`, or when the file is over `MAX_FILE_BYTES`.
 * In Deno, SheetJS then runs in a worker that is stopped after a time budget
 * (`timeoutMs`), so no input can hold the process.
 *
 * Formulas are never evaluated: a formula cell gives the value stored in the file, or
 * its formula text when none is stored.
 */
import { LoadError } from "./load_error.ts";
import type { ExcelDateCell, RawRecord, RawValue } from "./_row_builder.ts";
import type { ParseReply, ParseRequest, ParseWorker } from "./_spreadsheet_budget.ts";

/** Largest spreadsheet file read. */
export const MAX_FILE_BYTES = 200 * 1024 * 1024;
/** Largest total uncompressed size of a zip-based workbook. */
export const MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024;
/** Entries over 16 MiB may inflate at most this many times their compressed size. */
export const MAX_COMPRESSION_RATIO = 200;
/** Largest `rows x columns` a sheet may declare (or have). */
export const MAX_DECLARED_CELLS = 20_000_000;
/**
 * Most cells a workbook may add by repetition (ODS `number-rows-repeated` and
 * `number-columns-repeated` on cells that hold a value): each one is a cell object for
 * SheetJS, while the file spends a few bytes on all of them.
 */
export const MAX_REPEATED_CELLS = 100_000;
/** Deepest XML element nesting accepted in a workbook part. */
export const MAX_XML_DEPTH = 256;

interface ZipEntry {
  name: string;
  method: number;
  compressed: number;
  uncompressed: number;
  offset: number;
}

function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/** Reads the zip central directory (no inflating). */
export function zipEntries(bytes: Uint8Array, file: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65_557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) {
    throw new LoadError(
      `Cannot read "${file}": not a valid XLSX (zip directory missing; truncated file?)`,
      {
        file,
      },
    );
  }
  const count = view.getUint16(eocd + 10, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff) {
    throw new LoadError(
      `Cannot read "${file}": the workbook is a ZIP64 archive, larger than spreadsheets this loader accepts; export the sheet to CSV`,
      { file },
    );
  }
  const out: ZipEntry[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) {
      throw new LoadError(`Cannot read "${file}": corrupt zip directory in the workbook`, { file });
    }
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    out.push({
      method: view.getUint16(p + 10, true),
      compressed: view.getUint32(p + 20, true),
      uncompressed: view.getUint32(p + 24, true),
      offset: view.getUint32(p + 42, true),
      name: new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen)),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

function entryData(bytes: Uint8Array, e: ZipEntry, file: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (
    e.offset + 30 > bytes.length || view.getUint32(e.offset, true) !== 0x04034b50 ||
    e.offset + 30 + e.compressed > bytes.length
  ) {
    throw new LoadError(
      `Cannot read "${file}": entry "${e.name}" of the workbook is cut off or misplaced (truncated or corrupt file?)`,
      { file },
    );
  }
  const nameLen = view.getUint16(e.offset + 26, true);
  const extraLen = view.getUint16(e.offset + 28, true);
  const start = e.offset + 30 + nameLen + extraLen;
  return bytes.subarray(start, start + e.compressed);
}

/**
 * Inflates an entry, stopping as soon as `limit` bytes have come out. Each piece goes to
 * `onText` (decoded as UTF-8) when given. Declared sizes can lie; this cannot. A corrupt
 * stream (one SheetJS's inflater may loop on forever) is reported in `corrupt`.
 */
async function inflateLimited(
  data: Uint8Array,
  method: number,
  limit: number,
  onText?: (text: string) => void,
): Promise<{ total: number; over: boolean; corrupt?: string }> {
  const decoder = onText ? new TextDecoder() : null;
  if (method === 0) {
    if (data.length <= limit) onText?.(decoder!.decode(data));
    return { total: data.length, over: data.length > limit };
  }
  if (method !== 8) {
    return { total: 0, over: false, corrupt: `compression method ${method} is not supported` };
  }
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(
    new DecompressionStream("deflate-raw"),
  );
  const reader = stream.getReader();
  let total = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) {
        await reader.cancel().catch(() => {});
        return { total, over: true };
      }
      onText?.(decoder!.decode(value, { stream: true }));
    }
  } catch (err) {
    if (err instanceof LoadError) {
      await reader.cancel().catch(() => {});
      throw err;
    }
    return { total, over: false, corrupt: (err as Error).message || String(err) };
  }
  return { total, over: false };
}

/**
 * Bounds of workbook XML, checked on the text as it inflates (a streaming scan of the
 * tags, linear in the text): nesting depth, the declared `<dimension>` of an XLSX sheet,
 * and the cells an ODS/FODS sheet expands by repetition. SheetJS materialises a cell
 * that holds a value once per repetition (`rows-repeated x columns-repeated`); empty
 * self-closing cells cost nothing, so LibreOffice's trailing blank rows pass.
 */
export class XmlGuard {
  #file: string;
  #part: string;
  #tail = "";
  #depth = 0;
  #rowRepeat = 1;
  #rowCells = 0;
  #rowWritten = 0;
  #repeated = 0;
  #html: boolean;

  /** `html`: HTML leaves void elements (`<br>`) unclosed, so depth is not counted. */
  constructor(file: string, part: string, html = false) {
    this.#file = file;
    this.#part = part;
    this.#html = html;
  }

  #refuse(what: string): LoadError {
    return new LoadError(
      `Refused "${this.#file}": ${what}. A spreadsheet this large or this deep is refused before reading, to protect memory; export the sheet to CSV instead`,
      { file: this.#file },
    );
  }

  /** Scans the next piece of text; throws `LoadError` as soon as a bound is passed. */
  feed(piece: string): void {
    const text = this.#tail ? this.#tail + piece : piece;
    this.#tail = "";
    let i = text.indexOf("<");
    while (i !== -1) {
      const end = text.indexOf(">", i + 1);
      if (end === -1) {
        this.#tail = text.slice(i);
        return;
      }
      this.#tag(text, i, end);
      i = text.indexOf("<", end + 1);
    }
  }

  #tag(text: string, start: number, end: number): void {
    const first = text.charCodeAt(start + 1);
    if (first === 33 || first === 63) return; // <!...> and <?...?>
    const closing = first === 47;
    const selfClosing = !closing && text.charCodeAt(end - 1) === 47;
    let p = closing ? start + 2 : start + 1;
    let q = p;
    while (q < end) {
      const c = text.charCodeAt(q);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 47) break;
      if (c === 58) p = q + 1; // the local name, after a namespace prefix
      q++;
    }
    const name = text.slice(p, q).toLowerCase();
    if (closing) {
      this.#depth--;
      if (name === "table-row") this.#endRow();
      return;
    }
    if (!selfClosing && !this.#html && ++this.#depth > MAX_XML_DEPTH) {
      throw this.#refuse(`"${this.#part}" nests XML elements over ${MAX_XML_DEPTH} deep`);
    }
    switch (name) {
      case "dimension": {
        const ref = attribute(text, q, end, "ref");
        const dims = ref === null ? null : declaredCells(ref);
        if (dims && dims.rows * dims.cols > MAX_DECLARED_CELLS) {
          throw this.#refuse(
            `sheet "${this.#part}" declares the range ${ref} (${dims.rows} rows x ${dims.cols} columns), over the ${MAX_DECLARED_CELLS}-cell limit`,
          );
        }
        break;
      }
      case "table-row":
        this.#rowRepeat = repeatCount(attribute(text, q, end, "number-rows-repeated"));
        this.#rowCells = 0;
        this.#rowWritten = 0;
        if (selfClosing) this.#rowRepeat = 1;
        break;
      case "table-cell":
      case "covered-table-cell": {
        // SheetJS keeps an empty self-closing cell only when it is typed as a string.
        const kept = !selfClosing ||
          (name === "table-cell" && attribute(text, q, end, "value-type") === "string");
        if (!kept) break;
        const columns = selfClosing
          ? 1
          : repeatCount(attribute(text, q, end, "number-columns-repeated"));
        this.#rowCells += columns;
        this.#rowWritten++;
        this.#check();
        break;
      }
    }
  }

  #endRow(): void {
    this.#repeated += this.#rowRepeat * this.#rowCells - this.#rowWritten;
    this.#rowRepeat = 1;
    this.#rowCells = 0;
    this.#rowWritten = 0;
    this.#check();
  }

  #check(): void {
    const pending = this.#rowRepeat * this.#rowCells - this.#rowWritten;
    if (this.#repeated + pending > MAX_REPEATED_CELLS) {
      throw this.#refuse(
        `"${this.#part}" repeats cells (number-rows-repeated x number-columns-repeated) into over ${MAX_REPEATED_CELLS} copies`,
      );
    }
  }
}

/** The value of attribute `name` (any namespace prefix) in `text[from, to)`, or null. */
function attribute(text: string, from: number, to: number, name: string): string | null {
  let i = text.indexOf(name, from);
  while (i !== -1 && i < to) {
    const before = text.charCodeAt(i - 1);
    let j = i + name.length;
    if (before === 58 || before === 32 || before === 9 || before === 10 || before === 13) {
      while (text.charCodeAt(j) === 32) j++;
      if (text.charCodeAt(j) === 61) {
        j++;
        while (text.charCodeAt(j) === 32) j++;
        const quote = text[j];
        if (quote === '"' || quote === "'") {
          const close = text.indexOf(quote, j + 1);
          if (close !== -1 && close < to) return text.slice(j + 1, close);
        }
      }
    }
    i = text.indexOf(name, i + 1);
  }
  return null;
}

function repeatCount(value: string | null): number {
  if (value === null) return 1;
  const n = parseInt(value, 10);
  return n >= 1 ? n : 1;
}

function colNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** `A1:XFD1048576` -> rows x columns. */
export function declaredCells(ref: string): { rows: number; cols: number } | null {
  const m = /^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$/i.exec(ref.trim());
  if (!m) return null;
  const c1 = colNumber(m[1]), r1 = +m[2];
  const c2 = m[3] ? colNumber(m[3]) : c1, r2 = m[4] ? +m[4] : r1;
  return { rows: Math.abs(r2 - r1) + 1, cols: Math.abs(c2 - c1) + 1 };
}

// Parts whose XML SheetJS reads cell by cell: XLSX sheets, ODS content.
const SHEET_XML = /^(?:xl\/worksheets\/[^/]+\.xml|content\.xml)$/i;

/** Checks a zip-based workbook against the limits; throws `LoadError` naming the limit. */
export async function checkZipLimits(bytes: Uint8Array, file: string): Promise<void> {
  const entries = zipEntries(bytes, file);
  const declared = entries.reduce((n, e) => n + e.uncompressed, 0);
  const refuse = (what: string) =>
    new LoadError(
      `Refused "${file}": ${what}. A spreadsheet this large or this compressed is refused before reading, to protect memory; export the sheet to CSV instead`,
      { file },
    );
  if (declared > MAX_UNCOMPRESSED_BYTES) {
    throw refuse(
      `it declares ${mib(declared)} uncompressed, over the ${mib(MAX_UNCOMPRESSED_BYTES)} limit`,
    );
  }
  let actual = 0;
  for (const e of entries) {
    if (e.name.endsWith("/") && e.compressed === 0) continue;
    const data = entryData(bytes, e, file);
    const guard = SHEET_XML.test(e.name) ? new XmlGuard(file, e.name) : null;
    const perEntry = Math.min(
      MAX_UNCOMPRESSED_BYTES - actual,
      Math.max(16 * 1048576, data.length * MAX_COMPRESSION_RATIO),
    );
    const { total, over, corrupt } = await inflateLimited(
      data,
      e.method,
      perEntry,
      guard ? (t) => guard.feed(t) : undefined,
    );
    if (over) {
      throw refuse(
        total + actual > MAX_UNCOMPRESSED_BYTES
          ? `it inflates to over ${mib(MAX_UNCOMPRESSED_BYTES)}`
          : `entry "${e.name}" inflates over ${MAX_COMPRESSION_RATIO} times its compressed size of ${data.length} bytes (a zip bomb?)`,
      );
    }
    if (corrupt !== undefined || total !== e.uncompressed) {
      throw new LoadError(
        `Cannot read "${file}": entry "${e.name}" of the workbook is corrupt (${
          corrupt !== undefined
            ? `its compressed data does not inflate: ${corrupt}`
            : `it inflates to ${total} bytes, not the ${e.uncompressed} it declares`
        }); open and save it again in a spreadsheet, or export the sheet to CSV`,
        { file },
      );
    }
    actual += total;
  }
}

/** Checks a flat XML workbook (FODS, SpreadsheetML 2003, an HTML table) against the limits. */
export function checkXmlLimits(bytes: Uint8Array, file: string): void {
  const head = new TextDecoder().decode(bytes.subarray(0, 4096)).toLowerCase();
  const guard = new XmlGuard(file, file, /<(?:!doctype html|html|table|body)[\s>]/.test(head));
  const decoder = new TextDecoder();
  const step = 1 << 20;
  for (let o = 0; o < bytes.length; o += step) {
    guard.feed(decoder.decode(bytes.subarray(o, o + step), { stream: true }));
  }
}

export interface SheetRecords {
  header: string[];
  records: RawRecord[];
  sheetName: string;
  warnings: string[];
  formulas: { where: string; formula: string }[];
}

interface Cell {
  t?: string;
  v?: unknown;
  w?: string;
  f?: string;
  z?: string | number;
}

export interface ReadSpreadsheetOptions {
  /**
   * Time budget for SheetJS, in ms: past it the process (Deno, with permission to run
   * subprocesses) or the worker (`worker`) parsing the workbook is stopped and the file
   * refused.
   * @default 20_000 + 2_000 per MiB of file
   */
  timeoutMs?: number;
  /**
   * Starts a dedicated worker that answers one parse request (`answerParseRequest`; the
   * page's is `app/spreadsheet_worker.ts`), where there is no child process: the browser.
   * Without it and without a child process, SheetJS runs in the caller, with no budget.
   */
  worker?: () => ParseWorker;
}

/**
 * Reads one sheet of a workbook into raw records (spreadsheet row numbers). `sheet` is a
 * name or a 1-based position. Throws `LoadError` for an unknown sheet, over a limit, or
 * past the time budget.
 */
export async function readSpreadsheet(
  bytes: Uint8Array,
  file: string,
  format: "xlsx" | "xls",
  sheet?: string | number,
  options: ReadSpreadsheetOptions = {},
): Promise<SheetRecords> {
  const { timeoutMs = 20_000 + 2_000 * Math.ceil(bytes.length / 1048576) } = options;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs ${timeoutMs} must be a number > 0`);
  if (bytes.length > MAX_FILE_BYTES) {
    throw new LoadError(
      `Refused "${file}": ${mib(bytes.length)} is over the ${
        mib(MAX_FILE_BYTES)
      } spreadsheet limit; export the sheet to CSV`,
      { file },
    );
  }
  if (format === "xlsx") await checkZipLimits(bytes, file);
  else if (isText(bytes)) checkXmlLimits(bytes, file);
  if (typeof Deno !== "undefined") {
    const { canParseInWorker, parseInWorker } = await import("./_spreadsheet_worker_client.ts");
    if (canParseInWorker()) return await parseInWorker(bytes, file, sheet, timeoutMs);
  }
  if (options.worker) {
    const { parseInBrowserWorker } = await import("./_spreadsheet_budget.ts");
    return await parseInBrowserWorker(options.worker, bytes, file, sheet, timeoutMs);
  }
  return await parseSpreadsheet(bytes, file, sheet);
}

/** Whether the file starts with markup (flat XML or HTML), not a binary BIFF workbook. */
function isText(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  ) {
    i++;
  }
  return bytes[i] === 0x3c;
}

/**
 * The SheetJS part of `readSpreadsheet`, without the limits: call it only on bytes that
 * passed them (the worker does).
 */
export async function parseSpreadsheet(
  bytes: Uint8Array,
  file: string,
  sheet?: string | number,
): Promise<SheetRecords> {
  const XLSX = await import("xlsx");
  let names: string[];
  try {
    names = XLSX.read(bytes, { type: "array", bookSheets: true }).SheetNames;
  } catch (err) {
    throw new LoadError(`Cannot read "${file}" as a spreadsheet: ${(err as Error).message}`, {
      file,
      cause: err,
    });
  }
  if (names.length === 0) {
    throw new LoadError(`Cannot read "${file}": the workbook has no sheets`, { file });
  }
  let name: string | undefined;
  const warnings: string[] = [];
  if (sheet === undefined) {
    name = names[0];
    if (names.length > 1) {
      warnings.push(
        `The workbook has ${names.length} sheets (${
          names.map((n) => `"${n}"`).join(", ")
        }); read "${name}" (choose with sheet)`,
      );
    }
  } else {
    name = names.find((n) => n === String(sheet)) ??
      names.find((n) => n.toLowerCase() === String(sheet).trim().toLowerCase());
    if (name === undefined && /^\d+$/.test(String(sheet).trim())) {
      const k = Number(sheet);
      if (k >= 1 && k <= names.length) name = names[k - 1];
    }
    if (name === undefined) {
      throw new LoadError(
        `Cannot load "${file}": no sheet "${sheet}". Sheets: ${
          names.map((n) => `"${n}"`).join(", ")
        } (a name or a 1-based position)`,
        { file, columns: names },
      );
    }
  }
  let wb;
  try {
    wb = XLSX.read(bytes, {
      type: "array",
      dense: true,
      cellNF: true,
      cellText: true,
      cellFormula: true,
      cellDates: false,
      cellHTML: false,
      sheets: [name],
    });
  } catch (err) {
    throw new LoadError(`Cannot read "${file}" as a spreadsheet: ${(err as Error).message}`, {
      file,
      cause: err,
    });
  }
  const ws = wb.Sheets[name] as unknown as Record<string, unknown>;
  const date1904 = Boolean(
    (wb.Workbook as { WBProps?: { date1904?: boolean } } | undefined)?.WBProps?.date1904,
  );
  const data = (ws?.["!data"] ?? []) as (Cell | undefined)[][];
  const ref = ws?.["!ref"] as string | undefined;
  const dims = ref ? declaredCells(ref) : null;
  let cells = 0;
  for (const r of data) if (r) cells += r.length;
  if ((dims && dims.rows * dims.cols > MAX_DECLARED_CELLS) || cells > MAX_DECLARED_CELLS) {
    throw new LoadError(
      `Refused "${file}": sheet "${name}" spans ${ref}, over the ${MAX_DECLARED_CELLS}-cell limit; export the sheet to CSV`,
      { file },
    );
  }
  const formulas: { where: string; formula: string }[] = [];
  const records: RawRecord[] = [];
  // A title or a note above the table ("Leads, March") fills fewer cells than the header:
  // the header is the first row filling at least half as many cells as the widest of the
  // first 20 non-empty rows.
  const filled: { r: number; n: number }[] = [];
  for (let r = 0; r < data.length && filled.length < 20; r++) {
    const n = (data[r] ?? []).filter((c) => c && c.v !== undefined && c.v !== "").length;
    if (n > 0) filled.push({ r, n });
  }
  const widest = Math.max(0, ...filled.map((f) => f.n));
  const headerRow = filled.find((f) => f.n * 2 >= widest)?.r ?? 0;
  if (filled.length && headerRow !== filled[0].r) {
    warnings.push(
      `Header taken from row ${headerRow + 1}; the ${
        filled.filter((f) => f.r < headerRow).length
      } row(s) above it look like a title and were skipped`,
    );
  }
  let header: string[] | null = null;
  for (let r = headerRow; r < data.length; r++) {
    const row = data[r];
    if (!row) continue;
    const values: RawValue[] = [];
    const texts: (string | undefined)[] = [];
    let any = false;
    for (let c = 0; c < row.length; c++) {
      const cell = row[c];
      if (!cell) {
        values.push(null);
        texts.push(undefined);
        continue;
      }
      let v: RawValue = null;
      if (cell.f !== undefined) {
        formulas.push({ where: XLSX.utils.encode_cell({ r, c }), formula: cell.f });
        if (cell.v === undefined) v = "=" + cell.f;
      }
      if (cell.v !== undefined) {
        switch (cell.t) {
          case "n": {
            const n = cell.v as number;
            if (cell.z !== undefined && XLSX.SSF.is_date(cell.z)) {
              v = {
                excelSerial: date1904 ? n + 1462 : n,
                text: cell.w ?? String(n),
              } as ExcelDateCell;
            } else v = n;
            break;
          }
          case "b":
            v = cell.v as boolean;
            break;
          case "d":
            v = cell.v as Date;
            break;
          case "e":
            v = cell.w ?? "#ERROR";
            break;
          case "z":
            v = null;
            break;
          default:
            v = String(cell.v);
        }
      }
      if (v !== null && v !== "") any = true;
      values.push(v);
      texts.push(cell.t === "n" ? cell.w : undefined);
    }
    if (header === null) {
      if (!any) continue;
      header = values.map((
        v,
        i,
      ) => (v === null ? "" : String(
        texts[i] ?? (typeof v === "object" && v && "text" in v ? (v as ExcelDateCell).text : v),
      )));
      continue;
    }
    records.push({ row: r + 1, cells: values, texts });
  }
  return { header: header ?? [], records, sheetName: name, warnings, formulas };
}

/** Parses the request's workbook; any failure becomes an error reply, never a throw. */
export async function answerParseRequest(request: ParseRequest): Promise<ParseReply> {
  try {
    return { ok: await parseSpreadsheet(request.bytes, request.file, request.sheet) };
  } catch (err) {
    const error = err as Error & { columns?: string[] };
    return {
      error: {
        name: error?.name ?? "Error",
        message: error?.message ?? String(err),
        columns: error?.columns,
      },
    };
  }
}
