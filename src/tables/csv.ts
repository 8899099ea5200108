/** CSV text (RFC 4180) from rows, with formula-injection protection on by default. */
import { safeCell } from "./safe_cell.ts";

/** How `toCsv` writes the text. */
export interface ToCsvOptions {
  /** Make text cells inert for spreadsheets (see `safeCell`). @default true */
  safe?: boolean;
  /** Record separator; RFC 4180 says CRLF. @default "\r\n" */
  newline?: string;
  /** Field separator. @default "," */
  separator?: string;
  /** Write the header line of column names. @default true */
  header?: boolean;
}

/**
 * Text of one cell: numbers in the shortest form that reads back as the same double,
 * `null`/`undefined` empty, dates as ISO 8601, arrays joined by `;`.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(cellText).join(";");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * One CSV field (RFC 4180): quoted when it holds the separator, a double quote, CR or LF,
 * with inner quotes doubled.
 */
export function csvField(text: string, separator = ","): string {
  return text.includes(separator) || /["\r\n]/.test(text)
    ? `"${text.replaceAll('"', '""')}"`
    : text;
}

/**
 * Writes `rows` as CSV with the given `columns` in that order. Rows may be objects (read by
 * column name) or arrays (read by position). A field is quoted when it holds the separator,
 * a double quote, CR or LF; inner quotes are doubled. The text ends with a newline.
 *
 * @example
 * ```ts
 * toCsv([{ id: "1", note: 'say "hi"' }], ["id", "note"]); // 'id,note\r\n1,"say ""hi"""\r\n'
 * ```
 */
export function toCsv(
  rows: Iterable<Record<string, unknown> | unknown[]>,
  columns: string[],
  options: ToCsvOptions = {},
): string {
  const { safe = true, newline = "\r\n", separator = ",", header = true } = options;
  if (separator.length !== 1 || /["\r\n]/.test(separator)) {
    throw new RangeError(`Cannot write CSV: separator "${separator}" must be one character`);
  }
  const field = (v: unknown) => {
    const text = cellText(v);
    return csvField(safe && typeof v === "string" ? String(safeCell(text)) : text, separator);
  };
  const lines: string[] = [];
  if (header) lines.push(columns.map(field).join(separator));
  for (const row of rows) {
    const cells = Array.isArray(row)
      ? columns.map((_, i) => field(row[i]))
      : columns.map((c) => field(row[c]));
    lines.push(cells.join(separator));
  }
  return lines.join(newline) + newline;
}
