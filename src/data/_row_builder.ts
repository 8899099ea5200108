/**
 * Turns raw records (from any format) into canonical rows or rejects, and keeps the load
 * summary. One instance per load: the columns are laid out once (`planColumns`), each record
 * converted (`RowConverter`) and each kept row counted (`RowTally`).
 */
import type { LoadOptions, LoadResult, LoadSummary, RejectedRow, TableKind } from "./types.ts";
import { planColumns } from "./_column_plan.ts";
import { RowTally } from "./_row_tally.ts";
import {
  PENDING,
  preview,
  type RawRecord,
  type RawValue,
  RowConverter,
  RowReject,
} from "./_row_converter.ts";

export {
  type ExcelDateCell,
  type JsonNumber,
  type RawRecord,
  type RawValue,
  readNumber,
} from "./_row_converter.ts";

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
  #converter: RowConverter<R>;
  #tally: RowTally;
  #onRow?: (row: R, rowNumber: number) => void;
  #pending: { rec: RawRecord; result: R | RowReject | typeof PENDING }[] = [];
  #blank = 0;
  #formulaHint = "";
  #formulas = 0;
  #t0 = performance.now();
  #dateOrder?: "dmy" | "mdy";

  constructor(
    kind: TableKind,
    file: string,
    header: string[],
    format: string,
    options: LoadOptions<R>,
    warnings: string[] = [],
  ) {
    const { onRow, detectDuplicates = true, collectContactIds = onRow === undefined, dateOrder } =
      options;
    const plan = planColumns(kind, file, header, options);
    this.#kind = kind;
    this.#file = file;
    this.#converter = new RowConverter(kind, plan, format === "csv", options);
    this.#tally = new RowTally(kind, format === "csv", { detectDuplicates, collectContactIds });
    this.#onRow = onRow;
    this.#dateOrder = dateOrder;
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
      mapping: plan.names,
      warnings: [...warnings, ...plan.warnings],
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
    const result = this.#converter.convert(rec);
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
        item.result = this.#converter.convert(item.rec);
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
      const first = this.#tally.firstRowOf(id, rec.row);
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
    }
    this.#tally.count(this.summary, row, rec.cells);
    if (this.#onRow) this.#onRow(result as R, rec.row);
    else this.rows.push(result as R);
  }

  finish(): LoadResult<R> {
    if (this.#pending.length) {
      for (const h of this.#converter.handlers) {
        if (h.dates && h.dates.order === null && h.ambiguous > 0) {
          h.dates.order = this.#dateOrder ?? "dmy";
          h.dates.decidedBy = "(default)";
          this.summary.warnings.push(
            `Column "${
              this.#converter.header[h.index]
            }": dates like "01/02/2024" are ambiguous (no value has a day above 12); read as ${
              h.dates.order === "dmy" ? "day/month/year" : "month/day/year"
            } (set dateOrder to choose)`,
          );
        }
      }
      this.#flush(true);
    }
    for (const h of this.#converter.handlers) {
      if (h.dates?.order && h.dates.decidedRow > 0) {
        this.summary.warnings.push(
          `Column "${this.#converter.header[h.index]}": slash dates read as ${
            h.dates.order === "dmy" ? "day/month/year" : "month/day/year"
          } (decided by "${h.dates.decidedBy}" in row ${h.dates.decidedRow})`,
        );
      }
    }
    for (const h of this.#converter.handlers) {
      if (h.commaLists) {
        this.summary.warnings.push(
          `Column "${
            this.#converter.header[h.index]
          }": ${h.commaLists} list cell(s) had no ";" and were split on ","`,
        );
      }
    }
    if (this.#blank) this.summary.warnings.push(`${this.#blank} blank row(s) skipped`);
    for (const i of this.#converter.unnamed) {
      if (this.#converter.unnamedUsed.has(i)) {
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
    this.#tally.finish(this.summary);
    this.summary.seconds = (performance.now() - this.#t0) / 1000;
    return { rows: this.rows, rejects: this.rejects, summary: this.summary };
  }
}
