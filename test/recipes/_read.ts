/** Reading a real-data file for a recipe: whole-file CSV with a header, clear errors. */
import { parseCsv } from "../../src/data/csv_reader.ts";

/**
 * Where the public datasets are read from: `SCOREBENCH_REAL_DATA`, else the folder
 * `../shared/data/real/` beside the project. They are never copied into the project.
 */
export const REAL_DATA_DIR = realDataDir();

function realDataDir(): string {
  const given = Deno.env.get("SCOREBENCH_REAL_DATA");
  if (given) return given.endsWith("/") ? given : `${given}/`;
  return new URL("../../../shared/data/real/", import.meta.url).pathname;
}

/** Whether `path` exists (a recipe's tests skip when the real data is absent). */
export async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** A parsed file: header and data rows as text fields. */
export interface CsvTable {
  file: string;
  header: string[];
  rows: string[][];
  /** 1-based row number (header is row 1) of each data row. */
  rowNumbers: number[];
}

/** Reads a delimited file; every record must split and have the header's field count. */
export async function readCsvFile(path: string, delimiter: string): Promise<CsvTable> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new Error(`Cannot read "${path}": ${(err as Error).message}`);
  }
  const records = parseCsv(text, { delimiter });
  if (records.length === 0 || !records[0].fields) {
    throw new SyntaxError(`"${path}" has no header row`);
  }
  const header = records[0].fields.map((h) => h.trim());
  const rows: string[][] = [];
  const rowNumbers: number[] = [];
  for (const r of records.slice(1)) {
    if (!r.fields) throw new SyntaxError(`"${path}" row ${r.row}: ${r.error ?? "cannot be split"}`);
    if (r.fields.length === 1 && r.fields[0] === "") continue;
    if (r.fields.length !== header.length) {
      throw new SyntaxError(
        `"${path}" row ${r.row}: ${r.fields.length} fields, the header has ${header.length}`,
      );
    }
    rows.push(r.fields);
    rowNumbers.push(r.row);
  }
  return { file: path, header, rows, rowNumbers };
}

/** A number from a field, or a `SyntaxError` naming file, row and column. */
export function numberField(t: CsvTable, i: number, column: string): number {
  const j = t.header.indexOf(column);
  if (j < 0) {
    throw new SyntaxError(
      `"${t.file}" has no column "${column}" (columns: ${t.header.join(", ")})`,
    );
  }
  const text = t.rows[i][j].trim();
  const x = text === "" ? NaN : Number(text);
  if (!Number.isFinite(x)) {
    throw new SyntaxError(
      `"${t.file}" row ${t.rowNumbers[i]}, column "${column}": "${t.rows[i][j]}" is not a number`,
    );
  }
  return x;
}

/** A text field by column name. */
export function textField(t: CsvTable, i: number, column: string): string {
  const j = t.header.indexOf(column);
  if (j < 0) {
    throw new SyntaxError(
      `"${t.file}" has no column "${column}" (columns: ${t.header.join(", ")})`,
    );
  }
  return t.rows[i][j];
}

/** `yes`/`no`, `TRUE`/`FALSE`, `1`/`0` as 0/1, or a `SyntaxError` naming the cell. */
export function flagField(t: CsvTable, i: number, column: string): 0 | 1 {
  const v = textField(t, i, column).trim().toLowerCase();
  if (v === "yes" || v === "true" || v === "1") return 1;
  if (v === "no" || v === "false" || v === "0") return 0;
  throw new SyntaxError(
    `"${t.file}" row ${
      t.rowNumbers[i]
    }, column "${column}": "${v}" is not yes/no, TRUE/FALSE or 1/0`,
  );
}
