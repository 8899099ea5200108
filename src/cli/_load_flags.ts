/**
 * Input-loading flags shared by every command (`--map-events ts=Date,...`, `--sheet`,
 * `--timezone`, `--default-country`, `--rejects F`) and `loadFromFlags`, which loads one
 * input file with them, prints its summary line to stderr and writes rejected rows.
 */
import { TABLE_KINDS } from "../tables/mod.ts";
import type { FlagSpec, ParsedFlags } from "./_args.ts";
import { UsageError } from "./_args.ts";
import { formatLoadSummary, loadTable, rejectsToCsv, TABLE_COLUMNS } from "../data/mod.ts";
import type { LoadOptions, LoadResult, RejectedRow, RowTypes, TableKind } from "../data/mod.ts";
import type { OutputFile, OutputPath } from "./_io.ts";
import { type NativeDuckDB, openNativeDuckDB } from "../db/native_duckdb.ts";
import { type NativeTable, readTableNative, tableRows } from "../db/read_table_native.ts";

const KINDS = TABLE_KINDS;

/** Flag table to spread into a command's own flags. */
export const LOAD_FLAGS: Record<string, FlagSpec> = {
  ...Object.fromEntries(KINDS.map((kind) => [
    `map-${kind}`,
    {
      help: `Column mapping for the ${kind} file, canonical=column[,canonical=column...] (${
        [...TABLE_COLUMNS[kind].required, ...TABLE_COLUMNS[kind].optional].join(", ")
      }); may repeat`,
      multiple: true,
    } satisfies FlagSpec,
  ])),
  sheet: { help: "Sheet of XLSX/XLS inputs: a name or a 1-based position (default: the first)" },
  timezone: {
    help: "IANA time zone for timestamps without an offset, e.g. Europe/Moscow (default: UTC)",
  },
  "default-country": {
    help: "Country calling code for phone numbers written without one (default: 7)",
  },
  "date-order": { help: "How to read 01/02/2024 when the data does not decide: dmy or mdy" },
  "row-ids": {
    help: "Contacts without a contact_id column: use each row's number in the file as its id",
    boolean: true,
  },
  rejects: {
    help: "Write every rejected input row (file,row,column,value,reason) to this CSV",
  },
};

/**
 * `["ts=Date,contact_id=Client ID"]` -> `{ ts: "Date", contact_id: "Client ID" }`.
 * Throws `UsageError` naming the flag for a malformed pair or an unknown canonical column.
 */
export function parseMapping(
  kind: TableKind,
  values: string[] | string | undefined,
): Record<string, string> {
  const list = values === undefined ? [] : Array.isArray(values) ? values : [values];
  const canonical = [...TABLE_COLUMNS[kind].required, ...TABLE_COLUMNS[kind].optional];
  const out: Record<string, string> = {};
  for (const value of list) {
    for (const pair of value.split(",")) {
      if (pair.trim() === "") continue;
      const eq = pair.indexOf("=");
      const key = eq === -1 ? "" : pair.slice(0, eq).trim();
      const column = eq === -1 ? "" : pair.slice(eq + 1).trim();
      if (!key || !column) {
        throw new UsageError(
          `--map-${kind}: "${pair}" is not canonical=column (e.g. --map-${kind} contact_id="Client ID")`,
        );
      }
      if (!canonical.includes(key)) {
        throw new UsageError(
          `--map-${kind}: "${key}" is not a ${kind} column (expected one of ${
            canonical.join(", ")
          })`,
        );
      }
      out[key] = column;
    }
  }
  return out;
}

/** `LoadOptions` from parsed flags (without `onRow`). Throws `UsageError` for a bad value. */
export function loadOptionsFromFlags(kind: TableKind, flags: ParsedFlags): LoadOptions {
  const options: LoadOptions = {
    mapping: parseMapping(kind, flags[`map-${kind}`] as string[] | string | undefined),
  };
  if (typeof flags.sheet === "string") options.sheet = flags.sheet;
  if (typeof flags.timezone === "string") options.timezone = flags.timezone;
  if (typeof flags["default-country"] === "string") {
    options.defaultCountry = flags["default-country"].replace(/^\+/, "");
  }
  if (flags["row-ids"] === true && kind === "contacts") options.rowIds = true;
  const order = flags["date-order"];
  if (typeof order === "string") {
    if (order !== "dmy" && order !== "mdy") {
      throw new UsageError(`--date-order: "${order}" is not dmy or mdy`);
    }
    options.dateOrder = order;
  }
  return options;
}

