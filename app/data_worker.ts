/**
 * The data worker: reads input files with the shared loader and keeps the tables, then runs
 * the pages' heavy tasks on them (`worker_tasks.ts`), so the page never freezes.
 *
 * In: `{id, op: "load", kind, name, bytes | blob, options}` (the rows wait until
 * `{id, op: "commit", kind}` puts them in force, or `{id, op: "discard", kind}`), `{id, op: "drop", kind}`,
 * `{id, op: "run", task, args}`. Out: `{id, progress, phase?}` while working, then `{id, result}`
 * or `{id, error}`. A load answers with the summary, the rejects and the rows as an Arrow IPC
 * stream for DuckDB; the rows themselves stay here.
 */
import { loadTable } from "../src/data/mod.ts";
import type { TableKind } from "../src/data/types.ts";
import { rowsToArrowIpc } from "./worker/rows_to_arrow.ts";
import {
  clearTaskCache,
  runTask,
  type WorkerTables,
  type WorkerTaskName,
} from "./worker/worker_tasks.ts";

const scope = self as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

const tables: WorkerTables = {};
/** Rows read but not yet in force: a load waits here until the page commits or discards it. */
const staged: WorkerTables = {};

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
    if (op === "load") {
      const { kind, name, blob, options } = e.data as {
        kind: TableKind;
        name: string;
        blob?: Blob;
        options: object;
      };
      const bytes: Uint8Array = blob ? new Uint8Array(await blob.arrayBuffer()) : e.data.bytes;
      // No distinct-id set: no page or task reads it, and a million ids would cross to the
      // page for nothing.
      const { rows, rejects, summary } = await loadTable(kind, { name, bytes }, {
        ...options,
        collectContactIds: false,
        onProgress,
      });
      (staged as Record<string, unknown>)[kind] = rows;
      // No rows, no columns: DuckDB cannot make a table of that, so an empty stream says "none".
      const arrow = rows.length ? rowsToArrowIpc(kind, rows) : new Uint8Array(0);
      scope.postMessage({ id, result: { rejects, summary, arrow } }, [arrow.buffer]);
    } else if (op === "commit" || op === "discard") {
      const kind = e.data.kind as TableKind;
      if (op === "commit" && staged[kind]) {
        (tables as Record<string, unknown>)[kind] = staged[kind];
        clearTaskCache();
      }
      delete staged[kind];
      scope.postMessage({ id, result: null });
    } else if (op === "drop") {
      delete tables[e.data.kind as TableKind];
      clearTaskCache();
      scope.postMessage({ id, result: null });
    } else if (op === "run") {
      const result = await runTask(tables, e.data.task as WorkerTaskName, e.data.args, onProgress);
      scope.postMessage({ id, result });
    } else throw new RangeError(`Unknown operation "${op}"`);
  } catch (err) {
    scope.postMessage({ id, error: errorMessage(err) });
  }
};
