/**
 * Canonical rows as an Arrow IPC stream for DuckDB-WASM (`insertArrowFromIPCStream`):
 * columnar and typed, so a million rows cross to DuckDB without a JSON round trip.
 */
import {
  bool,
  type DataType,
  float64,
  tableFromArrays,
  tableToIPC,
  timestamp,
  TimeUnit,
  utf8,
} from "@uwdata/flechette";

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
  const data: Record<string, unknown[]> = {};
  const types: Record<string, DataType> = {};
  for (const column of columns) {
    let kind: "number" | "boolean" | "text" | null = null;
    for (const row of rows) {
      const v = row[column];
      if (v === null || v === undefined) continue;
      const k = typeof v === "number" ? "number" : typeof v === "boolean" ? "boolean" : "text";
      if (kind === null) kind = k;
      else if (kind !== k) {
        kind = "text";
        break;
      }
    }
    const values = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const v = rows[i][column];
      values[i] = v === null || v === undefined
        ? null
        : kind === "text"
        ? (Array.isArray(v) ? v.join(";") : String(v))
        : v;
    }
    data[column] = values;
    types[column] = kind === "number"
      ? (timestampColumns.includes(column) ? timestamp(TimeUnit.MILLISECOND) : float64())
      : kind === "boolean"
      ? bool()
      : utf8();
  }
  return tableToIPC(tableFromArrays(data, { types }), { format: "stream" })!;
}