/** Flags of the commands that read their inputs through native DuckDB. */
export const DUCKDB_FLAGS: Record<string, FlagSpec> = {
  reader: {
    help:
      "How input files are read: duckdb (native DuckDB; a file it cannot read as the contract requires goes to the built-in loader, and the summary says which) or loader (default duckdb)",
  },
  "memory-limit": {
    help:
      "DuckDB's memory limit, e.g. 512MB or 2GB; past it DuckDB spills to --temp-dir (default 400MB)",
  },
  "temp-dir": {
    help:
      "Folder for DuckDB's spill files (default: a new folder under the system's temporary folder)",
  },
};

/** Which reader the flags ask for. Throws `UsageError` for another value. */
export function readerOf(flags: ParsedFlags): "duckdb" | "loader" {
  const reader = flags.reader ?? "duckdb";
  if (reader !== "duckdb" && reader !== "loader") {
    throw new UsageError(`--reader: "${reader}" is not duckdb or loader`);
  }
  return reader;
}

let session: Promise<NativeDuckDB> | null = null;

/** The process's native DuckDB database, opened on first use with the DuckDB flags. */
export function nativeSession(flags: ParsedFlags): Promise<NativeDuckDB> {
  if (session === null) {
    session = openNativeDuckDB({
      memoryLimit: typeof flags["memory-limit"] === "string" ? flags["memory-limit"] : undefined,
      tempDirectory: typeof flags["temp-dir"] === "string" ? flags["temp-dir"] : undefined,
    }).then((db) => {
      // A command that stops on an error still leaves no spill folder behind.
      globalThis.addEventListener("unload", () => db.closeSync());
      return db;
    }).catch((err) => {
      session = null;
      if (err instanceof RangeError) throw new UsageError(err.message);
      throw err;
    });
  }
  return session;
}

/**
 * DuckDB's out-of-memory error as a `UsageError` that names what was being done and the
 * flag to change; any other error as it is.
 */
export function outOfMemory(err: unknown, doing: string, flags: ParsedFlags): unknown {
  if (!/Out of Memory/i.test(String((err as Error)?.message ?? err))) return err;
  const limit = typeof flags["memory-limit"] === "string" ? flags["memory-limit"] : "400MB";
  return new UsageError(
    `DuckDB ran out of memory ${doing} with --memory-limit ${limit}: give it more (e.g. --memory-limit 2GB) (${
      String((err as Error).message).split("\n")[0]
    })`,
  );
}

/** Closes the native database (and removes its spill folder), if one was opened. */
export async function closeNativeSession(): Promise<void> {
  const open = session;
  session = null;
  if (open) await (await open).close();
}

// Rejects of every file loaded in this process, per --rejects path: a command loading
// contacts, events and purchases writes all of them, with its other outputs, at its end.
const rejectsByPath = new Map<string, RejectedRow[]>();

/** The input files among `flags` (flag -> path), which no output may overwrite. */
export function inputsOf(flags: ParsedFlags): Record<string, string> {
  const out: Record<string, string> = {};
  for (
    const flag of [
      "config",
      "candidate",
      "events",
      "contacts",
      "purchases",
      "verification",
      "scores",
    ]
  ) {
    if (typeof flags[flag] === "string") out[flag] = flags[flag] as string;
  }
  return out;
}

/** The `--rejects` output to check before any work, when the flag is given. */
export function rejectsOutput(flags: ParsedFlags): OutputPath[] {
  return typeof flags.rejects === "string" ? [{ flag: "rejects", path: flags.rejects }] : [];
}

/**
 * The `--rejects` file of every load so far, to write with the command's other outputs
 * (`writeOutputs`), when the flag is given.
 */
export function rejectsFile(flags: ParsedFlags): OutputFile[] {
  if (typeof flags.rejects !== "string") return [];
  return [{ path: flags.rejects, data: rejectsToCsv(rejectsByPath.get(flags.rejects) ?? []) }];
}

export interface LoadFromFlagsOptions<R> {
  /** Streaming: each good row is handed over and not kept. @default undefined */
  onRow?: (row: R) => void;
  /** Progress on stderr for inputs over this many bytes. @default 20_000_000 */
  progressBytes?: number;
  /**
   * `duckdb`: the file is read into native DuckDB (`readTableNative`) and its rows read
   * back; `loader`: the built-in loader alone.
   * @default "loader"
   */
  reader?: "duckdb" | "loader";
}

