/**
 * One input file into a DuckDB table of the one table policy, DuckDB being the page's one
 * store. Events and purchases in UTF-8 CSV are handed to DuckDB as they are (the file is
 * registered, never copied whole into JavaScript) and read by `read_csv` with the SQL of
 * `csvTableSql`; what DuckDB refuses or cannot read as the contract requires goes back to
 * the project's loader:
 *
 * - before the file is read, its first 256 KiB are read both ways and must agree row for
 *   row and reject for reject;
 * - each row DuckDB refused (its reject table) is read by the loader: the loader's reject
 *   is reported, and a row the loader would keep sends the file to the loader;
 * - each cell DuckDB did not read (a time in another shape, `1 234,5`) is judged by the
 *   loader's own reader: a value it reads sends the file to the loader, else it is the
 *   loader's reject.
 *
 * Everything else (contacts and verification, other encodings, day-first dates, XLSX, JSON,
 * options such as a time zone) is read by the loader in the data worker and streamed into
 * DuckDB in Arrow batches (`loadInBatches`). Parquet is refused: DuckDB-WASM reads it only
 * with its parquet extension, which cannot be fetched offline.
 */
import { detectFormat, type LoadSummary, loadTable, type RejectedRow } from "../src/data/mod.ts";
import type { TableKind } from "../src/data/types.ts";
import { mapColumns } from "../src/data/map_columns.ts";
import { parseCsv, sniffDelimiter } from "../src/data/csv_reader.ts";
import { readNumber } from "../src/data/mod.ts";
import { AMBIGUOUS, type DateOrderState, readTimestamp } from "../src/data/parse_timestamp.ts";
import {
  csvTableSql,
  extraColumnSql,
  extrasNumericSql,
  JUDGE_NUMBER,
  JUDGE_TIME,
  PROBLEM_SEPARATOR,
  sqlName,
  sqlString,
} from "../src/db/read_csv_sql.ts";
import { duckdbColumns, ORDER_COLUMN, TABLE_SCHEMAS } from "../src/tables/mod.ts";
import type { FileReadOptions } from "../src/workspace/workspace_file.ts";
import { type BatchedLoad, ITEM_SEPARATOR, LIST_MARK } from "./worker/load_batches.ts";

/** What the reader needs of a DuckDB connection (the page's, or the blocking one in tests). */
export interface DuckTarget {
  /** Runs `sql`; rows as plain objects (timestamps as epoch ms, integers as numbers). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Makes `data` readable as file `name`, by reference when it is a `Blob`. */
  registerFile(name: string, data: Blob | Uint8Array): Promise<void>;
  dropFile(name: string): Promise<void>;
  /** Creates table `table` from an Arrow IPC stream, or appends to it (same columns, in order). */
  insertArrow(ipc: Uint8Array, table: string, append?: boolean): Promise<void>;
}

/** Reads the file with the loader, calling `onBatch` with each batch of rows in order. */
export type LoaderRead = (
  onBatch: (ipc: Uint8Array, columns: number) => Promise<void>,
) => Promise<BatchedLoad>;

/** How a file was read: by DuckDB's `read_csv`, or by the project's loader. */
export type ReadPath = "duckdb" | "loader";

/** A file read into a DuckDB table that is not yet in force. */
export interface StagedTable {
  /** The table holding the rows (rename it to put it in force; `null` when no row loaded). */
  table: string | null;
  summary: LoadSummary;
  rejects: RejectedRow[];
  path: ReadPath;
  /** Why the file took the loader's path (`null` for DuckDB's). */
  why: string | null;
  /** Milliseconds per step of DuckDB's path (`head`, `read`, `rejects`, `summary`; `strictRead`, the read without reject tables that failed first, when there was one). */
  timings?: Record<string, number>;
  /**
   * With `duplicatesLater`, on DuckDB's path: counts the exact duplicate rows of the table
   * (named as it is then); `summary.duplicates` is 0 until the caller sets it.
   */
  countDuplicates?: (table: string) => Promise<number>;
}

