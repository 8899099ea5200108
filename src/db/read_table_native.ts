/**
 * `readTableNative`: one input file into a native DuckDB table under the one table policy
 * (`duckdbColumns`: instants `TIMESTAMP` UTC, numbers `DOUBLE`, lists `VARCHAR[]`, ids and
 * texts `VARCHAR`, `seq` the input order), read the fastest way that keeps the contract's
 * reading of every value:
 *
 * - `duckdb`: events and purchases in UTF-8 CSV are read by DuckDB's `read_csv` with
 *   explicit types; rows DuckDB cannot read are kept (`store_rejects`) and reported; the
 *   loader's row rules that a cast does not apply (trimming, required values, shortened
 *   ids, finite numbers, dates in 1900-2199) run as SQL.
 * - `duckdb+rows`: Parquet and JSON are read by DuckDB (`read_parquet`, `read_json`) and
 *   each record goes through the project's row rules (aliases, phones, e-mails, rejects).
 * - `loader`: everything DuckDB cannot read as the contract requires (another encoding
 *   such as cp1251, day-first or epoch dates, `1 234,5` numbers, XLSX/XLS/Arrow, a header
 *   below row 1, split date and time columns, a time zone other than UTC) and contacts and
 *   verification in CSV (phones, e-mails, genders and duplicate ids are the loader's):
 *   the project's `loadTable`, its rows appended to the table.
 *
 * A CSV read by DuckDB is checked against the loader before it is kept: the first rows
 * (the whole file when it is small) must come out equal, and no row DuckDB refused may be
 * one the loader reads; otherwise the file takes the loader path, and the summary says why.
 */
import type { NativeConnection } from "./native_duckdb.ts";
import { compactTables, ident, literal } from "./native_duckdb.ts";
import { type ColumnKind, type DuckDBType, TABLE_SCHEMAS } from "../tables/mod.ts";
import type {
  LoadOptions,
  LoadResult,
  LoadSummary,
  RejectedRow,
  RowTypes,
  TableKind,
} from "../data/types.ts";
import { detectFormat, loadTable } from "../data/load_table.ts";
import { mapColumns } from "../data/map_columns.ts";
import { parseCsv, sniffDelimiter } from "../data/csv_reader.ts";
import { LoadError } from "../data/load_error.ts";
import { readTimestamp } from "../data/parse_timestamp.ts";
import { type RawValue, RowBuilder } from "../data/_row_builder.ts";

/** How a file was read. */
export type ReadPath = "duckdb" | "duckdb+rows" | "loader";

/** Options of `readTableNative`: the loader's, less streaming and progress. */
export interface ReadTableNativeOptions
  extends Omit<LoadOptions, "onRow" | "onProgress" | "collectContactIds"> {
  /** Name of the view that holds the rows. @default the kind */
  table?: string;
  /** Rows compared with the loader's reading before DuckDB's is kept. @default 2000 */
  checkRows?: number;
  /** DuckDB-refused rows checked against the loader; more send the file to it. @default 2000 */
  maxRejectsChecked?: number;
}

/** A file read into DuckDB. */
export interface NativeTable {
  kind: TableKind;
  /** The view of good rows: canonical columns, extra columns as `VARCHAR`, `seq`. */
  table: string;
  path: ReadPath;
  /** Why the file did not take the `duckdb` path (`null` when it did). */
  why: string | null;
  /** Columns of `table` in their DuckDB types. */
  columns: Record<string, DuckDBType>;
  summary: LoadSummary;
  rejects: RejectedRow[];
}

const HEAD_BYTES = 256 * 1024;
const MIN_TS = "1900-01-01";
// Marks a problem whose reject the loader words from the cell's own text, which DuckDB's
// typed read no longer has: such a file goes to the loader.
const FALLBACK = "\u0002";
// Marks a time the loader's reader judges: its reason, or the file goes to the loader.
const TIME_CHECK = "\u0003";
const MAX_TS = "2200-01-01";
// Every character JavaScript's `trim()` removes, so SQL trims cells as the loader does.
const JS_SPACE =
  " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";
const PLAIN_NUMBER = /^-?(?:0|[1-9]\d{0,14})(?:\.\d+)?$/;
let counter = 0;

const TYPE_OF_KIND: Record<ColumnKind, DuckDBType> = {
  id: "VARCHAR",
  instant: "TIMESTAMP",
  number: "DOUBLE",
  list: "VARCHAR[]",
  text: "VARCHAR",
};

function kindOf(kind: TableKind, column: string): ColumnKind | null {
  return TABLE_SCHEMAS[kind].find((c) => c.name === column)?.kind ?? null;
}

/**
 * Reads `path` as table `kind` into DuckDB (see the module doc for the three paths).
 * Throws `LoadError` for a whole-file failure, as `loadTable` does.
 */
