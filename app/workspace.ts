/**
 * The analyst's workspace in the browser: the input files, the tables read from them (also
 * queryable in DuckDB), settings and configs. It survives a reload through IndexedDB and is
 * saved to / opened from a workspace file. Pages read it through notebook built-ins.
 */
import type { TableKind } from "../src/data/types.ts";
import * as duckdb from "@duckdb/duckdb-wasm";
import { Table as ArrowTable, tableToIPC } from "apache-arrow";
import type { BrowserConnection, BrowserDuckDB } from "./open_browser_duckdb.ts";
import { type DuckTarget, duplicatesWarning, readIntoDuckDB } from "./read_into_duckdb.ts";
import { scoreInDuckDB, type SqlScores } from "./score_in_duckdb.ts";
import type { DataWorkerClient } from "./data_worker_client.ts";
import { observeChanges } from "../src/notebook/run_notebook.ts";
import {
  type FileReadOptions,
  workspaceChunks,
  type WorkspaceInput,
  type WorkspaceSnapshot,
} from "../src/workspace/workspace_file.ts";
import { TABLE_KINDS } from "../src/tables/mod.ts";
import type {
  LoadedTable,
  LoadOptions,
  TableStore,
  WorkspaceData,
} from "../src/workspace/types.ts";
import {
  addVersion,
  type ConfigChange,
  type ConfigState,
  currentVersion,
  dataKey,
  editVersion,
  emptyConfigState,
  type FitOutcome,
  fromLegacyConfigs,
  namedConfigs,
  recordFit,
  selectVersion,
  type VersionKind,
} from "../src/workspace/config_versions.ts";
import type { ScoringConfigSpec } from "../src/config/types.ts";

export class Workspace extends EventTarget implements TableStore {
  readonly inputs = new Map<TableKind, WorkspaceInput>();
  data: WorkspaceData = { version: 0 };
  settings: Record<string, unknown> = {};
  /** The config versions and the current one. */
  versions: ConfigState = emptyConfigState();

  constructor(
    readonly worker: DataWorkerClient,
    readonly db: BrowserDuckDB,
    readonly conn: BrowserConnection,
    /** IndexedDB database name; `null` keeps nothing across reloads. */
    readonly storeName: string | null = "scorebench",
  ) {
    super();
    // The worker's tasks read the tables from DuckDB, sent when they changed.
    worker.beforeRun = () => this.syncWorker();
  }

  /** How the page's reader reaches DuckDB. */
  private get target(): DuckTarget {
    return browserTarget(this.db, this.conn);
  }

  /**
   * Reads `input` (replacing any file of the same kind) into DuckDB and saves it. DuckDB
   * reads the file itself where it can (`readIntoDuckDB`); `input.file`, the chosen file,
   * is handed over by reference, never copied whole.
   */
  async load(
    { file, ...input }: WorkspaceInput & { file?: Blob },
    onProgress?: (fraction: number) => void,
    options: LoadOptions = {},
  ): Promise<LoadedTable> {
    const blob = file ??
      (input.bytes instanceof Blob
        ? input.bytes
        : new Blob([input.bytes as Uint8Array<ArrayBuffer>]));
    const staging = `sb_staged_${input.kind}`;
    const staged = await readIntoDuckDB(
      this.target,
      input.kind,
      { name: input.name, data: blob, options: input.options },
      async (onBatch) => {
        // Batches go into DuckDB in order while the worker reads on.
        let tail = Promise.resolve();
        const result = await this.worker.loadBatches(
          input.kind,
          input.name,
          blob,
          input.options,
          (ipc, columns) => (tail = tail.then(() => onBatch(ipc, columns))),
          onProgress,
        );
        await tail;
        return result;
      },
      { table: staging, onProgress, duplicatesLater: true },
    );
    const { summary, rejects } = staged;
    const previous = this.data[input.kind] ?? null;
    if (options.confirm && !(await options.confirm(summary, previous))) {
      await this.conn.query(`DROP TABLE IF EXISTS "${staging}"`);
      throw new DOMException(
        `Not loaded: ${input.kind} stay as they were${previous ? ` (${previous.name})` : ""}`,
        "AbortError",
      );
    }
    await this.conn.query(`DROP TABLE IF EXISTS "${input.kind}"`);
    if (staged.table) {
      await this.conn.query(`ALTER TABLE "${staged.table}" RENAME TO "${input.kind}"`);
    }
    this.tableVersion[input.kind] = (this.tableVersion[input.kind] ?? 0) + 1;
    const before = this.inputs.get(input.kind);
    if (before && before !== input) this.replaced = before;
    const table: LoadedTable = {
      kind: input.kind,
      name: input.name,
      summary,
      rejects,
      reader: staged.path,
      readerNote: staged.why,
      readerTimings: staged.timings,
      countingDuplicates: staged.countDuplicates !== undefined,
    };
    if (staged.countDuplicates) this.countDuplicates(table, staged.countDuplicates);
    const kept: WorkspaceInput = { ...input, bytes: blob };
    this.inputs.set(input.kind, kept);
    // Kept for the next visit in the background: copying a file of a gigabyte into the
    // browser's storage takes seconds, and the table is usable now.
    this.keeping = this.keeping.then(() => this.persistInput(kept, blob)).then(
      () => this.persist(),
      (err) => {
        // Only keeping it for the next visit failed (a file of hundreds of megabytes can be
        // over the browser's storage quota).
        summary.warnings.push(
          `Not kept in this browser's storage (${
            (err as Error).message || (err as Error).name
          }): after a reload, load the file again`,
        );
        this.data = { ...this.data };
        this.dispatchEvent(new Event("data"));
      },
    );
    this.data = { ...this.data, [input.kind]: table, version: this.data.version + 1 };
    await this.persist();
    this.dispatchEvent(new Event("data"));
    return table;
  }