/** Options of `readIntoDuckDB`. */
export interface ReadIntoDuckDBOptions {
  /** The staging table's name. @default `sb_staged_<kind>` */
  table?: string;
  onProgress?: (fraction: number) => void;
  /** Bytes read twice (DuckDB and loader) to check they agree. @default 262144 */
  headBytes?: number;
  /**
   * Leave the count of exact duplicate rows (a hash of every row of the table: the dearest
   * part of the summary) to `StagedTable.countDuplicates`, for after the table is in use.
   * @default false
   */
  duplicatesLater?: boolean;
}

let counter = 0;

/** Why the file cannot take DuckDB's path, before anything is read, or `null`. */
function obstacle(kind: TableKind, name: string, options: FileReadOptions): string | null {
  if (kind !== "events" && kind !== "purchases") {
    return `${kind}: phones, e-mails, genders, lists and duplicate ids are the loader's rules`;
  }
  if (options.timezone && options.timezone !== "UTC") {
    return `times are read in ${options.timezone}`;
  }
  if (options.rowIds) return "row numbers are used as ids";
  if (/\.(json|ndjson|jsonl)$/i.test(name)) {
    return "JSON: DuckDB-WASM reads JSON only with its json extension, which cannot be fetched offline";
  }
  return null;
}

/**
 * Reads `data` as table `kind` into a staging table (see the module doc for the two paths).
 * Throws what the loader throws for a whole-file failure (a missing column, an empty file,
 * Parquet).
 */
export async function readIntoDuckDB(
  target: DuckTarget,
  kind: TableKind,
  input: { name: string; data: Blob | Uint8Array; options: FileReadOptions },
  viaLoader: LoaderRead,
  options: ReadIntoDuckDBOptions = {},
): Promise<StagedTable> {
  const {
    table = `sb_staged_${kind}`,
    onProgress,
    headBytes = 262_144,
    duplicatesLater = false,
  } = options;
  const blob = input.data instanceof Blob
    ? input.data
    : new Blob([input.data as Uint8Array<ArrayBuffer>]);
  let why = obstacle(kind, input.name, input.options);
  if (why === null) {
    const read = await readCsvWithDuckDB(target, kind, input.name, blob, input.options, table, {
      headBytes,
      onProgress,
      duplicatesLater,
    });
    if (typeof read !== "string") return read;
    why = read;
  }
  return await readWithLoader(target, viaLoader, table, why);
}

/** The loader's path: its batches appended to `table`, extras typed at the end. */
async function readWithLoader(
  target: DuckTarget,
  viaLoader: LoaderRead,
  table: string,
  why: string,
): Promise<StagedTable> {
  const t = sqlName(table);
  await target.query(`DROP TABLE IF EXISTS ${t}`);
  let created = false;
  let columns = new Set<string>();
  const batchTable = `${table}_batch`;
  const loaded = await viaLoader(async (ipc, count) => {
    if (created && count === columns.size) return await target.insertArrow(ipc, table, true);
    if (!created) {
      await target.insertArrow(ipc, table);
      created = true;
      columns = new Set(await columnNames(target, table));
      return;
    }
    await target.insertArrow(ipc, batchTable);
    for (const c of await columnNames(target, batchTable)) {
      if (!columns.has(c)) {
        await target.query(`ALTER TABLE ${t} ADD COLUMN ${sqlName(c)} VARCHAR`);
        columns.add(c);
      }
    }
    await target.query(
      `INSERT INTO ${t} BY NAME SELECT * FROM ${sqlName(batchTable)}; DROP TABLE ${
        sqlName(batchTable)
      }`,
    );
  });
  if (created) {
    for (const e of loaded.extras) {
      const c = sqlName(e.name);
      const mark = sqlString(LIST_MARK), sep = sqlString(ITEM_SEPARATOR);
      if (e.type === "DOUBLE") {
        await target.query(`ALTER TABLE ${t} ALTER ${c} TYPE DOUBLE USING CAST(${c} AS DOUBLE)`);
      } else if (e.type === "BOOLEAN") {
        await target.query(`ALTER TABLE ${t} ALTER ${c} TYPE BOOLEAN USING ${c} = 'true'`);
      } else if (e.type === "VARCHAR[]") {
        await target.query(
          `ALTER TABLE ${t} ALTER ${c} TYPE VARCHAR[] USING CASE WHEN ${c} = ${mark} THEN []::VARCHAR[] ELSE string_split(${c}[2:], ${sep}) END`,
        );
      } else if (e.lists) {
        await target.query(
          `UPDATE ${t} SET ${c} = replace(${c}[2:], ${sep}, ';') WHERE starts_with(${c}, ${mark})`,
        );
      }
    }
  }
  return {
    table: created ? table : null,
    summary: loaded.summary,
    rejects: loaded.rejects,
    path: "loader",
    why,
  };
}