export async function readTableNative(
  conn: NativeConnection,
  kind: TableKind,
  path: string,
  options: ReadTableNativeOptions = {},
): Promise<NativeTable> {
  const { table = kind } = options;
  const t0 = performance.now();
  let head: Uint8Array;
  try {
    head = await readHead(path, HEAD_BYTES);
  } catch {
    // The loader reports a missing or unreadable file with its own message.
    return await viaLoader(conn, kind, path, table, options, "the file could not be opened", t0);
  }
  const format = detectFormat(path, head.subarray(0, 4096));
  if (format === "parquet") {
    return await viaRecords(conn, kind, path, table, options, "parquet", t0);
  }
  if (format === "json" || format === "ndjson") {
    try {
      return await viaRecords(conn, kind, path, table, options, format, t0);
    } catch (err) {
      if (err instanceof LoadError) throw err;
      return await viaLoader(
        conn,
        kind,
        path,
        table,
        options,
        `DuckDB could not read the JSON (${firstLine(err)})`,
        t0,
      );
    }
  }
  if (format !== "csv") {
    return await viaLoader(conn, kind, path, table, options, `${format.toUpperCase()} file`, t0);
  }
  const why = csvObstacle(kind, head, options);
  if (why !== null) return await viaLoader(conn, kind, path, table, options, why, t0);
  const read = await readCsvWithDuckDB(conn, kind, path, table, head, options, t0);
  if (typeof read === "string") return await viaLoader(conn, kind, path, table, options, read, t0);
  return read;
}

async function readHead(path: string, n: number): Promise<Uint8Array> {
  const f = await Deno.open(path, { read: true });
  try {
    const buf = new Uint8Array(n);
    let o = 0;
    while (o < n) {
      const k = await f.read(buf.subarray(o));
      if (k === null) break;
      o += k;
    }
    return buf.subarray(0, o);
  } finally {
    f.close();
  }
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split("\n")[0];
}

/** The head cut after its last line break (the whole head when the file is that small). */
function wholeLines(head: Uint8Array, complete: boolean): Uint8Array {
  if (complete) return head;
  const cut = head.lastIndexOf(0x0a);
  return cut < 0 ? head.subarray(0, 0) : head.subarray(0, cut + 1);
}

interface CsvLayout {
  delimiter: string;
  header: string[];
  /** Canonical column -> file column index. */
  index: Record<string, number>;
  names: Record<string, string>;
  warnings: string[];
}

function csvLayout(
  kind: TableKind,
  path: string,
  head: Uint8Array,
  options: ReadTableNativeOptions,
): CsvLayout | string {
  const text = new TextDecoder().decode(wholeLines(head, head.length < HEAD_BYTES));
  const delimiter = options.delimiter ?? (/\.tsv$/i.test(path) ? "\t" : sniffDelimiter(text));
  const firstBreak = text.indexOf("\n");
  const firstLineText = firstBreak < 0 ? text : text.slice(0, firstBreak + 1);
  const records = parseCsv(firstLineText, { delimiter, encoding: "utf-8" });
  const fields = records[0]?.fields;
  if (!fields || (fields.length === 1 && fields[0].trim() === "")) {
    return "the header is not in row 1";
  }
  const header = fields.map((h) => h.replace(/^\ufeff/, "").trim());
  if (header.some((h) => h === "")) return "a column has no header name";
  let m;
  try {
    m = mapColumns(kind, header, path, options.mapping ?? {}, false);
  } catch {
    return "its header needs the loader's checks";
  }
  if (m.timeIndex !== undefined) return "date and time are in separate columns";
  const mapped = new Set(Object.values(m.index));
  for (let i = 0; i < header.length; i++) {
    if (!mapped.has(i) && kindOf(kind, header[i]) !== null) {
      return `column "${header[i]}" shadows a mapped canonical column`;
    }
  }
  return { delimiter, header, index: m.index, names: m.names, warnings: m.warnings };
}

/** Why a CSV cannot take the DuckDB path, or `null`. */
function csvObstacle(
  kind: TableKind,
  head: Uint8Array,
  options: ReadTableNativeOptions,
): string | null {
  if (kind === "contacts" || kind === "verification") {
    return "phones, e-mails, genders and duplicate ids of contacts are checked by the loader";
  }
  if ((options.timezone ?? "UTC") !== "UTC") return `times are read in ${options.timezone}`;
  if (options.encoding !== undefined && !/^utf-?8$/i.test(options.encoding)) {
    return `the encoding is ${options.encoding}`;
  }
  if (options.rowIds) return "row numbers are used as ids";
  if (head.length === 0) return "the file is empty";
  const lines = wholeLines(head, head.length < HEAD_BYTES);
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(lines);
  } catch {
    return "the file is not UTF-8 (cp1251?)";
  }
  if (head[0] === 0x0a || head[0] === 0x0d) return "the header is not in row 1";
  return null;
}

