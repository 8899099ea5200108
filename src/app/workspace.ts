/**
 * The analyst's workspace in the browser: the input files, the tables read from them (also
 * queryable in DuckDB), settings and configs. It survives a reload through IndexedDB and is
 * saved to / opened from a workspace file. Pages read it through notebook built-ins.
 */
import type { LoadSummary } from "../data/mod.ts";
import type { RejectedRow, TableKind } from "../data/types.ts";
import type { BrowserConnection, BrowserDuckDB } from "./open_browser_duckdb.ts";
import { replaceTable } from "./open_browser_duckdb.ts";
import type { DataWorkerClient } from "./data_worker_client.ts";
import { observeChanges } from "../notebook/run_notebook.ts";
import type { FileReadOptions, WorkspaceInput, WorkspaceSnapshot } from "./workspace_file.ts";

/**
 * One loaded table as the page sees it: its summary and rejects. The rows live in the data
 * worker (for the heavy tasks) and in DuckDB (for SQL), not on the page.
 */
export interface LoadedTable {
  kind: TableKind;
  /** File name. */
  name: string;
  summary: LoadSummary;
  rejects: RejectedRow[];
}

/** The tables of the workspace at one moment; `version` grows with each change. */
export interface WorkspaceData {
  contacts?: LoadedTable;
  events?: LoadedTable;
  purchases?: LoadedTable;
  verification?: LoadedTable;
  version: number;
}

export const TABLE_KINDS: readonly TableKind[] = [
  "contacts",
  "events",
  "purchases",
  "verification",
];

/** Guesses the table of a file from its name (`events_2024.csv` -> `events`), else `null`. */
export function guessKind(fileName: string): TableKind | null {
  const name = fileName.toLowerCase();
  if (/verif|blacklist|stop/.test(name)) return "verification";
  if (/purchase|order|sale|deal/.test(name)) return "purchases";
  if (/event|activit|touch|click|visit/.test(name)) return "events";
  if (/contact|lead|client|customer|people/.test(name)) return "contacts";
  return null;
}

export class Workspace extends EventTarget {
  readonly inputs = new Map<TableKind, WorkspaceInput>();
  data: WorkspaceData = { version: 0 };
  settings: Record<string, unknown> = {};
  configs: Record<string, unknown> = {};

  constructor(
    readonly worker: DataWorkerClient,
    readonly db: BrowserDuckDB,
    readonly conn: BrowserConnection,
    /** IndexedDB database name; `null` keeps nothing across reloads. */
    readonly storeName: string | null = "scorebench",
  ) {
    super();
  }

  /** Reads `input` (replacing any file of the same kind), makes it a DuckDB table and saves. */
  async load(input: WorkspaceInput, onProgress?: (fraction: number) => void): Promise<LoadedTable> {
    const { arrow, rejects, summary } = await this.worker.load(
      input.kind,
      input.name,
      input.bytes,
      input.options,
      onProgress,
    );
    await replaceTable(this.conn, input.kind, arrow);
    const table: LoadedTable = { kind: input.kind, name: input.name, summary, rejects };
    this.inputs.set(input.kind, input);
    this.data = { ...this.data, [input.kind]: table, version: this.data.version + 1 };
    await this.persist();
    this.dispatchEvent(new Event("data"));
    return table;
  }

  /** Reads the same file again with other options (e.g. a new column mapping). */
  reload(kind: TableKind, options: FileReadOptions, onProgress?: (f: number) => void) {
    const input = this.inputs.get(kind);
    if (!input) throw new RangeError(`Cannot reload "${kind}": no file is loaded for it`);
    return this.load({ ...input, options }, onProgress);
  }

  async remove(kind: TableKind): Promise<void> {
    this.inputs.delete(kind);
    const { [kind]: _gone, ...rest } = this.data;
    this.data = { ...rest, version: this.data.version + 1 };
    await this.conn.query(`DROP TABLE IF EXISTS "${kind}"`);
    await this.worker.drop(kind);
    await this.persist();
    this.dispatchEvent(new Event("data"));
  }

  /** A saved setting, or `fallback`. */
  setting<T>(key: string, fallback: T): T {
    return key in this.settings ? this.settings[key] as T : fallback;
  }

  setSetting(key: string, value: unknown): Promise<void> {
    this.settings = { ...this.settings, [key]: value };
    this.dispatchEvent(new CustomEvent("setting", { detail: key }));
    return this.persist();
  }

  /** Stores a config under `name` (the working one is `"current"`). */
  setConfig(name: string, spec: unknown): Promise<void> {
    this.configs = { ...this.configs, [name]: spec };
    this.dispatchEvent(new CustomEvent("config", { detail: name }));
    return this.persist();
  }

  /** Values of `read()` now and after each `event`; the notebook runtime consumes this. */
  observe<T>(event: string, read: () => T): Iterator<unknown> {
    return observeChanges((change) => {
      const listener = () => change(read());
      this.addEventListener(event, listener);
      change(read());
      return () => this.removeEventListener(event, listener);
    });
  }

  snapshot(): WorkspaceSnapshot {
    return { inputs: [...this.inputs.values()], settings: this.settings, configs: this.configs };
  }

  /** Replaces everything with `snapshot`, reading its files again. */
  async restore(snapshot: WorkspaceSnapshot, onProgress?: (name: string, f: number) => void) {
    for (const kind of [...this.inputs.keys()]) await this.remove(kind);
    this.settings = { ...snapshot.settings };
    this.configs = { ...snapshot.configs };
    for (const input of snapshot.inputs) {
      await this.load(input, (f) => onProgress?.(input.name, f));
    }
    await this.persist();
    this.dispatchEvent(new Event("config"));
    this.dispatchEvent(new Event("setting"));
  }

  /** The snapshot saved in IndexedDB by an earlier visit, or `null`. */
  async stored(): Promise<WorkspaceSnapshot | null> {
    if (!this.storeName) return null;
    return await idbGet<WorkspaceSnapshot>(this.storeName, "workspace") ?? null;
  }

  async clearStored(): Promise<void> {
    if (this.storeName) await idbPut(this.storeName, "workspace", undefined);
  }

  private persist(): Promise<void> {
    return this.storeName
      ? idbPut(this.storeName, "workspace", this.snapshot())
      : Promise.resolve();
  }
}

function openIdb(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore("kv");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function idbGet<T>(name: string, key: string): Promise<T | undefined> {
  const idb = await openIdb(name);
  try {
    return await new Promise((resolve, reject) => {
      const request = idb.transaction("kv").objectStore("kv").get(key);
      request.onsuccess = () => resolve(request.result as T | undefined);
      request.onerror = () => reject(request.error);
    });
  } finally {
    idb.close();
  }
}

async function idbPut(name: string, key: string, value: unknown): Promise<void> {
  const idb = await openIdb(name);
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = idb.transaction("kv", "readwrite");
      if (value === undefined) tx.objectStore("kv").delete(key);
      else tx.objectStore("kv").put(value, key);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    idb.close();
  }
}