async function columnNames(target: DuckTarget, table: string): Promise<string[]> {
  const rows = await target.query(
    `SELECT column_name FROM information_schema.columns WHERE table_name = ${
      sqlString(table)
    } ORDER BY ordinal_position`,
  );
  return rows.map((r) => String(r.column_name));
}

function preview(value: string): string {
  return value.length > 120 ? value.slice(0, 120) + "…" : value;
}

/** The bytes cut after their last line break (all of them when the file is that small). */
function wholeLines(head: Uint8Array, complete: boolean): Uint8Array {
  if (complete) return head;
  const cut = head.lastIndexOf(0x0a);
  return cut < 0 ? head.subarray(0, 0) : head.subarray(0, cut + 1);
}

/** Warnings of a load that do not stop DuckDB's path: the mapping's, and repeated rows. */
const HARMLESS = /repeat an earlier row exactly|is named like a spreadsheet/;

interface CsvRun {
  header: string[];
  index: Record<string, number>;
  delimiter: string;
  mappingNames: Record<string, string>;
  warnings: string[];
  columns: string[];
  mapping?: Record<string, string>;
}

/** DuckDB's path; a string says why the file must take the loader's instead. */
async function readCsvWithDuckDB(
  target: DuckTarget,
  kind: TableKind,
  name: string,
  blob: Blob,
  options: FileReadOptions,
  table: string,
  { headBytes, onProgress, duplicatesLater }: {
    headBytes: number;
    onProgress?: (f: number) => void;
    duplicatesLater: boolean;
  },
): Promise<StagedTable | string> {
  const t0 = performance.now();
  const head = new Uint8Array(await blob.slice(0, headBytes).arrayBuffer());
  if (head.length === 0) return "the file is empty";
  const format = detectFormat(name, head.subarray(0, 4096));
  if (format !== "csv") {
    return format === "parquet"
      ? "Parquet: DuckDB-WASM reads it only with its parquet extension, which cannot be fetched offline"
      : format === "json" || format === "ndjson"
      ? "JSON: DuckDB-WASM reads JSON only with its json extension, which cannot be fetched offline"
      : `${format.toUpperCase()} file`;
  }
  const complete = blob.size <= headBytes;
  const lines = wholeLines(head, complete);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(lines);
  } catch {
    return "the file is not UTF-8 (cp1251?)";
  }
  if (text.charCodeAt(0) === 0xfeff) return "the file starts with a byte order mark";
  if (/^\s*\r?\n/.test(text)) return "the header is not in row 1";
  const delimiter = /\.tsv$/i.test(name) ? "\t" : sniffDelimiter(text.slice(0, 65_536));
  const firstBreak = text.indexOf("\n");
  const headerFields = parseCsv(firstBreak < 0 ? text : text.slice(0, firstBreak + 1), {
    delimiter,
    encoding: "utf-8",
  })[0]?.fields;
  if (!headerFields) return "the header is unreadable";
  const header = headerFields.map((h) => h.trim());
  if (header.some((h) => h === "")) return "a column has no header name";
  let mapped;
  try {
    mapped = mapColumns(kind, header, name, options.mapping ?? {}, false);
  } catch (err) {
    return `the header needs the loader (${(err as Error).message})`;
  }
  if (mapped.timeIndex !== undefined) return "date and time are in separate columns";
  // The loader's reading of the head, to compare.
  let expected;
  try {
    expected = await loadTable(kind, { name, bytes: lines }, {
      mapping: options.mapping,
      delimiter,
      collectContactIds: false,
    });
  } catch (err) {
    return `the loader could not read the first rows (${(err as Error).message})`;
  }
  const odd = expected.summary.warnings.filter((w) =>
    !mapped.warnings.includes(w) && !HARMLESS.test(w)
  );
  if (odd.length) return odd[0];
  const run: CsvRun = {
    header,
    index: mapped.index,
    delimiter,
    mappingNames: mapped.names,
    warnings: mapped.warnings,
    columns: headerFields,
    mapping: options.mapping,
  };
  onProgress?.(0.02);
  if (!complete) {
    const headName = `sb_head_${++counter}_${name}`;
    await target.registerFile(headName, lines);
    try {
      const got = await readCsv(target, kind, name, headName, run, `${table}_head`, false);
      if (typeof got === "string") return got;
      const differs = await compareWithLoader(target, kind, got, expected, false);
      await target.query(`DROP TABLE IF EXISTS ${sqlName(`${table}_head`)}`);
      if (differs) return differs;
    } finally {
      await target.dropFile(headName);
    }
  }
  onProgress?.(0.05);
  const headMs = performance.now() - t0;
  const fileName = `sb_file_${++counter}_${name}`;
  await target.registerFile(fileName, blob);
  try {
    const got = await readCsv(
      target,
      kind,
      name,
      fileName,
      run,
      table,
      duplicatesLater && !complete,
    );
    if (typeof got === "string") return got;
    if (complete) {
      const differs = await compareWithLoader(target, kind, got, expected, true);
      if (differs) return differs;
    }
    got.summary.seconds = (performance.now() - t0) / 1000;
    got.timings = { head: headMs, ...got.timings };
    onProgress?.(1);
    return got;
  } finally {
    await target.dropFile(fileName);
  }
}