// ---------------------------------------------------------------------------------------
// The DuckDB path for CSV.

async function readCsvWithDuckDB(
  conn: NativeConnection,
  kind: TableKind,
  path: string,
  table: string,
  head: Uint8Array,
  options: ReadTableNativeOptions,
  t0: number,
): Promise<NativeTable | string> {
  const { checkRows = 2000, maxRejectsChecked = 2000 } = options;
  const layout = csvLayout(kind, path, head, options);
  if (typeof layout === "string") return layout;
  const { header, index } = layout;
  const n = ++counter;
  const data = `sb_data_${table}`;
  const rejectsTable = `sb_rejects_${n}`;
  const scansTable = `sb_scans_${n}`;
  const canonAt = new Map<number, string>();
  for (const [canon, i] of Object.entries(index)) canonAt.set(i, canon);
  const readTypes: string[] = header.map((_, i) => {
    const canon = canonAt.get(i);
    const k = canon === undefined ? null : kindOf(kind, canon);
    // Instants are read as text and cast to TIMESTAMPTZ in SQL: a TIMESTAMP cast drops an
    // offset, and read_csv's TIMESTAMPTZ turns an unreadable value into NULL unreported.
    return k === "number" ? "DOUBLE" : "VARCHAR";
  });
  const raw = (i: number) => `sb_c${i}`;
  // Nearly every cell starts and ends with printable ASCII: only the others are trimmed.
  const trim = (x: string) =>
    `CASE WHEN ascii(${x}) BETWEEN 33 AND 126 AND ascii(${x}[-1]) BETWEEN 33 AND 126 THEN ${x} ELSE trim(${x}, ${
      literal(JS_SPACE)
    }) END`;
  const spec = TABLE_SCHEMAS[kind];
  // Three layers, so that each cell is trimmed and each time parsed once: `sb_t<i>` the
  // trimmed text, `sb_u<i>` the instant, then the values, then the problems.
  const parsed: string[] = header.map((_, i) => raw(i));
  // The loader counts rows that repeat an earlier row cell for cell: a hash of the cells.
  parsed.push(`hash(${header.map((_, i) => raw(i)).join(", ")}) AS sb_hash`);
  const selects: string[] = [];
  const finals: string[] = [];
  const problems: string[] = [];
  const columns: Record<string, DuckDBType> = {};
  const problem = (column: string, value: string, reason: string) =>
    `${literal(column)} || chr(31) || COALESCE(${value}, '') || chr(31) || ${reason}`;
  for (const c of spec) {
    const i = index[c.name];
    if (i === undefined) continue;
    const r = raw(i);
    const t = `sb_t${i}`;
    const h = header[i];
    const name = ident(c.name);
    columns[c.name] = TYPE_OF_KIND[c.kind];
    finals.push(name);
    if (readTypes[i] === "VARCHAR") parsed.push(`${trim(r)} AS ${t}`);
    const blank = readTypes[i] === "VARCHAR" ? `COALESCE(${t}, '') = ''` : `${r} IS NULL`;
    if (c.required) {
      problems.push(
        `WHEN ${blank} THEN ${problem(h, `${r}::VARCHAR`, literal(`${c.name} is empty`))}`,
      );
    }
    selects.push(r);
    if (readTypes[i] === "VARCHAR") selects.push(t);
    switch (c.kind) {
      case "id": {
        selects.push(
          `CASE WHEN ${blank} THEN NULL WHEN starts_with(${t}, '="') AND ends_with(${t}, '"') AND length(${t}) >= 3 THEN ${
            trim(`${t}[3:-2]`)
          } ELSE ${t} END AS ${name}`,
        );
        problems.push(
          `WHEN regexp_full_match(${name}, '[+-]?\\d(?:[.,]\\d+)?[eE]\\+?\\d+') THEN ${
            problem(
              h,
              r,
              `${literal(`${c.name} "`)} || ${name} || ${
                literal(
                  `" is a number a spreadsheet shortened to scientific notation; its digits are lost (export the column as text)`,
                )
              }`,
            )
          }`,
        );
        break;
      }
      case "text":
        selects.push(`NULLIF(${t}, '') AS ${name}`);
        break;
      case "list":
        selects.push(
          `CASE WHEN ${blank} THEN NULL ELSE list_filter(list_transform(string_split(${r}, ';'), s -> ${
            trim("s")
          }), s -> s <> '') END AS ${name}`,
        );
        break;
      case "number":
        selects.push(`${r} AS ${name}`);
        problems.push(
          `WHEN NOT isfinite(${name}) THEN ${
            problem(h, `${r}::VARCHAR`, literal(`${FALLBACK}${c.name} is not a finite number`))
          }`,
        );
        break;
      case "instant": {
        // A value with an offset goes through TIMESTAMPTZ (a TIMESTAMP cast would drop the
        // offset); the rest, nearly all, through the cheaper TIMESTAMP cast.
        parsed.push(
          `CASE WHEN length(${t}) > 10 AND (contains(${t}[11:], '+') OR contains(${t}[11:], '-')) THEN timezone('UTC', TRY_CAST(${t} AS TIMESTAMPTZ)) ELSE TRY_CAST(${t} AS TIMESTAMP) END AS sb_u${i}`,
        );
        selects.push(`sb_u${i} AS ${name}`);
        // Values DuckDB cannot read, or outside the loader's range, are judged by the
        // loader's own timestamp reader once the table is written.
        problems.push(
          `WHEN NOT (${blank}) AND (${name} IS NULL OR ${name} < TIMESTAMP '${MIN_TS}' OR ${name} >= TIMESTAMP '${MAX_TS}') THEN ${
            problem(h, r, literal(TIME_CHECK))
          }`,
        );
        break;
      }
    }
  }
  header.forEach((h, i) => {
    if (canonAt.has(i)) return;
    selects.push(`${raw(i)} AS ${ident(h)}`);
    finals.push(ident(h));
    columns[h] = "VARCHAR";
  });
  selects.push("sb_hash");
  finals.push("sb_hash");
  const problemExpr = problems.length ? `CASE ${problems.join("\n    ")} END` : "NULL::VARCHAR";
  const readColumns = `{${
    header.map((_, i) => `${literal(raw(i))}: '${readTypes[i]}'`).join(", ")
  }}`;
  const source = `read_csv(${literal(path)}, header = true, auto_detect = false, delim = ${
    literal(layout.delimiter)
  }, quote = '"', escape = '"', columns = ${readColumns}, store_rejects = true, rejects_table = ${
    literal(rejectsTable)
  }, rejects_scan = ${literal(scansTable)}, encoding = 'utf-8')`;
  try {
    await conn.run(
      `CREATE OR REPLACE TABLE ${ident(data)} AS SELECT ${
        finals.join(", ")
      },\n  ${problemExpr} AS sb_problem\nFROM (SELECT ${selects.join(",\n  ")} FROM (SELECT ${
        parsed.join(",\n  ")
      } FROM ${source}))`,
    );
  } catch (err) {
    return `DuckDB could not read it (${firstLine(err)})`;
  }
  await compactTables(conn);
  const names = Object.keys(columns);
  await conn.run(
    `CREATE OR REPLACE VIEW ${ident(table)} AS SELECT ${
      names.map(ident).join(", ")
    }, rowid AS seq FROM ${ident(data)} WHERE sb_problem IS NULL`,
  );
  columns.seq = "BIGINT";

  // Rows DuckDB refused: one reject per line (its first error), as the loader gives one.
  const refused = (await conn.runAndReadAll(
    `SELECT line, column_name, error_message, csv_line FROM (SELECT *, row_number() OVER (PARTITION BY line ORDER BY byte_position) AS k FROM ${
      ident(rejectsTable)
    }) WHERE k = 1 ORDER BY line`,
  )).getRowObjectsJS() as {
    line: bigint;
    column_name: string | null;
    error_message: string;
    csv_line: string;
  }[];
  await conn.run(`DROP TABLE IF EXISTS ${ident(rejectsTable)}`);
  await conn.run(`DROP TABLE IF EXISTS ${ident(scansTable)}`);
  if (refused.length > maxRejectsChecked) {
    return `DuckDB refused ${refused.length} rows, more than are checked against the loader`;
  }
  const headerLine = new TextDecoder().decode(
    head.subarray(0, head.indexOf(0x0a) + 1 || head.length),
  )
    .replace(/\r?\n$/, "");
  // Every row DuckDB refused is read by the loader too: one it takes sends the file to it;
  // the others are reported with the loader's column, value and reason.
  const rejects: RejectedRow[] = [];
  if (refused.length > 0) {
    const mini = [headerLine, ...refused.map((r) => r.csv_line)].join("\n") + "\n";
    const back = await loadTable(kind, { name: path, bytes: new TextEncoder().encode(mini) }, {
      ...loaderOptions(options),
      delimiter: layout.delimiter,
      detectDuplicates: false,
      collectContactIds: false,
    });
    const theirs = new Map(back.rejects.map((r) => [r.row, r]));
    const taken = refused.findIndex((_, j) => !theirs.has(j + 2));
    if (back.rows.length > 0 || taken >= 0) {
      const r = refused[Math.max(0, taken)];
      return `row ${r.line} ("${
        preview(r.csv_line, 60)
      }") is one DuckDB cannot read and the loader can`;
    }
    refused.forEach((r, j) => {
      const loader = theirs.get(j + 2)!;
      rejects.push({ ...loader, file: path, row: Number(r.line) });
    });
  }

  // Rows refused by the loader's rules in SQL: their rows in the file are counted from
  // their position, which holds when every record is one line and no line is blank.
  const problemRows = (await conn.runAndReadAll(
    `SELECT rowid AS id, sb_problem FROM ${
      ident(data)
    } WHERE sb_problem IS NOT NULL ORDER BY rowid`,
  )).getRowObjectsJS() as { id: bigint; sb_problem: string }[];
  const special = problemRows.find((p) => p.sb_problem.split("\u001f")[2].startsWith(FALLBACK));
  if (special) {
    const [column, value, reason] = special.sb_problem.split("\u001f");
    return `column "${column}" has "${value}": ${reason.slice(1)}`;
  }
  if (problemRows.length > 0 || refused.length > 0) {
    const lines = await countLines(conn, path);
    const total = await scalar(conn, `SELECT count(*) FROM ${ident(data)}`);
    if (lines !== 1 + total + refused.length) {
      return "it has line breaks inside quoted values or blank lines, so rows cannot be numbered";
    }
    const refusedLines = refused.map((r) => Number(r.line));
    let j = 0, shift = 0;
    for (const p of problemRows) {
      let line = Number(p.id) + 2 + shift;
      while (j < refusedLines.length && refusedLines[j] <= line) {
        j++, shift++, line++;
      }
      let [column, value, reason] = p.sb_problem.split("\u001f");
      if (reason === TIME_CHECK) {
        try {
          readTimestamp(value, "UTC", { order: null, decidedBy: null, decidedRow: 0 }, line);
          return `row ${line} has the time "${
            preview(value, 60)
          }", which DuckDB cannot read and the loader can`;
        } catch (err) {
          if (!(err instanceof SyntaxError || err instanceof RangeError)) throw err;
          reason = err.message;
        }
      }
      rejects.push({ file: path, row: line, column, value: preview(value, 120), reason });
    }
    rejects.sort((a, b) => a.row - b.row);
  }

  // The first rows as the loader reads them must come out equal.
  const complete = head.length < HEAD_BYTES;
  const headLines = wholeLines(head, complete);
  const mine = await tableRows(conn, kind, table, { limit: checkRows });
  const theirs = await loadTable(kind, { name: path, bytes: headLines }, {
    ...loaderOptions(options),
    delimiter: layout.delimiter,
    detectDuplicates: false,
    collectContactIds: false,
  });
  const compared = Math.min(checkRows, complete ? theirs.rows.length : theirs.rows.length - 1);
  if (
    complete && theirs.rows.length !== (await scalar(conn, `SELECT count(*) FROM ${ident(table)}`))
  ) {
    return `the loader reads ${theirs.rows.length} good rows where DuckDB reads another number`;
  }
  for (let k = 0; k < compared; k++) {
    const a = stable(mine[k] as Record<string, unknown>);
    const b = stable(theirs.rows[k] as Record<string, unknown>);
    if (a !== b) return `row values differ from the loader's (${preview(b, 100)})`;
  }
  const lastHeadRow = complete ? Infinity : headLines.reduce((n, b) => n + (b === 0x0a ? 1 : 0), 0);
  const mineHead = rejects.filter((r) => r.row < lastHeadRow).map((r) => r.row).join(",");
  const theirHead = theirs.rejects.filter((r) => r.row < lastHeadRow).map((r) => r.row).join(",");
  if (mineHead !== theirHead) return "rows rejected differ from the loader's";

  const summary = await summarize(conn, kind, path, table, "csv", t0);
  summary.rowsRead = summary.rowsLoaded + rejects.length;
  summary.rowsRejected = rejects.length;
  summary.columns = header;
  summary.mapping = layout.names;
  summary.warnings.push(...layout.warnings);
  if (kind !== "contacts") {
    // Rows equal to an earlier one in every column, counted from 64-bit hashes as the
    // loader counts them.
    summary.duplicates = summary.rowsLoaded - await scalar(
      conn,
      `SELECT count(DISTINCT sb_hash) FROM ${ident(data)} WHERE sb_problem IS NULL`,
    );
    if (summary.duplicates) {
      summary.warnings.push(
        `${summary.duplicates} row(s) repeat an earlier row exactly; loaded as they are`,
      );
    }
  }
  if (layout.delimiter !== ",") {
    summary.format = layout.delimiter === "\t" ? "tsv" : `csv(${layout.delimiter})`;
  }
  return { kind, table, path: "duckdb", why: null, columns, summary, rejects };
}

