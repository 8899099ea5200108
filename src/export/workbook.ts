/** XLSX workbooks (SheetJS) whose every text cell is inert for spreadsheets. */
import * as XLSX from "xlsx";
import { safeCell } from "../tables/safe_cell.ts";

/** One sheet of a workbook: its name and rows. */
export interface SheetSpec {
  /** Sheet name; sanitised to Excel's rules (see `sanitizeSheetName`). */
  name: string;
  /** Objects (read by column) or arrays (first row is NOT a header unless you pass one). */
  rows: Record<string, unknown>[] | unknown[][];
  /** Column order for object rows; defaults to the keys in order of first appearance. */
  columns?: string[];
}

const BAD_SHEET_CHARS = /[\[\]:*?/\\]/g;

/**
 * Makes `name` a valid Excel sheet name: `[ ] : * ? / \` become `_`, leading and
 * trailing apostrophes go, at most 31 characters, `Sheet` when nothing is left.
 * Names already taken (compared case-insensitively, as Excel does) get ` (2)`, ` (3)`...
 */
export function sanitizeSheetName(name: string, taken: Iterable<string> = []): string {
  let base = name.replace(BAD_SHEET_CHARS, "_").replace(/^'+|'+$/g, "").trim().slice(0, 31);
  if (base === "") base = "Sheet";
  const used = new Set([...taken].map((n) => n.toLowerCase()));
  if (!used.has(base.toLowerCase())) return base;
  for (let i = 2;; i++) {
    const suffix = ` (${i})`;
    const candidate = base.slice(0, 31 - suffix.length) + suffix;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}

function toCell(value: unknown): XLSX.CellObject | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") {
    return Number.isFinite(value) ? { t: "n", v: value } : { t: "s", v: String(value) };
  }
  if (typeof value === "boolean") return { t: "b", v: value };
  if (value instanceof Date) return { t: "d", v: value };
  const text = Array.isArray(value)
    ? value.join(";")
    : typeof value === "object"
    ? JSON.stringify(value)
    : String(value);
  // Explicit string type as well as the apostrophe: SheetJS never writes an `f` formula for it.
  return { t: "s", v: String(safeCell(text)) };
}

function sheetMatrix(sheet: SheetSpec): unknown[][] {
  const { rows } = sheet;
  if (rows.length === 0) return sheet.columns ? [sheet.columns] : [];
  if (Array.isArray(rows[0])) {
    const arrays = rows as unknown[][];
    return sheet.columns ? [sheet.columns, ...arrays] : arrays;
  }
  const objects = rows as Record<string, unknown>[];
  let columns = sheet.columns;
  if (!columns) {
    const seen = new Set<string>();
    for (const r of objects) for (const k of Object.keys(r)) seen.add(k);
    columns = [...seen];
  }
  return [columns, ...objects.map((r) => columns.map((c) => r[c]))];
}

/**
 * Builds an XLSX file from `sheets`, one worksheet each, and returns its bytes.
 * Numbers stay numbers; every text cell goes through `safeCell` and is written as an
 * explicit string cell, so no exported value can run as a formula.
 *
 * @example
 * ```ts
 * const bytes = buildWorkbook([{ name: "Tiers", rows: [{ tier: "high", contacts: 12 }] }]);
 * ```
 */
export function buildWorkbook(sheets: SheetSpec[]): Uint8Array {
  if (sheets.length === 0) throw new RangeError("Cannot build a workbook with no sheets");
  const wb = XLSX.utils.book_new();
  const names: string[] = [];
  for (const sheet of sheets) {
    const name = sanitizeSheetName(sheet.name, names);
    names.push(name);
    const matrix = sheetMatrix(sheet);
    const ws: XLSX.WorkSheet = {};
    let maxCol = 0;
    matrix.forEach((row, r) => {
      row.forEach((value, c) => {
        const cell = toCell(value);
        if (cell) ws[XLSX.utils.encode_cell({ r, c })] = cell;
      });
      maxCol = Math.max(maxCol, row.length);
    });
    ws["!ref"] = XLSX.utils.encode_range({
      s: { r: 0, c: 0 },
      e: { r: Math.max(matrix.length - 1, 0), c: Math.max(maxCol - 1, 0) },
    });
    XLSX.utils.book_append_sheet(wb, ws, name);
  }
  const out = XLSX.write(wb, { type: "array", bookType: "xlsx", compression: true });
  return new Uint8Array(out as ArrayBuffer);
}