/** The staged table read by DuckDB equals the loader's rows and rejects, or why not. */
async function compareWithLoader(
  target: DuckTarget,
  kind: TableKind,
  got: StagedTable,
  expected: { rows: object[]; rejects: RejectedRow[] },
  whole: boolean,
): Promise<string | null> {
  // Unless the head is the whole file, a record cut by its end may read differently: the
  // last one is not compared.
  const lastRow = whole ? Infinity : Math.max(
    0,
    ...expected.rejects.map((r) => r.row),
    ...got.rejects.map((r) => r.row),
  );
  const cut = (r: RejectedRow) => r.row < lastRow || lastRow === 0;
  const a = expected.rejects.filter(cut), b = got.rejects.filter(cut);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i], y = b[i];
    if (!x || !y || x.row !== y.row || x.column !== y.column || x.reason !== y.reason) {
      const r = x ?? y;
      return `DuckDB and the loader disagree on row ${r.row} ("${r.reason}")`;
    }
  }
  const rows = got.table
    ? await target.query(`SELECT * FROM ${sqlName(got.table)} ORDER BY ${ORDER_COLUMN}`)
    : [];
  const want = expected.rows as Record<string, unknown>[];
  const n = Math.min(rows.length, want.length);
  if (Math.abs(rows.length - want.length) > (whole ? 0 : 1)) {
    return `DuckDB read ${rows.length} good rows of the first part, the loader ${want.length}`;
  }
  const types = duckdbColumns(kind);
  for (let i = 0; i < n; i++) {
    for (const c of TABLE_SCHEMAS[kind]) {
      const x = want[i][c.name] ?? null, y = rows[i][c.name] ?? null;
      const same = types[c.name] === "TIMESTAMP" || types[c.name] === "DOUBLE"
        ? (x === null && y === null) || Number(x) === Number(y)
        : x === y;
      if (!same) {
        return `DuckDB reads row ${i + 2} differently (${c.name}: ${
          JSON.stringify(y)
        }, the loader ${JSON.stringify(x)})`;
      }
    }
  }
  return null;
}