function preview(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + "…" : s;
}

function stable(row: Record<string, unknown>): string {
  const keys = Object.keys(row).sort();
  return JSON.stringify(keys.map((k) => [k, row[k] === undefined ? null : row[k]]));
}

async function scalar(conn: NativeConnection, sql: string): Promise<number> {
  const rows = (await conn.runAndReadAll(sql)).getRows();
  return Number(rows[0][0]);
}

async function countLines(conn: NativeConnection, path: string): Promise<number> {
  return await scalar(
    conn,
    `SELECT count(*) FROM read_csv(${
      literal(path)
    }, header = false, auto_detect = false, delim = chr(1), quote = '', escape = '', columns = {'l': 'VARCHAR'}, null_padding = true, ignore_errors = true)`,
  );
}

function loaderOptions(options: ReadTableNativeOptions): LoadOptions {
  const { table: _t, checkRows: _c, maxRejectsChecked: _m, ...rest } = options;
  return rest;
}

/** The load summary of a table from SQL: rows, time range and event types. */
async function summarize(
  conn: NativeConnection,
  kind: TableKind,
  file: string,
  table: string,
  format: string,
  t0: number,
): Promise<LoadSummary> {
  const tsCol = kind === "contacts" ? "created_at" : kind === "verification" ? null : "ts";
  const cols = await viewColumns(conn, table);
  const hasTs = tsCol !== null && tsCol in cols;
  const row = (await conn.runAndReadAll(
    `SELECT count(*) AS n${
      hasTs
        ? `, CAST(epoch_ms(min(${ident(tsCol!)})) AS DOUBLE) AS lo, CAST(epoch_ms(max(${
          ident(tsCol!)
        })) AS DOUBLE) AS hi`
        : ""
    } FROM ${ident(table)}`,
  )).getRowObjectsJS()[0] as { n: bigint; lo?: number | null; hi?: number | null };
  const summary: LoadSummary = {
    file,
    kind,
    format,
    rowsRead: Number(row.n),
    rowsLoaded: Number(row.n),
    rowsRejected: 0,
    minTs: row.lo ?? null,
    maxTs: row.hi ?? null,
    duplicates: 0,
    columns: [],
    mapping: {},
    warnings: [],
    seconds: 0,
  };
  if (kind === "events") {
    const types = (await conn.runAndReadAll(
      `SELECT type, count(*) AS n FROM ${ident(table)} GROUP BY type`,
    )).getRowObjectsJS() as { type: string; n: bigint }[];
    summary.eventTypes = Object.fromEntries(
      types.map((t) => [t.type, Number(t.n)] as const)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
    );
  }
  summary.seconds = (performance.now() - t0) / 1000;
  return summary;
}

