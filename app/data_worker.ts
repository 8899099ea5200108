/**
 * The data worker: reads the files DuckDB cannot (`loadInBatches`, the project's loader,
 * streamed to the page in Arrow batches for DuckDB), and runs the pages' heavy tasks
 * (`worker_tasks.ts`) on tables the page sends from DuckDB, the one store.
 *
 * In: `{id, op: "loadBatches", kind, name, blob, options}`, `{id, op: "table", kind,
 * batches, append}` (Arrow IPC streams of the table as DuckDB holds it, none when it is
 * gone; `append` adds a later part of it),
 * `{id, op: "run", task, args}`. Out: `{id, progress, phase?}` and `{id, batch}` while
 * working, then `{id, result}` or `{id, error}`.
 *
 * Tables are kept as Arrow columns; scoring reads them a row at a time, other tasks get row
 * objects built for them, which go when they end.
 */
import { type Table, tableFromIPC } from "@uwdata/flechette";
import type { ParseWorker } from "../src/data/mod.ts";
import type { TableKind } from "../src/data/types.ts";
import { distinctValues, eachRow, tableRows, tableSize } from "./worker/table_rows.ts";
import { loadInBatches } from "./worker/load_batches.ts";
import {
  clearTaskCache,
  runTask,
  type TableScan,
  type WorkerTables,
  type WorkerTaskName,
} from "./worker/worker_tasks.ts";

const scope = self as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

/**
 * A new spreadsheet worker (`spreadsheet_worker.ts`, built beside this one): each workbook
 * is parsed in one, terminated past the load's time budget.
 */
function spreadsheetWorker(): ParseWorker {
  return new Worker(new URL("spreadsheet_worker.js", self.location.href), { type: "module" });
}

/** The tables as DuckDB sent them, in record batches. */
const columnar: Partial<Record<TableKind, Table[]>> = {};

/** The kept tables read a row at a time (see `WorkerTables.scan`). */
const scan = {
  size: (kind: TableKind) => tableSize(columnar[kind] ?? []),
  rows: (kind: TableKind) => eachRow(columnar[kind] ?? []),
  eventTypes: () => distinctValues(columnar.events ?? [], "type"),
} as TableScan;

/**
 * The kept tables as rows, each built when a task first reads it (a cached answer reads
 * none), and as a scan for the tasks that read each row once.
 */
function workerTables(): WorkerTables {
  const out: Record<string, unknown> = { scan };
  for (const [kind, batches] of Object.entries(columnar)) {
    if (!batches?.length) continue;
    Object.defineProperty(out, kind, {
      enumerable: true,
      configurable: true,
      get() {
        const rows = tableRows(batches);
        Object.defineProperty(out, kind, { value: rows, enumerable: true });
        return rows;
      },
    });
  }
  return out as WorkerTables;
}

function errorMessage(err: unknown) {
  const e = err as Error & {
    file?: string;
    column?: string;
    columns?: string[];
    candidates?: string[];
  };
  return {
    name: e?.name ?? "Error",
    message: e?.message ?? String(err),
    file: e?.file,
    column: e?.column,
    columns: e?.columns,
    candidates: e?.candidates,
  };
}

scope.onmessage = async (e) => {
  const { id, op } = e.data;
  let last = -1;
  let lastPhase: string | undefined;
  const onProgress = (fraction: number, phase?: string) => {
    // Throttled: a message per row would cost more than the work. A new step always shows.
    if (fraction - last >= 0.02 || fraction === 1 || phase !== lastPhase) {
      last = fraction;
      lastPhase = phase;
      scope.postMessage({ id, progress: fraction, phase });
    }
  };
  try {
    if (op === "loadBatches") {
      const { kind, name, blob, options } = e.data as {
        kind: TableKind;
        name: string;
        blob: Blob;
        options: object;
      };
      const load = { ...options, spreadsheetWorker };
      const result = await loadInBatches(kind, { name, blob }, load, (batch, columns) => {
        scope.postMessage({ id, batch, columns }, [batch.buffer]);
      }, { onProgress });
      scope.postMessage({ id, result });
    } else if (op === "table") {
      // A table arrives in parts (`append` after the first), so the page never holds it whole.
      const kind = e.data.kind as TableKind;
      const batches = (e.data.batches as Uint8Array[] | null) ?? [];
      const tables = batches.map((b) => tableFromIPC(b));
      if (e.data.append) columnar[kind] = [...(columnar[kind] ?? []), ...tables];
      else if (tables.length) columnar[kind] = tables;
      else delete columnar[kind];
      clearTaskCache();
      scope.postMessage({ id, result: null });
    } else if (op === "run") {
      const result = await runTask(
        workerTables(),
        e.data.task as WorkerTaskName,
        e.data.args,
        onProgress,
      );
      scope.postMessage({ id, result });
    } else throw new RangeError(`Unknown operation "${op}"`);
  } catch (err) {
    scope.postMessage({ id, error: errorMessage(err) });
  }
};
