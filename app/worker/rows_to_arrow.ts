/**
 * Canonical rows as an Arrow IPC stream for DuckDB-WASM (`insertArrowFromIPCStream`):
 * columnar and typed, so a million rows cross to DuckDB without a JSON round trip.
 */
import {
  bool,
  type Column,
  columnFromValues,
  type DataType,
  dictionary,
  float64,
  tableFromColumns,
  tableToIPC,
  timestamp,
  TimeUnit,
  utf8,
} from "@uwdata/flechette";

/** Values per column looked at to choose a dictionary; under half of them distinct, it is one. */
const DICTIONARY_SAMPLE = 4096;

/**
 * Arrow IPC stream of `rows`: every key seen in any row is a column (missing is NULL).
 * Numbers become DOUBLE, booleans BOOLEAN, lists `;`-joined text, anything else text; a
 * column of mixed kinds is text. `timestampColumns` (epoch ms) become TIMESTAMP.
 */
export function rowsToArrowIpc(
  rows: readonly Record<string, unknown>[],
  timestampColumns: readonly string[] = [],
): Uint8Array {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key in row) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  // Column by column, straight from the rows: no per-column copy of ten million values
  // is ever held, only the Arrow buffers being filled.
  const built: Record<string, Column<unknown>> = {};
  for (const column of columns) {
    let kind: "number" | "boolean" | "text" | null = null;
    // Distinct values among the first ones: a column that repeats (event types, URLs, ids of
    // a file grouped by contact) is sent as a dictionary, each distinct string encoded once.
    const sample = new Set<unknown>();
    for (const row of rows) {
      const v = row[column];
      if (v === null || v === undefined) continue;
      if (sample.size < DICTIONARY_SAMPLE) sample.add(v);
      const k = typeof v === "number" ? "number" : typeof v === "boolean" ? "boolean" : "text";
      if (kind === null) kind = k;
      else if (kind !== k) {
        kind = "text";
        break;
      }
    }
    const type: DataType = kind === "number"
      ? (timestampColumns.includes(column) ? timestamp(TimeUnit.MILLISECOND) : float64())
      : kind === "boolean"
      ? bool()
      : sample.size < DICTIONARY_SAMPLE / 2
      ? dictionary(utf8())
      : utf8();
    const text = kind === "text";
    built[column] = columnFromValues((add: (value: unknown) => void) => {
      for (let i = 0; i < rows.length; i++) {
        const v = rows[i][column];
        add(
          v === null || v === undefined
            ? null
            : text
            ? (Array.isArray(v) ? v.join(";") : typeof v === "string" ? v : String(v))
            : v,
        );
      }
    }, type);
  }
  return tableToIPC(tableFromColumns(built), { format: "stream" })!;
}