async function viewColumns(
  conn: NativeConnection,
  table: string,
): Promise<Record<string, string>> {
  const rows = (await conn.runAndReadAll(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ${
      literal(table)
    } ORDER BY ordinal_position`,
  )).getRowObjectsJS() as { column_name: string; data_type: string }[];
  return Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]));
}

// ---------------------------------------------------------------------------------------
// Rows made in JavaScript (the loader, or DuckDB's records through the row rules) are
// appended to the table in chunks.

class RowSink {
  #conn: NativeConnection;
  #kind: TableKind;
  #data: string;
  #names: string[] | null = null;
  /** JavaScript types seen per extra column (`number`, `boolean`, `string`). */
  #seen = new Map<string, Set<string>>();
  #text = "";
  #file: Deno.FsFile | null = null;
  #path: string | null = null;
  #rows = 0;
  // Writes run one after another, in the order rows came.
  #chain: Promise<void> = Promise.resolve();
  #columns: Record<string, DuckDBType> = {};
  constructor(conn: NativeConnection, kind: TableKind, data: string) {
    this.#conn = conn;
    this.#kind = kind;
    this.#data = data;
  }

  /** Columns of the table, once `close` has made it. */
  columns(): Record<string, DuckDBType> {
    return this.#columns;
  }

  /**
   * Takes one row. Rows are staged as NDJSON in a temporary file and read by DuckDB in one
   * `read_json` at `close`: far cheaper than appending them value by value.
   */
  add(row: Record<string, unknown>): void {
    if (this.#names === null) this.#names = Object.keys(row);
    for (const n of this.#names) {
      if (kindOf(this.#kind, n) !== null) continue;
      const v = row[n];
      if (v === null || v === undefined) continue;
      let seen = this.#seen.get(n);
      if (seen === undefined) this.#seen.set(n, seen = new Set());
      seen.add(typeof v);
    }
    this.#text += JSON.stringify(row) + "\n";
    this.#rows++;
    if (this.#text.length >= 1 << 20) this.#enqueue();
  }

  /** Waits for the staged rows to be written to the file. */
  async flush(): Promise<void> {
    this.#enqueue();
    await this.#chain;
  }

  #enqueue(): void {
    const text = this.#text;
    this.#text = "";
    if (text === "") return;
    this.#chain = this.#chain.then(async () => {
      if (this.#file === null) {
        this.#path = await Deno.makeTempFile({ prefix: "scorebench-rows-", suffix: ".ndjson" });
        this.#file = await Deno.open(this.#path, { write: true });
      }
      const bytes = new TextEncoder().encode(text);
      for (let o = 0; o < bytes.length;) o += await this.#file.write(bytes.subarray(o));
    });
  }

  /** Writes the table from the staged rows (input order kept) and removes the file. */
  async close(): Promise<void> {
    await this.flush();
    this.#file?.close();
    this.#file = null;
    const spec = TABLE_SCHEMAS[this.#kind];
    const names = this.#names ?? spec.filter((c) => c.required).map((c) => c.name);
    const types = names.map((n) => {
      const k = kindOf(this.#kind, n);
      if (k !== null) return TYPE_OF_KIND[k];
      const seen = this.#seen.get(n);
      return seen?.size === 1 && seen.has("number")
        ? "DOUBLE"
        : seen?.size === 1 && seen.has("boolean")
        ? "BOOLEAN"
        : "VARCHAR";
    });
    this.#columns = Object.fromEntries(names.map((n, i) => [n, types[i]]));
    try {
      if (this.#rows === 0 || this.#path === null) {
        await this.#conn.run(
          `CREATE OR REPLACE TABLE ${ident(this.#data)} (${
            names.map((n, i) => `${ident(n)} ${types[i]}`).join(", ")
          })`,
        );
        return;
      }
      // Instants are staged as epoch milliseconds.
      const read = names.map((n, i) =>
        `${literal(n)}: '${types[i] === "TIMESTAMP" ? "DOUBLE" : types[i]}'`
      );
      const exprs = names.map((n, i) =>
        types[i] === "TIMESTAMP"
          ? `make_timestamp(CAST(round(${ident(n)} * 1000) AS BIGINT)) AS ${ident(n)}`
          : ident(n)
      );
      await this.#conn.run(
        `CREATE OR REPLACE TABLE ${ident(this.#data)} AS SELECT ${
          exprs.join(", ")
        } FROM read_json(${literal(this.#path)}, format = 'newline_delimited', columns = {${
          read.join(", ")
        }})`,
      );
    } finally {
      if (this.#path !== null) await Deno.remove(this.#path).catch(() => {});
      this.#path = null;
    }
  }
}

async function finishSink(
  conn: NativeConnection,
  sink: RowSink,
  table: string,
  data: string,
): Promise<Record<string, DuckDBType>> {
  await sink.close();
  await compactTables(conn);
  const columns = sink.columns();
  await conn.run(
    `CREATE OR REPLACE VIEW ${ident(table)} AS SELECT ${
      Object.keys(columns).map(ident).join(", ")
    }, rowid AS seq FROM ${ident(data)}`,
  );
  return { ...columns, seq: "BIGINT" };
}

async function viaLoader(
  conn: NativeConnection,
  kind: TableKind,
  path: string,
  table: string,
  options: ReadTableNativeOptions,
  why: string,
  t0: number,
): Promise<NativeTable> {
  const data = `sb_data_${table}`;
  const sink = new RowSink(conn, kind, data);
  const result = await loadTable(kind, path, {
    ...loaderOptions(options),
    collectContactIds: false,
    onRow: (row) => sink.add(row as Record<string, unknown>),
  });
  const columns = await finishSink(conn, sink, table, data);
  result.summary.seconds = (performance.now() - t0) / 1000;
  return {
    kind,
    table,
    path: "loader",
    why,
    columns,
    summary: result.summary,
    rejects: result.rejects,
  };
}

/** Parquet and JSON: DuckDB reads the records, the project's row rules convert them. */
async function viaRecords(
  conn: NativeConnection,
  kind: TableKind,
  path: string,
  table: string,
  options: ReadTableNativeOptions,
  format: "parquet" | "json" | "ndjson",
  t0: number,
): Promise<NativeTable> {
  const reader = format === "parquet"
    ? `read_parquet(${literal(path)})`
    : `read_json(${literal(path)}, format = ${
      literal(format === "json" ? "array" : "newline_delimited")
    }, records = true, sample_size = -1)`;
  // The records are kept in a table first and read back in slices: the rows made from
  // them are appended on the same connection, which would end a pending stream.
  const raw = `sb_raw_${table}`;
  try {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${ident(raw)} AS SELECT * FROM ${reader}`);
  } catch (err) {
    if (format !== "parquet") throw err;
    throw new LoadError(`Cannot read "${path}": ${firstLine(err)}`, { file: path, cause: err });
  }
  const head = await conn.runAndReadAll(`SELECT * FROM ${ident(raw)} LIMIT 0`);
  const header = head.columnNames();
  // Records come as one JSON text each (cheaper than reading every cell through the
  // bindings); a zoneless TIMESTAMP is written with its UTC offset so it stays an instant.
  const cellExprs = header.map((h, i) =>
    head.columnType(i).toString() === "TIMESTAMP"
      ? `CAST(${ident(h)} AS TIMESTAMPTZ) AS ${ident(h)}`
      : ident(h)
  );
  const total = await scalar(conn, `SELECT count(*) FROM ${ident(raw)}`);
  const data = `sb_data_${table}`;
  const sink = new RowSink(conn, kind, data);
  const builder = new RowBuilder<RowTypes[TableKind]>(kind, path, header, format, {
    ...loaderOptions(options),
    collectContactIds: false,
    onRow: (row) => sink.add(row as Record<string, unknown>),
  });
  const SLICE = 65_536;
  let rowNo = 1;
  for (let from = 0; from < total; from += SLICE) {
    const slice = await conn.runAndReadAll(
      `SELECT to_json(sb_r) FROM (SELECT ${cellExprs.join(", ")} FROM ${
        ident(raw)
      } WHERE rowid >= ${from} AND rowid < ${from + SLICE} ORDER BY rowid) AS sb_r`,
    );
    for (const text of slice.getColumns()[0] ?? []) {
      const object = JSON.parse(text as string) as Record<string, unknown>;
      const cells = header.map((h) => rawValue(object[h]));
      builder.add({ row: ++rowNo, cells });
    }
    await sink.flush();
  }
  await conn.run(`DROP TABLE IF EXISTS ${ident(raw)}`);
  const loaded: LoadResult<unknown> = builder.finish();
  const columns = await finishSink(conn, sink, table, data);
  loaded.summary.seconds = (performance.now() - t0) / 1000;
  return {
    kind,
    table,
    path: "duckdb+rows",
    why: `${format === "parquet" ? "Parquet" : "JSON"} records go through the loader's row rules`,
    columns,
    summary: loaded.summary,
    rejects: loaded.rejects,
  };
}

/** A DuckDB value as the loaders' raw cells hold them. */
function rawValue(v: unknown): RawValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (v instanceof Date) return v;
  if (Array.isArray(v)) return v.map((x) => (typeof x === "bigint" ? Number(x) : x));
  if (typeof v === "object") {
    return JSON.parse(JSON.stringify(v, (_, x) => typeof x === "bigint" ? Number(x) : x));
  }
  return String(v);
}

