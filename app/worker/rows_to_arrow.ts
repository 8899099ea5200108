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
  int64,
  list,
  tableFromColumns,
  tableToIPC,
  timestamp,
  TimeUnit,
  utf8,
} from "@uwdata/flechette";
import { tableLayout } from "../../src/db/table_layout.ts";
import type { DuckDBType, TableKind } from "../../src/tables/mod.ts";

/** Values per column looked at to choose a dictionary; under half of them distinct, it is one. */
const DICTIONARY_SAMPLE = 4096;

/**
 * Arrow IPC stream of the canonical rows of table `kind`, laid out by the one table policy
 * (`tableLayout`: canonical columns in their types, instants as `TIMESTAMP`, lists as
 * `VARCHAR[]`, the input order `seq`, then the extra columns), so the page's DuckDB tables
 * are the CLI's.
 */
export function rowsToArrowIpc(kind: TableKind, rows: readonly object[]): Uint8Array {
  const layout = tableLayout(kind, rows);
  // Column by column: only the Arrow buffers being filled are held, never a second copy
  // of ten million values.
  const built: Record<string, Column<unknown>> = {};
  for (const [name, { type, values }] of Object.entries(layout)) {
    built[name] = columnFromValues((add: (value: unknown) => void) => {
      for (let i = 0; i < values.length; i++) add(values[i] ?? null);
    }, arrowType(type, values));
  }
  return tableToIPC(tableFromColumns(built), { format: "stream" })!;
}

function arrowType(type: DuckDBType, values: ArrayLike<unknown>): DataType {
  switch (type) {
    case "TIMESTAMP":
      return timestamp(TimeUnit.MICROSECOND);
    case "BIGINT":
      return int64();
    case "DOUBLE":
      return float64();
    case "BOOLEAN":
      return bool();
    case "VARCHAR[]":
      return list(utf8());
    case "VARCHAR": {
      // A column that repeats (event types, URLs, ids of a file grouped by contact) is sent
      // as a dictionary, each distinct string encoded once.
      const sample = new Set<unknown>();
      for (let i = 0; i < values.length && sample.size < DICTIONARY_SAMPLE; i++) {
        if (values[i] !== null && values[i] !== undefined) sample.add(values[i]);
      }
      return sample.size < DICTIONARY_SAMPLE / 2 ? dictionary(utf8()) : utf8();
    }
  }
}
