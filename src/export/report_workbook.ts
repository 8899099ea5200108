/**
 * Formatted XLSX reports (ExcelJS): number and date formats, column widths, a frozen header
 * row with filters, and charts as pictures. SheetJS CE, which the loaders keep for reading
 * untrusted files, writes neither cell styles nor images, so reports are written with ExcelJS.
 * Every text cell goes through `safeCell`: no exported value can run as a formula.
 */
import { safeCell } from "../tables/mod.ts";
import { sanitizeSheetName, type SheetSpec } from "./workbook.ts";

/** How a column's values are shown. */
export type ColumnFormat = "integer" | "decimal" | "percent" | "date" | "text";

/** A sheet of a report: rows plus, optionally, how each column is formatted. */
export interface ReportSheet extends SheetSpec {
  /** Format by column name; columns left out are guessed from their name and values. */
  formats?: Record<string, ColumnFormat>;
}

/** A chart image placed on the report's Charts sheet. */
export interface ReportImage {
  /** Caption written above the picture. */
  title: string;
  /** The picture, PNG bytes. */
  png: Uint8Array;
  /** Width in pixels as shown. */
  width: number;
  /** Height in pixels as shown. */
  height: number;
}

/** Options of `buildReportWorkbook`. */
export interface ReportWorkbookOptions {
  /** Pictures for a "Charts" sheet (added after the first sheet). @default [] */
  images?: ReportImage[];
}

/** The Excel number format of each `ColumnFormat`. */
export const NUMBER_FORMATS: Record<Exclude<ColumnFormat, "text">, string> = {
  integer: "#,##0",
  decimal: "0.000",
  percent: "0.0%",
  date: "yyyy-mm-dd",
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const SHARE_NAME = /(rate|capture|coverage|share|conversion|%)/i;

/** The format a column gets when none is given: dates, shares, whole numbers, decimals, text. */
export function guessFormat(name: string, values: unknown[]): ColumnFormat {
  const present = values.filter((v) => v !== null && v !== undefined && v !== "");
  if (!present.length) return "text";
  if (present.every((v) => v instanceof Date || (typeof v === "string" && ISO_DATE.test(v)))) {
    return "date";
  }
  if (!present.every((v) => typeof v === "number")) return "text";
  const numbers = present as number[];
  if (SHARE_NAME.test(name) && numbers.every((x) => x >= 0 && x <= 1)) return "percent";
  if (numbers.every((x) => Number.isInteger(x))) return "integer";
  return "decimal";
}

function matrixOf(sheet: SheetSpec): { columns: string[] | null; rows: unknown[][] } {
  const { rows } = sheet;
  if (rows.length && Array.isArray(rows[0])) {
    return { columns: sheet.columns ?? null, rows: rows as unknown[][] };
  }
  const objects = rows as Record<string, unknown>[];
  let columns = sheet.columns;
  if (!columns) {
    const seen = new Set<string>();
    for (const r of objects) for (const k of Object.keys(r)) seen.add(k);
    columns = [...seen];
  }
  return { columns, rows: objects.map((r) => columns!.map((c) => r[c])) };
}

function cellValue(v: unknown, format: ColumnFormat): unknown {
  if (v === null || v === undefined) return null;
  if (format === "date") {
    if (v instanceof Date) return v;
    if (typeof v === "string" && ISO_DATE.test(v)) {
      return new Date(v.length === 10 ? `${v}T00:00:00Z` : v);
    }
  }
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v === "boolean" || v instanceof Date) return v;
  const text = Array.isArray(v)
    ? v.join(";")
    : typeof v === "object"
    ? JSON.stringify(v)
    : String(v);
  return safeCell(text);
}

function shown(v: unknown, format: ColumnFormat): number {
  if (v === null || v === undefined) return 0;
  if (format === "date") return 10;
  if (format === "percent") return 7;
  if (typeof v === "number") return format === "decimal" ? 8 : String(Math.round(v)).length + 2;
  return String(v).length;
}

/**
 * The bytes of an XLSX report of `sheets`: each with its header row bold, frozen and
 * filtered, its columns sized to their content and formatted (`formats`, else guessed), and,
 * with `images`, a Charts sheet of pictures. Throws `RangeError` for no sheets.
 */
export async function buildReportWorkbook(
  sheets: ReportSheet[],
  options: ReportWorkbookOptions = {},
): Promise<Uint8Array> {
  const { images = [] } = options;
  if (sheets.length === 0) throw new RangeError("Cannot build a report with no sheets");
  const ExcelJS = (await import("exceljs")).default;
  const wb = new ExcelJS.Workbook();
  wb.creator = "scorebench";
  const names: string[] = [];
  const add = (name: string) => {
    const safe = sanitizeSheetName(name, names);
    names.push(safe);
    return safe;
  };
  sheets.forEach((sheet, index) => {
    const { columns, rows } = matrixOf(sheet);
    const ws = wb.addWorksheet(add(sheet.name), {
      views: columns ? [{ state: "frozen", ySplit: 1 }] : [],
    });
    const width = Math.max(columns?.length ?? 0, ...rows.map((r) => r.length), 1);
    const formats: ColumnFormat[] = [];
    for (let c = 0; c < width; c++) {
      const name = columns?.[c] ?? "";
      formats.push(sheet.formats?.[name] ?? guessFormat(name, rows.map((r) => r[c])));
    }
    if (columns) {
      const header = ws.addRow(columns.map((c) => safeCell(c)));
      header.font = { bold: true };
      header.eachCell((cell) => {
        cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8EDF5" } };
        cell.border = { bottom: { style: "thin", color: { argb: "FF8892A6" } } };
      });
    }
    for (const row of rows) ws.addRow(row.map((v, c) => cellValue(v, formats[c])));
    for (let c = 0; c < width; c++) {
      const column = ws.getColumn(c + 1);
      if (formats[c] !== "text") column.numFmt = NUMBER_FORMATS[formats[c] as "integer"];
      let longest = shown(columns?.[c], "text");
      for (let r = 0; r < Math.min(rows.length, 2000); r++) {
        longest = Math.max(longest, shown(rows[r][c], formats[c]));
      }
      column.width = Math.min(60, Math.max(8, longest + 2));
    }
    if (columns && rows.length) {
      ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows.length + 1, column: width } };
    }
    if (index === 0 && images.length) addCharts(wb, add("Charts"), images);
  });
  const buffer = await wb.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}

// deno-lint-ignore no-explicit-any
function addCharts(wb: any, name: string, images: ReportImage[]): void {
  const ws = wb.addWorksheet(name);
  ws.getColumn(1).width = 100;
  let row = 0;
  for (const image of images) {
    const title = ws.getRow(row + 1);
    title.getCell(1).value = safeCell(image.title);
    title.font = { bold: true, size: 12 };
    const id = wb.addImage({ buffer: image.png, extension: "png" });
    ws.addImage(id, {
      tl: { col: 0, row: row + 1 },
      ext: { width: image.width, height: image.height },
      editAs: "oneCell",
    });
    // Default rows are 20 px tall: leave room for the picture and a gap.
    row += 2 + Math.ceil(image.height / 20);
  }
}