// ---------------------------------------------------------------------------------------

/** Options of `tableRows`. */
export interface TableRowsOptions<R> {
  /** At most this many rows. @default all */
  limit?: number;
  /** Hands each row over instead of collecting them. @default undefined */
  onRow?: (row: R) => void;
}

/**
 * The rows of a table written by `readTableNative` as the loader's canonical rows
 * (instants in epoch ms, extra columns that are plain numbers as numbers), in input order.
 */
export async function tableRows<K extends TableKind>(
  conn: NativeConnection,
  kind: K,
  table: string,
  options: TableRowsOptions<RowTypes[K]> = {},
): Promise<RowTypes[K][]> {
  const { limit, onRow } = options;
  const cols = await viewColumns(conn, table);
  const names = Object.keys(cols).filter((n) => n !== "seq");
  const times = names.filter((n) => cols[n].startsWith("TIMESTAMP"));
  // Each row comes as one JSON text that V8 parses: several times cheaper than reading
  // every cell through the bindings. Doubles are printed with every digit.
  const replace = times.length
    ? ` REPLACE (${
      times.map((n) => `CAST(epoch_ms(${ident(n)}) AS DOUBLE) AS ${ident(n)}`).join(", ")
    })`
    : "";
  const result = await conn.stream(
    `SELECT to_json(sb_r) AS j FROM (SELECT ${
      names.map(ident).join(", ")
    } FROM (SELECT * EXCLUDE (seq)${replace} FROM ${ident(table)} ORDER BY seq${
      limit === undefined ? "" : ` LIMIT ${limit}`
    })) AS sb_r`,
  );
  const extras = names.filter((n) => kindOf(kind, n) === null && cols[n] === "VARCHAR");
  const out: RowTypes[K][] = [];
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    const vector = chunk.getColumnVector(0);
    const m = chunk.rowCount;
    for (let r = 0; r < m; r++) {
      const row = JSON.parse(vector.getItem(r) as string) as Record<string, unknown>;
      for (const n of extras) {
        const v = row[n];
        if (typeof v !== "string" || !PLAIN_NUMBER.test(v)) continue;
        // A column named __proto__ must not reach the setter.
        Object.defineProperty(row, n, {
          value: Number(v),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      if (onRow) onRow(row as RowTypes[K]);
      else out.push(row as RowTypes[K]);
    }
  }
  return out;
}