/** Reads registered file `file` into `table`; the staged result, or why the loader must. */
async function readCsv(
  target: DuckTarget,
  kind: TableKind,
  name: string,
  file: string,
  run: CsvRun,
  table: string,
  duplicatesLater: boolean,
): Promise<StagedTable | string> {
  const n = ++counter;
  const rejectsTable = `sb_rejects_${n}`, scansTable = `sb_scans_${n}`;
  const plan = csvTableSql({
    kind,
    file,
    header: run.header,
    index: run.index,
    delimiter: run.delimiter,
    table,
    rejectsTable,
    scansTable,
  });
  const t = sqlName(table);
  const started = performance.now();
  // Without reject tables first (see `createStrict`); with them only when a row needs them.
  let stored = false;
  let strictMs = 0;
  try {
    await target.query(plan.createStrict);
  } catch {
    strictMs = performance.now() - started;
    try {
      stored = true;
      await target.query(plan.create);
    } catch (err) {
      return `DuckDB could not read it (${String((err as Error).message).split("\n")[0]})`;
    }
  }
  try {
    const rejects: RejectedRow[] = [];
    // One reject per line DuckDB refused (its first error), judged by the loader.
    const readMs = performance.now() - started;
    const refused = stored
      ? await target.query(
        `SELECT line, any_value(csv_line ORDER BY byte_position) AS csv_line FROM ${
          sqlName(rejectsTable)
        } GROUP BY line ORDER BY line`,
      )
      : [];
    if (refused.length > 20_000) return `DuckDB refused ${refused.length} rows`;
    const headerLine = run.columns.map((h) => csvCell(h, run.delimiter)).join(run.delimiter);
    for (const r of refused) {
      const line = Number(r.line);
      const judged = await loadTable(kind, {
        name,
        bytes: new TextEncoder().encode(`${headerLine}\n${String(r.csv_line ?? "")}\n`),
      }, { mapping: run.mapping, delimiter: run.delimiter, collectContactIds: false });
      if (judged.summary.rowsLoaded > 0 || judged.rejects.length !== 1) {
        return `DuckDB refused row ${line}, which the loader reads`;
      }
      rejects.push({ ...judged.rejects[0], file: name, row: line });
    }
    const lines = refused.map((r) => Number(r.line));
    const problems = await target.query(
      `SELECT ${ORDER_COLUMN} AS seq, ${plan.problem} AS problem FROM ${t} WHERE ${plan.problem} IS NOT NULL ORDER BY ${ORDER_COLUMN}`,
    );
    const dates: Record<string, DateOrderState> = {};
    let k = 0, shift = 0;
    for (const p of problems) {
      // The file row: rows DuckDB read are numbered after the header, skipping refused ones.
      let row = Number(p.seq) + 2 + shift;
      while (k < lines.length && lines[k] <= row) k++, shift++, row++;
      const [column, text, reason] = String(p.problem).split(PROBLEM_SEPARATOR);
      if (reason === JUDGE_TIME) {
        const state = dates[column] ??= { order: null, decidedBy: null, decidedRow: 0 };
        try {
          const v = readTimestamp(text, "UTC", state, row);
          if (v === AMBIGUOUS || typeof v === "number") {
            return `DuckDB does not read time "${preview(text)}" (row ${row}) as the loader does`;
          }
        } catch (err) {
          rejects.push({
            file: name,
            row,
            column,
            value: preview(text),
            reason: (err as Error).message,
          });
        }
      } else if (reason === JUDGE_NUMBER) {
        if (Number.isFinite(readNumber(text))) {
          return `DuckDB does not read number "${preview(text)}" (row ${row}) as the loader does`;
        }
        const canon = Object.entries(run.index).find(([, i]) => run.header[i] === column)?.[0];
        rejects.push({
          file: name,
          row,
          column,
          value: preview(text),
          reason: `${canon} "${text}" is not a number`,
        });
      } else rejects.push({ file: name, row, column, value: text, reason });
    }
    rejects.sort((a, b) => a.row - b.row);
    const columns = TABLE_SCHEMAS[kind].map((c) => sqlName(c.name));
    if (problems.length) {
      await target.query(
        `CREATE OR REPLACE TABLE ${t} AS SELECT ${
          columns.join(", ")
        }, (row_number() OVER (ORDER BY ${ORDER_COLUMN}) - 1)::BIGINT AS ${ORDER_COLUMN}${
          plan.extras.map((e) => `, ${sqlName(e)}`).join("")
        } FROM ${t} WHERE ${plan.problem} IS NULL ORDER BY ${ORDER_COLUMN}`,
      );
    } else await target.query(`ALTER TABLE ${t} DROP COLUMN ${plan.problem}`);
    const rejectsMs = performance.now() - started - readMs;
    if (plan.extras.length) {
      const numeric = (await target.query(extrasNumericSql(table, plan.extras)))[0] ?? {};
      for (let e = 0; e < plan.extras.length; e++) {
        await target.query(extraColumnSql(table, plan.extras[e], numeric[`n${e}`] !== false));
      }
    }
    const instant = kind === "events" || kind === "purchases" ? "ts" : "created_at";
    // The summary in one scan: per event type (identical rows share their type, so distinct
    // rows add up over the types), its rows, first and last instants and distinct rows.
    const rowHash = `hash(${[...columns, ...plan.extras.map(sqlName)].join(", ")})`;
    const groups = await target.query(
      `SELECT ${
        kind === "events" ? '"type"' : "NULL"
      } AS t, count(*) AS n, epoch_ms(min(${instant})) AS lo, epoch_ms(max(${instant})) AS hi${
        duplicatesLater ? "" : `, count(DISTINCT ${rowHash}) AS distinct_rows`
      } FROM ${t} GROUP BY ALL ORDER BY n DESC, t`,
    );
    let loaded = 0, distinct = 0, lo: number | null = null, hi: number | null = null;
    const eventTypes: Record<string, number> | undefined = kind === "events" ? {} : undefined;
    for (const g of groups) {
      loaded += Number(g.n);
      distinct += duplicatesLater ? Number(g.n) : Number(g.distinct_rows);
      if (g.lo !== null && (lo === null || Number(g.lo) < lo)) lo = Number(g.lo);
      if (g.hi !== null && (hi === null || Number(g.hi) > hi)) hi = Number(g.hi);
      if (eventTypes) eventTypes[String(g.t)] = Number(g.n);
    }
    const duplicates = loaded - distinct;
    const warnings = [...run.warnings];
    if (duplicates) warnings.push(duplicatesWarning(duplicates));
    if (loaded === 0) await target.query(`DROP TABLE IF EXISTS ${t}`);
    if (loaded + rejects.length === 0) warnings.push("No data rows");
    const d = run.delimiter;
    const summary: LoadSummary = {
      file: name,
      kind,
      format: d === "," ? "csv" : d === "\t" ? "tsv" : `csv(${d})`,
      rowsRead: loaded + rejects.length,
      rowsLoaded: loaded,
      rowsRejected: rejects.length,
      minTs: lo,
      maxTs: hi,
      eventTypes,
      duplicates,
      columns: run.columns,
      mapping: run.mappingNames,
      warnings,
      seconds: 0,
    };
    return {
      table: loaded ? table : null,
      summary,
      rejects,
      path: "duckdb",
      why: null,
      timings: {
        // With a second read (with reject tables), the first one's time apart.
        ...(stored ? { strictRead: strictMs } : {}),
        read: readMs - strictMs,
        rejects: rejectsMs,
        summary: performance.now() - started - readMs - rejectsMs,
      },
      countDuplicates: duplicatesLater && loaded
        ? async (name) => {
          const r = await target.query(
            `SELECT count(*) - count(DISTINCT ${rowHash}) AS d FROM ${sqlName(name)}`,
          );
          return Number(r[0]?.d ?? 0);
        }
        : undefined,
    };
  } finally {
    await target.query(
      `DROP TABLE IF EXISTS ${sqlName(rejectsTable)}; DROP TABLE IF EXISTS ${sqlName(scansTable)}`,
    ).catch(() => {});
  }
}

/** The summary's warning for `n` exact duplicate rows. */
export function duplicatesWarning(n: number): string {
  return `${n} row(s) repeat an earlier row exactly; loaded as they are`;
}

function csvCell(s: string, delimiter: string): string {
  return s.includes('"') || s.includes(delimiter) || /[\r\n]/.test(s)
    ? `"${s.replaceAll('"', '""')}"`
    : s;
}
