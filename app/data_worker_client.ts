/** Page side of `data_worker.ts`: one worker, each request a promise. */
import type { LoadSummary, RejectedRow, TableKind } from "../src/data/mod.ts";
import type { FileReadOptions } from "../src/workspace/workspace_file.ts";
import { WorkerError } from "../src/workspace/worker_error.ts";
import type { WORKER_TASKS, WorkerTaskName } from "./worker/worker_tasks.ts";

export { WorkerError };

export interface LoadReply {
  rejects: RejectedRow[];
  summary: LoadSummary;
  /** The loaded rows as an Arrow IPC stream, for DuckDB. */
  arrow: Uint8Array;
}

type Pending = {
  resolve: (r: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (f: number, phase: string) => void;
};

// deno-lint-ignore no-explicit-any
type Tail<T extends any[]> = T extends [any, ...infer R] ? R : never;
type TaskArgs<K extends WorkerTaskName> = Tail<Parameters<(typeof WORKER_TASKS)[K]>>;
type TaskResult<K extends WorkerTaskName> = Awaited<ReturnType<(typeof WORKER_TASKS)[K]>>;
/** A task's arguments without the trailing progress callback the worker supplies. */
type WithoutProgress<A> = A extends [...infer R, infer Last]
  ? ((f: number, phase: string) => void) | undefined extends Last ? R : A
  : A;

export class DataWorkerClient {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();

  constructor(url: string | URL) {
    this.worker = new Worker(url, { type: "module" });
    this.worker.onmessage = (e: MessageEvent) => {
      const { id, progress, phase, result, error } = e.data;
      const p = this.pending.get(id);
      if (!p) return;
      if (progress !== undefined) return p.onProgress?.(progress, phase ?? "");
      this.pending.delete(id);
      if (error) p.reject(new WorkerError(error.message, error.name, error));
      else p.resolve(result);
    };
    this.worker.onerror = (e) => {
      for (const p of this.pending.values()) {
        p.reject(new Error(`The data worker stopped: ${e.message}`));
      }
      this.pending.clear();
    };
  }

  private post<T>(
    message: Record<string, unknown>,
    onProgress?: (f: number, phase: string) => void,
    transfer: Transferable[] = [],
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject, onProgress });
      this.worker.postMessage({ id, ...message }, transfer);
    });
  }

  /**
   * Reads a file for the worker's table `kind` (in force after `settle(kind, true)`); rejects with `WorkerError` for a whole-file
   * failure. A `Blob` crosses by reference and is read in the worker, off the page's thread;
   * bytes are copied (the workspace keeps the original for saving).
   */
  load(
    kind: TableKind,
    name: string,
    source: Uint8Array | Blob,
    options: FileReadOptions,
    onProgress?: (f: number) => void,
  ) {
    if (source instanceof Blob) {
      return this.post<LoadReply>({ op: "load", kind, name, blob: source, options }, onProgress);
    }
    const copy = source.slice();
    return this.post<LoadReply>({ op: "load", kind, name, bytes: copy, options }, onProgress, [
      copy.buffer,
    ]);
  }

  /** Puts the rows of the last `load` of `kind` in force (`true`) or drops them (`false`). */
  settle(kind: TableKind, keep: boolean): Promise<void> {
    return this.post({ op: keep ? "commit" : "discard", kind });
  }

  drop(kind: TableKind): Promise<void> {
    return this.post({ op: "drop", kind });
  }

  /**
   * Runs a task of `worker_tasks.ts` on the worker's tables; `onProgress` hears the fraction
   * done and, for the long tasks (calibrate, replay), a short label of the step.
   */
  run<K extends WorkerTaskName>(
    task: K,
    args: WithoutProgress<TaskArgs<K>>,
    onProgress?: (fraction: number, phase: string) => void,
  ): Promise<TaskResult<K>> {
    return this.post({ op: "run", task, args }, onProgress);
  }

  terminate(): void {
    this.worker.terminate();
  }
}
