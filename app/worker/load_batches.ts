/**
 * The project's loader for the files DuckDB cannot read as the contract requires (another
 * encoding, day-first dates, `1 234,5`, spreadsheets, JSON, contacts with their phones and
 * e-mails): rows are read one by one and handed on in batches of Arrow IPC, each batch
 * laid out by the one table policy, so no row object outlives its batch.
 *
 * Extra columns travel as text (a list as `\x1e` then its items joined by `\x1f`) because a
 * batch cannot know their type: `extraColumnTypes` gives the type the whole file earns
 * (`tableLayout`'s rule), and `app/read_into_duckdb.ts` converts the columns once at the end.
 */
import { type Column, columnFromValues, tableFromColumns, tableToIPC } from "@uwdata/flechette";
import { type LoadSource, loadTable } from "../../src/data/mod.ts";
import type { LoadOptions, LoadSummary, RejectedRow, TableKind } from "../../src/data/types.ts";
import {
  duckdbColumns,
  type DuckDBType,
  ORDER_COLUMN,
  TABLE_SCHEMAS,
} from "../../src/tables/mod.ts";
import { arrowType } from "./rows_to_arrow.ts";

/** Marks a list in an extra column's text. */
export const LIST_MARK = "\u001e";
/** Separates a list's items in an extra column's text. */
export const ITEM_SEPARATOR = "\u001f";

/** What the values of one extra column were, over the whole file. */
export interface ExtraColumn {
  /** Its name in the table (`_extra` added when it clashes with a taken one). */
  name: string;
  /** The file's name of it. */
  source: string;
  /** The policy type the whole column earns: `DOUBLE`, `BOOLEAN`, `VARCHAR[]` or `VARCHAR`. */
  type: DuckDBType;
  /** Some value was a list (in a `VARCHAR` column, lists are joined by `;`). */
  lists: boolean;
}

/** Options of `loadInBatches`. */
export interface LoadInBatchesOptions {
  /** Rows per batch. @default 131072 */
  batchRows?: number;
  onProgress?: (fraction: number) => void;
}

/** What `loadInBatches` returns besides the batches. */
export interface BatchedLoad {
  summary: LoadSummary;
  rejects: RejectedRow[];
  extras: ExtraColumn[];
  rows: number;
}

/**
 * Reads `source` as table `kind` with `loadTable` and calls `onBatch` with each batch of
 * good rows as an Arrow IPC stream and its number of columns (a batch with as many columns as
 * the one before has the same ones: new extra columns only come last) (canonical columns in their policy types, `seq`, then
 * every extra column seen so far, as text).
 */
export async function loadInBatches(
  kind: TableKind,
  source: LoadSource,
  options: Omit<LoadOptions, "onRow" | "onProgress">,
  onBatch: (ipc: Uint8Array, columns: number) => void | Promise<void>,
  { batchRows = 131_072, onProgress }: LoadInBatchesOptions = {},
): Promise<BatchedLoad> {
  const types = duckdbColumns(kind);
  const canonical = TABLE_SCHEMAS[kind].map((c) => c.name);
  const known = new Set(canonical);
  const taken = new Set(Object.keys(types).map((c) => c.toLowerCase()));
  const extras: (ExtraColumn & { numbers: boolean; booleans: boolean; allLists: boolean })[] = [];
  const extraOf = new Map<string, number>();
  let batch: Record<string, unknown>[] = [];
  let seq = 0;
  // Batches go out one after the other: each waits for the one before to be taken.
  let tail: Promise<void> = Promise.resolve();
  const flush = () => {
    if (!batch.length) return;
    const rows = batch;
    batch = [];
    for (const r of rows) {
      for (const k in r) {
        if (known.has(k) || extraOf.has(k)) continue;
        let name = k;
        while (taken.has(name.toLowerCase())) name += "_extra";
        taken.add(name.toLowerCase());
        extraOf.set(k, extras.length);
        extras.push({
          name,
          source: k,
          type: "VARCHAR",
          lists: false,
          numbers: true,
          booleans: true,
          allLists: true,
        });
      }
    }
    const built: Record<string, Column<unknown>> = {};
    for (const name of canonical) {
      const values = rows.map((r) => r[name] ?? null);
      built[name] = columnFromValues(values, arrowType(types[name], values));
    }
    const start = seq;
    built[ORDER_COLUMN] = columnFromValues(
      Float64Array.from(rows, (_, i) => start + i),
      arrowType("BIGINT", []),
    );
    seq += rows.length;
    for (const e of extras) {
      const values = rows.map((r) => {
        const v = r[e.source];
        if (v === null || v === undefined) return null;
        if (typeof v !== "number") e.numbers = false;
        if (typeof v !== "boolean") e.booleans = false;
        if (Array.isArray(v)) {
          e.lists = true;
          return LIST_MARK + v.map(String).join(ITEM_SEPARATOR);
        }
        e.allLists = false;
        return String(v);
      });
      built[e.name] = columnFromValues(values, arrowType("VARCHAR", values));
    }
    const ipc = tableToIPC(tableFromColumns(built), { format: "stream" })!;
    const columns = Object.keys(built).length;
    tail = tail.then(() => onBatch(ipc, columns));
  };
  const { summary, rejects } = await loadTable(kind, source, {
    ...options,
    collectContactIds: false,
    onProgress,
    onRow(row) {
      batch.push(row as Record<string, unknown>);
      if (batch.length >= batchRows) flush();
    },
  });
  flush();
  await tail;
  return {
    summary,
    rejects,
    rows: seq,
    extras: extras.map(({ name, source, lists, numbers, booleans, allLists }) => ({
      name,
      source,
      lists,
      type: numbers ? "DOUBLE" : booleans ? "BOOLEAN" : allLists ? "VARCHAR[]" : "VARCHAR",
    })),
  };
}