  /**
   * Counts `table`'s exact duplicate rows after its load (a hash of every row: seconds at 10M
   * rows, so the table is in use first) and puts them in its summary, unless a newer load of
   * the kind replaced it. `duplicatesCounted()` waits for it.
   */
  private countDuplicates(table: LoadedTable, count: (name: string) => Promise<number>): void {
    const done = count(table.kind).then((n) => {
      if (n) {
        table.summary.duplicates = n;
        table.summary.warnings.push(duplicatesWarning(n));
      }
    }, (err) => {
      table.summary.warnings.push(
        `Duplicate rows not counted (${(err as Error).message ?? err})`,
      );
    }).then(() => {
      table.countingDuplicates = false;
      if (this.data[table.kind] !== table) return;
      this.data = { ...this.data };
      this.dispatchEvent(new Event("data"));
    });
    this.counting = this.counting.then(() => done);
  }

  private counting: Promise<void> = Promise.resolve();

  /** Resolves once the duplicate rows of every load so far are counted. */
  duplicatesCounted(): Promise<void> {
    return this.counting;
  }

  /**
   * Scores every contact at `asOf` with the compiled SQL in DuckDB, where the tables are:
   * equal to the engine, answered as columns (see `scoreInDuckDB`).
   */
  scoreWithSql(spec: ScoringConfigSpec, asOf: number): Promise<SqlScores> {
    return scoreInDuckDB({ arrow: (sql) => this.conn.query(sql) }, spec, asOf);
  }

  /** The input files being written to the browser's storage, in order. */
  private keeping: Promise<void> = Promise.resolve();

  /** Resolves once every loaded file is kept in the browser's storage (or failed to be). */
  kept(): Promise<void> {
    return this.keeping;
  }

  /** Each table's version: it grows when the table changes. */
  private tableVersion: Partial<Record<TableKind, number>> = {};
  /** The version of each table the data worker holds. */
  private sentVersion: Partial<Record<TableKind, number>> = {};
  private syncing: Promise<void> = Promise.resolve();

  /**
   * Sends the data worker the tables that changed since it last had them, read from DuckDB
   * batch by batch (the worker's tasks are fed from the one store). The client calls it
   * before each task.
   */
  syncWorker(): Promise<void> {
    this.syncing = this.syncing.catch(() => {}).then(async () => {
      for (const kind of TABLE_KINDS) {
        const version = this.tableVersion[kind] ?? 0;
        if ((this.sentVersion[kind] ?? 0) === version) continue;
        if (!this.data[kind]) await this.worker.setTable(kind, null);
        else {
          // Scanned in table order, which is `seq` order (the tables are written in it), and
          // sent in parts of about 32 MB: the page never holds the table's copy whole.
          const reader = await this.conn.send(`SELECT * FROM "${kind}"`);
          let part: Uint8Array[] = [];
          let bytes = 0;
          let append = false;
          for await (const batch of reader) {
            const ipc = tableToIPC(new ArrowTable(batch), "stream");
            part.push(ipc);
            bytes += ipc.length;
            if (bytes >= 32 << 20) {
              await this.worker.setTable(kind, part, append);
              append = true;
              part = [];
              bytes = 0;
            }
          }
          await this.worker.setTable(kind, part, append);
        }
        this.sentVersion[kind] = version;
      }
    });
    return this.syncing;
  }

