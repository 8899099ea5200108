/**
 * What the workbench knows about its loaded tables, as plain data: the browser runtime
 * (`app/`) fills it, the elements (`components/`) show it. Nothing here touches the DOM.
 */
import type { LoadSummary } from "../data/mod.ts";
import type { RejectedRow, TableKind } from "../data/types.ts";
import type { FileReadOptions, WorkspaceInput } from "./workspace_file.ts";

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
  /** Who read the file: DuckDB's `read_csv`, or the project's loader (absent: the loader). */
  reader?: "duckdb" | "loader";
  /** Why the loader read it rather than DuckDB. */
  readerNote?: string | null;
  /** Milliseconds per step when DuckDB read it (`head`, `read`, `rejects`, `summary`, `strictRead`). */
  readerTimings?: Record<string, number>;
  /**
   * True while the exact duplicate rows are still being counted after the load (a table of
   * millions of rows is usable before); `summary.duplicates` and its warning follow.
   */
  countingDuplicates?: boolean;
}

/** The tables of the workspace at one moment; `version` grows with each change. */
export interface WorkspaceData {
  contacts?: LoadedTable;
  events?: LoadedTable;
  purchases?: LoadedTable;
  verification?: LoadedTable;
  version: number;
}

/** How a load goes. */
export interface LoadOptions {
  /**
   * Asked after the file is read and before its rows replace the table (`previous`, when one
   * is loaded): `false` keeps the table as it was.
   */
  confirm?: (summary: LoadSummary, previous: LoadedTable | null) => Promise<boolean>;
}

/**
 * What the file loader and the load summary need of a workspace: its tables, and reading a
 * file into one of them. The browser's `Workspace` (in `app/`) is one.
 */
export interface TableStore {
  readonly data: WorkspaceData;
  /** The file each table was read from, and how. */
  readonly inputs: ReadonlyMap<TableKind, WorkspaceInput>;
  load(
    input: WorkspaceInput & { file?: Blob },
    onProgress?: (fraction: number) => void,
    options?: LoadOptions,
  ): Promise<LoadedTable>;
  reload(
    kind: TableKind,
    options: FileReadOptions,
    onProgress?: (fraction: number) => void,
    loadOptions?: LoadOptions,
  ): Promise<LoadedTable>;
  /** The file the last load replaced, during this visit. */
  readonly replaced: WorkspaceInput | null;
  /** Reads back the file the last load replaced. */
  undoReplace(onProgress?: (fraction: number) => void): Promise<LoadedTable | null>;
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** Guesses the table of a file from its name (`events_2024.csv` -> `events`), else `null`. */
export function guessKind(fileName: string): TableKind | null {
  const name = fileName.toLowerCase();
  if (/verif|blacklist|stop/.test(name)) return "verification";
  if (/purchase|order|sale|deal/.test(name)) return "purchases";
  if (/event|activit|touch|click|visit/.test(name)) return "events";
  if (/contact|lead|client|customer|people/.test(name)) return "contacts";
  return null;
}