function reportLoad(
  summary: LoadResult<unknown>["summary"],
  rejects: RejectedRow[],
  flags: ParsedFlags,
  how: string | null,
): void {
  console.error(formatLoadSummary(summary) + (how === null ? "" : `; ${how}`));
  for (const w of summary.warnings) console.error(`  warning: ${w}`);
  const rejectsPath = flags.rejects;
  if (typeof rejectsPath === "string") {
    const all = rejectsByPath.get(rejectsPath) ?? [];
    all.push(...rejects);
    rejectsByPath.set(rejectsPath, all);
    if (rejects.length) {
      console.error(`  ${rejects.length} rejected row(s) go to ${rejectsPath}`);
    }
  } else if (rejects.length) {
    const first = rejects[0];
    console.error(
      `  first rejected: row ${first.row}${
        first.column ? `, column "${first.column}"` : ""
      }: ${first.reason} (write them all with --rejects FILE)`,
    );
  }
}

/** How a file was read, for its summary line. */
export function readPathText(table: NativeTable): string {
  switch (table.path) {
    case "duckdb":
      return "read by DuckDB";
    case "duckdb+rows":
      return `read by DuckDB, rows checked by the loader's rules (${table.why})`;
    case "loader":
      return `read by the built-in loader: ${table.why}`;
  }
}

/**
 * Reads `path` as table `kind` into the process's native DuckDB (view named `kind`),
 * prints its summary line saying which path it took, and keeps rejects for `--rejects`.
 */
export async function loadIntoDuckDB(
  kind: TableKind,
  path: string,
  flags: ParsedFlags,
): Promise<NativeTable> {
  const loadOptions = loadOptionsFromFlags(kind, flags);
  const db = await nativeSession(flags);
  let table: NativeTable;
  try {
    table = await readTableNative(db.conn, kind, path, loadOptions);
  } catch (err) {
    if (err instanceof RangeError || err instanceof TypeError) throw new UsageError(err.message);
    throw outOfMemory(err, `reading "${path}"`, flags);
  }
  reportLoad(table.summary, table.rejects, flags, readPathText(table));
  return table;
}

/**
 * Loads `path` as table `kind` with the shared flags, prints the one-line summary (and
 * each warning) to stderr, keeps rejects for `--rejects` (see `rejectsFile`), and returns the
 * result. Throws `LoadError` for a whole-file failure and `UsageError` for a bad flag.
 */
export async function loadFromFlags<K extends TableKind>(
  kind: K,
  path: string,
  flags: ParsedFlags,
  options: LoadFromFlagsOptions<RowTypes[K]> = {},
): Promise<LoadResult<RowTypes[K]>> {
  const { onRow, progressBytes = 20_000_000, reader = "loader" } = options;
  if (reader === "duckdb") {
    const table = await loadIntoDuckDB(kind, path, flags);
    const db = await nativeSession(flags);
    const rows = await tableRows(db.conn, kind, table.table, { onRow });
    const summary = { ...table.summary };
    if (!onRow) {
      summary.contactIds = new Set();
      for (const r of rows as { contact_id?: unknown }[]) {
        if (typeof r.contact_id === "string") summary.contactIds.add(r.contact_id);
      }
    }
    return { rows, rejects: table.rejects, summary };
  }
  const loadOptions = loadOptionsFromFlags(kind, flags) as LoadOptions<RowTypes[K]>;
  if (onRow) loadOptions.onRow = onRow;
  let size = 0;
  try {
    size = (await Deno.stat(path)).size;
  } catch {
    // loadTable reports a missing file with the right message.
  }
  let lastShown = -1;
  if (size > progressBytes && Deno.stderr.isTerminal()) {
    loadOptions.onProgress = (f) => {
      const pct = Math.floor(f * 100);
      if (pct >= lastShown + 5) {
        lastShown = pct;
        Deno.stderr.writeSync(new TextEncoder().encode(`\rLoading ${path}: ${pct}%`));
      }
    };
  }
  let result: LoadResult<RowTypes[K]>;
  try {
    result = await loadTable(kind, path, loadOptions);
  } catch (err) {
    if (err instanceof RangeError || err instanceof TypeError) throw new UsageError(err.message);
    throw err;
  } finally {
    if (lastShown >= 0) Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[K"));
  }
  reportLoad(result.summary, result.rejects, flags, null);
  return result;
}
