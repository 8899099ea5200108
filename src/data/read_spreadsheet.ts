/**
 * XLSX, XLS and ODS through SheetJS, behind safety limits checked before SheetJS
 * allocates anything: a workbook is refused when its zip declares (or actually inflates
 * to) more than `MAX_UNCOMPRESSED_BYTES`, when one entry inflates more than
 * `MAX_COMPRESSION_RATIO` times, when a sheet declares more than `MAX_DECLARED_CELLS`
 * cells (`<dimension ref="A1:XFD1048576"/>`), or when the file is over `MAX_FILE_BYTES`.
 *
 * Formulas are never evaluated: a formula cell gives the value stored in the file, or
 * its formula text when none is stored.
 */
import { LoadError } from "./load_error.ts";
import type { ExcelDateCell, RawRecord, RawValue } from "./_row_builder.ts";

/** Largest spreadsheet file read. */
export const MAX_FILE_BYTES = 200 * 1024 * 1024;
/** Largest total uncompressed size of a zip-based workbook. */
export const MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024;
/** Entries over 16 MiB may inflate at most this many times their compressed size. */
export const MAX_COMPRESSION_RATIO = 200;
/** Largest `rows x columns` a sheet may declare (or have). */
export const MAX_DECLARED_CELLS = 20_000_000;

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

function entryData(bytes: Uint8Array, e: ZipEntry): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nameLen = view.getUint16(e.offset + 26, true);
  const extraLen = view.getUint16(e.offset + 28, true);
  const start = e.offset + 30 + nameLen + extraLen;
  return bytes.subarray(start, start + e.compressed);
}

/**
 * Inflates an entry, stopping as soon as `limit` bytes have come out; returns the bytes
 * seen (up to `keep`) and whether the limit was hit. Declared sizes can lie; this cannot.
 */
async function inflateLimited(
  data: Uint8Array,
  method: number,
  limit: number,
  keep: number,
): Promise<{ total: number; head: Uint8Array; over: boolean }> {
  if (method === 0) {
    return { total: data.length, head: data.subarray(0, keep), over: data.length > limit };
  }
  if (method !== 8) return { total: 0, head: new Uint8Array(0), over: false };
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(
    new DecompressionStream("deflate-raw"),
  );
  const reader = stream.getReader();
  let total = 0;
  const parts: Uint8Array[] = [];
  let kept = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      total += value.length;
      if (kept < keep) {
        parts.push(value.subarray(0, keep - kept));
        kept += Math.min(value.length, keep - kept);
      }
      if (total > limit) {
        await reader.cancel();
        return { total, head: concat(parts), over: true };
      }
    }
  } catch {
    // A corrupt stream: SheetJS will report it; the limits are what matters here.
  }
  return { total, head: concat(parts), over: false };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, o), o += p.length;
  return out;
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
    const data = entryData(bytes, e);
    const isSheet = /^xl\/worksheets\/[^/]+\.xml$/i.test(e.name);
    const perEntry = Math.min(
      MAX_UNCOMPRESSED_BYTES - actual,
      Math.max(16 * 1048576, data.length * MAX_COMPRESSION_RATIO),
    );
    const { total, head, over } = await inflateLimited(
      data,
      e.method,
      perEntry,
      isSheet ? 65_536 : 0,
    );
    if (over) {
      throw refuse(
        total + actual > MAX_UNCOMPRESSED_BYTES
          ? `it inflates to over ${mib(MAX_UNCOMPRESSED_BYTES)}`
          : `entry "${e.name}" inflates over ${MAX_COMPRESSION_RATIO} times its compressed size of ${data.length} bytes (a zip bomb?)`,
      );
    }
    actual += total;
    if (isSheet) {
      const m = /<(?:\w+:)?dimension\s+ref="([^"]+)"/.exec(new TextDecoder().decode(head));
      const dims = m ? declaredCells(m[1]) : null;
      if (dims && dims.rows * dims.cols > MAX_DECLARED_CELLS) {
        throw refuse(
          `sheet "${e.name}" declares the range ${
            m![1]
          } (${dims.rows} rows x ${dims.cols} columns), over the ${MAX_DECLARED_CELLS}-cell limit`,
        );
      }
    }
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

/**
 * Reads one sheet of a workbook into raw records (spreadsheet row numbers). `sheet` is a
 * name or a 1-based position. Throws `LoadError` for an unknown sheet or over a limit.
 */
export async function readSpreadsheet(
  bytes: Uint8Array,
  file: string,
  format: "xlsx" | "xls",
  sheet?: string | number,
): Promise<SheetRecords> {
  if (bytes.length > MAX_FILE_BYTES) {
    throw new LoadError(
      `Refused "${file}": ${mib(bytes.length)} is over the ${
        mib(MAX_FILE_BYTES)
      } spreadsheet limit; export the sheet to CSV`,
      { file },
    );
  }
  if (format === "xlsx") await checkZipLimits(bytes, file);
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
