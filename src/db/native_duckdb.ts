/**
 * Native DuckDB (`@duckdb/node-api`, needs `--allow-ffi`) for the CLI: an in-memory database
 * with a memory limit and a spill folder, so that tables and queries larger than memory
 * still run (DuckDB moves blocks past the limit to the folder). The browser keeps DuckDB-WASM (`open_duckdb.ts`).
 */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

export type { DuckDBConnection as NativeConnection } from "@duckdb/node-api";

/** Options of `openNativeDuckDB`. */
export interface NativeDuckDBOptions {
  /** DuckDB's `memory_limit`, e.g. `"1GB"` or `"512MB"`. @default "400MB" */
  memoryLimit?: string;
  /**
   * Folder for the spill files; removed on `close` when it was made here.
   * @default a new folder under the system's temporary folder
   */
  tempDirectory?: string;
  /** Worker threads. @default 1 */
  threads?: number;
}

/** An open native database. */
export interface NativeDuckDB {
  conn: DuckDBConnection;
  /** Folder holding the spill files. */
  tempDirectory: string;
  /** Closes the database and removes its files. */
  close(): Promise<void>;
  /** `close`, synchronously (for an `unload` handler). */
  closeSync(): void;
}

const MEMORY = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

/**
 * Opens a native DuckDB database: the memory limit bounds DuckDB's own memory and
 * whatever does not fit goes to `tempDirectory`. Time zone is UTC and
 * extensions are never downloaded (json, parquet and icu are built in).
 */
export async function openNativeDuckDB(options: NativeDuckDBOptions = {}): Promise<NativeDuckDB> {
  const { memoryLimit = "400MB", threads = 1 } = options;
  if (!MEMORY.test(memoryLimit)) {
    throw new RangeError(
      `Memory limit "${memoryLimit}" is not a size such as "512MB" or "2GB"`,
    );
  }
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`Threads "${threads}" must be a whole number of at least 1`);
  }
  const own = options.tempDirectory === undefined;
  const dir = own
    ? await Deno.makeTempDir({ prefix: "scorebench-duckdb-" })
    : options.tempDirectory!;
  if (!own) await Deno.mkdir(dir, { recursive: true });
  // An in-memory database: past the memory limit its blocks go to the spill folder.
  const instance = await DuckDBInstance.create(":memory:", {
    memory_limit: memoryLimit,
    temp_directory: `${dir}/spill`,
    threads: String(threads),
    // Freed memory goes back to the system past 16MB instead of 128MB: with a 10M-row
    // table the process then peaks about 200MB lower.
    allocator_flush_threshold: "16MB",
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  const conn = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");
  // Tables go to a compressed in-memory database: once checkpointed (`compactTables`), a
  // 10M-row events table takes about a quarter of the memory, so it stays within the limit
  // instead of being read back from the spill folder by every scan.
  await conn.run("ATTACH ':memory:' AS sb_store (COMPRESS)");
  await conn.run("USE sb_store");
  let closed = false;
  const closeSync = () => {
    if (closed) return;
    closed = true;
    conn.closeSync();
    instance.closeSync();
    try {
      Deno.removeSync(own ? dir : `${dir}/spill`, { recursive: true });
    } catch {
      // Already gone, or never made (nothing spilled).
    }
  };
  return {
    conn,
    tempDirectory: dir,
    close: () => Promise.resolve(closeSync()),
    closeSync,
  };
}

/**
 * Compresses the tables written so far (a checkpoint of the current database). A no-op for
 * a database without compression; a failure leaves the tables as they are.
 */
export async function compactTables(conn: DuckDBConnection): Promise<void> {
  try {
    await conn.run("CHECKPOINT");
  } catch {
    // Nothing to compress (e.g. a transaction is open): the tables stay uncompressed.
  }
}

/** `name` as a quoted SQL identifier. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `text` as a SQL string literal. */
export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