  /** Reads the same file again with other options (e.g. a new column mapping). */
  reload(
    kind: TableKind,
    options: FileReadOptions,
    onProgress?: (f: number) => void,
    loadOptions?: LoadOptions,
  ) {
    const input = this.inputs.get(kind);
    if (!input) throw new RangeError(`Cannot reload "${kind}": no file is loaded for it`);
    return this.load({ ...input, options }, onProgress, loadOptions);
  }

  /** The file a load replaced last, during this visit; `undoReplace` reads it back. */
  replaced: WorkspaceInput | null = null;

  /** Reads back the file the last load replaced. */
  async undoReplace(onProgress?: (f: number) => void): Promise<LoadedTable | null> {
    const input = this.replaced;
    if (!input) return null;
    this.replaced = null;
    const table = await this.load(input, onProgress);
    this.replaced = null;
    return table;
  }

  async remove(kind: TableKind): Promise<void> {
    this.inputs.delete(kind);
    const { [kind]: _gone, ...rest } = this.data;
    this.data = { ...rest, version: this.data.version + 1 };
    await this.conn.query(`DROP TABLE IF EXISTS "${kind}"`);
    this.tableVersion[kind] = (this.tableVersion[kind] ?? 0) + 1;
    this.storedKinds.delete(kind);
    if (this.storeName) await idbPut(this.storeName, inputKey(kind), undefined);
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

  /** The configs by the names earlier pages used: current, calibrated, production. */
  get configs(): Record<string, ScoringConfigSpec> {
    return namedConfigs(this.versions);
  }

  /** The current config, or `null` before any. */
  get currentConfig(): ScoringConfigSpec | null {
    return currentVersion(this.versions)?.spec ?? null;
  }

  /** Key of the loaded tables, to tell a config fitted on other data. */
  get dataKey(): string {
    const { version: _v, ...tables } = this.data;
    return dataKey(tables);
  }

  private setVersions(state: ConfigState): Promise<void> {
    if (state === this.versions) return Promise.resolve();
    this.versions = state;
    this.dispatchEvent(new CustomEvent("config"));
    return this.persist();
  }

  /**
   * Stores a config as a new version. `"production"` adds a baseline and leaves the current
   * version as it is; any other name adds a version that becomes current.
   */
  setConfig(name: string, spec: unknown, kind?: VersionKind): Promise<void> {
    const baseline = name === "production" || kind === "baseline";
    const prior = this.versions.current;
    const { state } = addVersion(this.versions, {
      kind: kind ?? (baseline ? "baseline" : "imported"),
      name: baseline && name === "production" ? "Production config" : name,
      spec: spec as ScoringConfigSpec,
    });
    return this.setVersions(baseline ? { ...state, current: prior ?? state.current } : state);
  }

  /** Records a calibration's config (see `recordFit`); a new fit becomes current. */
  async recordFit(
    spec: ScoringConfigSpec,
    meta: { name: string; settings?: unknown },
  ): Promise<FitOutcome> {
    const outcome = recordFit(this.versions, spec, { ...meta, dataKey: this.dataKey });
    await this.setVersions(outcome.state);
    return outcome;
  }

  /** Applies `change` to the current version (or to `base`'s line, see `editVersion`). */
  editConfig(change: ConfigChange, base?: string): Promise<void> {
    return this.setVersions(editVersion(this.versions, change, { base }));
  }

  selectConfig(id: string): Promise<void> {
    return this.setVersions(selectVersion(this.versions, id));
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

  /**
   * The workspace file (`workspaceChunks`) as a Blob, written a chunk at a time: the
   * browser keeps a large Blob on disk, and the files' text is never held whole.
   */
  async fileBlob(): Promise<Blob> {
    // Each chunk becomes a Blob of its own as it is made: the browser moves it out of the
    // page (to disk when large), and the whole file is a Blob of Blobs, never copied whole.
    // A Blob from `new Response(stream)` gathers the stream in the page first.
    const parts: Blob[] = [];
    await this.writeFile({ write: (bytes) => void parts.push(new Blob([bytes])) });
    return new Blob(parts, { type: "application/json" });
  }

  /**
   * Writes the workspace file (`workspaceChunks`) to `sink` a chunk at a time, waiting for each
   * write: a file chosen with `showSaveFilePicker` (or any `FileSystemWritableFileStream`) gets
   * the file without it ever being held in the page. The caller closes the sink.
   */
  async writeFile(sink: { write(bytes: Uint8Array<ArrayBuffer>): unknown }): Promise<void> {
    const encoder = new TextEncoder();
    for await (const chunk of workspaceChunks(this.snapshot())) {
      await sink.write(encoder.encode(chunk));
    }
  }

  snapshot(): WorkspaceSnapshot {
    return {
      inputs: [...this.inputs.values()],
      settings: this.settings,
      configs: this.configs,
      versions: this.versions,
    };
  }

  /** Replaces everything with `snapshot`, reading its files again. */
  async restore(snapshot: WorkspaceSnapshot, onProgress?: (name: string, f: number) => void) {
    for (const kind of [...this.inputs.keys()]) await this.remove(kind);
    this.settings = { ...snapshot.settings };
    this.versions = snapshot.versions ?? fromLegacyConfigs(snapshot.configs);
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
    const saved = await idbGet<StoredWorkspace | WorkspaceSnapshot>(this.storeName, "workspace");
    if (!saved) return null;
    if ("inputs" in saved) return saved; // saved whole by an earlier version
    const inputs: WorkspaceInput[] = [];
    for (const kind of saved.kinds) {
      const input = await idbGet<StoredInput>(this.storeName, inputKey(kind));
      // The stored Blob is handed on as it is: a file of a gigabyte is not read into memory.
      if (input) inputs.push(input);
    }
    return {
      inputs,
      settings: saved.settings,
      configs: saved.configs ?? {},
      versions: saved.versions,
    };
  }

  async clearStored(): Promise<void> {
    if (!this.storeName) return;
    await idbPut(this.storeName, "workspace", undefined);
    for (const kind of TABLE_KINDS) await idbPut(this.storeName, inputKey(kind), undefined);
    this.storedKinds.clear();
  }

  /** Input files kept in IndexedDB, each under its own key. */
  private storedKinds = new Set<TableKind>();

  /**
   * Keeps one input file for the next visit. Files are stored apart from settings, so a
   * threshold move saves a few bytes, not every file again.
   */
  private async persistInput(input: WorkspaceInput, blob: Blob): Promise<void> {
    if (!this.storeName) return;
    this.storedKinds.delete(input.kind);
    const stored: StoredInput = { ...input, bytes: blob };
    await idbPut(this.storeName, inputKey(input.kind), stored);
    this.storedKinds.add(input.kind);
  }

  private persist(): Promise<void> {
    if (!this.storeName) return Promise.resolve();
    const saved: StoredWorkspace = {
      kinds: [...this.storedKinds],
      settings: this.settings,
      versions: this.versions,
    };
    return idbPut(this.storeName, "workspace", saved);
  }
}

/** What IndexedDB holds under "workspace"; the files are under `inputKey(kind)`. */
interface StoredWorkspace {
  kinds: TableKind[];
  settings: Record<string, unknown>;
  /** Kept by earlier versions, before config versions. */
  configs?: Record<string, unknown>;
  versions?: ConfigState;
}

/** DuckDB-WASM as `readIntoDuckDB` uses it: a `Blob` is registered by reference. */
function browserTarget(db: BrowserDuckDB, conn: BrowserConnection): DuckTarget {
  return {
    async query(sql) {
      const table = await conn.query(sql);
      return table.toArray().map((r) => {
        const row = r.toJSON() as Record<string, unknown>;
        for (const k in row) if (typeof row[k] === "bigint") row[k] = Number(row[k]);
        return row;
      });
    },
    registerFile: (name, data) =>
      data instanceof Blob
        ? db.registerFileHandle(name, data, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true)
        : db.registerFileBuffer(name, data.slice()),
    dropFile: async (name) => {
      await db.dropFile(name);
    },
    insertArrow: (ipc, table, append) =>
      conn.insertArrowFromIPCStream(ipc, { name: table, create: !append }),
  };
}

/** An input file as IndexedDB holds it: the bytes as a `Blob`. */
type StoredInput = Omit<WorkspaceInput, "bytes"> & { bytes: Blob };

function inputKey(kind: TableKind): string {
  return `input:${kind}`;
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
      // Over the quota the transaction aborts without an error event: without this the
      // promise would never settle and the page would wait forever.
      tx.onabort = () => reject(tx.error ?? new DOMException("Storage aborted", "AbortError"));
    });
  } finally {
    idb.close();
  }
}
