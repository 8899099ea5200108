/** Page side of `data_worker.ts`: one worker, each request a promise. */
import type { TableKind } from "../src/data/mod.ts";
import type { FileReadOptions } from "../src/workspace/workspace_file.ts";
import { WorkerError } from "../src/workspace/worker_error.ts";
import type { WORKER_TASKS, WorkerTaskName } from "./worker/worker_tasks.ts";
import type { BatchedLoad } from "./worker/load_batches.ts";

export { WorkerError };

type Pending = {
  resolve: (r: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (f: number, phase: string) => void;
  onBatch?: (ipc: Uint8Array, columns: number) => void;
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
      const { id, progress, phase, result, error, batch, columns } = e.data;
      const p = this.pending.get(id);
      if (!p) return;
      if (progress !== undefined) return p.onProgress?.(progress, phase ?? "");
      if (batch !== undefined) return p.onBatch?.(batch, columns);
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
    onBatch?: (ipc: Uint8Array, columns: number) => void,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, {
        resolve: resolve as (r: unknown) => void,
        reject,
        onProgress,
        onBatch,
      });
      this.worker.postMessage({ id, ...message }, transfer);
    });
  }

  /**
   * Called before each task, to send the worker the tables that changed (see `setTable`);
   * the workspace sets it.
   */
  beforeRun: (() => Promise<void>) | null = null;

  /**
   * Reads a file with the project's loader in the worker (the `Blob` crosses by reference);
   * `onBatch` hears each batch of good rows as Arrow IPC, in order. Rejects with
   * `WorkerError` for a whole-file failure.
   */
  loadBatches(
    kind: TableKind,
    name: string,
    blob: Blob,
    options: FileReadOptions,
    onBatch: (ipc: Uint8Array, columns: number) => void,
    onProgress?: (f: number) => void,
  ): Promise<BatchedLoad> {
    return this.post({ op: "loadBatches", kind, name, blob, options }, onProgress, [], onBatch);
  }

  /**
   * Gives the worker table `kind` as DuckDB holds it (Arrow IPC batches), or none; with
   * `append`, a later part of the table sent last.
   */
  setTable(kind: TableKind, batches: Uint8Array[] | null, append = false): Promise<void> {
    return this.post(
      { op: "table", kind, batches, append },
      undefined,
      batches?.map((b) => b.buffer) ?? [],
    );
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
    const ready = this.beforeRun ? this.beforeRun() : Promise.resolve();
    return ready.then(() => this.post({ op: "run", task, args }, onProgress));
  }

  terminate(): void {
    this.worker.terminate();
  }
}
