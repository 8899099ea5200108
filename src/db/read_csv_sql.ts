/**
 * The SQL that reads a UTF-8 CSV of events or purchases with DuckDB's `read_csv` into a table
 * of the one table policy (`duckdbColumns`: canonical columns in their types, all-NULL when
 * the file lacks them, `seq` the input order, then the file's extra columns), applying the
 * loader's row rules that a cast alone does not: cells trimmed, `="0042"` ids unwrapped, ids
 * a spreadsheet shortened to `7.9E+10` refused, `1_000` and infinite numbers refused, times
 * read only in the shapes the loader reads the same way (anything else is judged by the
 * loader's own timestamp reader, see `problemOf`).
 *
 * Every column is read as text and cast here: DuckDB's own `DOUBLE` reader accepts `1_000`
 * and its `TIMESTAMP` reader drops a `+03:00` offset, both of which the contract reads
 * otherwise. Pure: the browser runs it in DuckDB-WASM (`app/read_into_duckdb.ts`).
 */
import { duckdbColumns, ORDER_COLUMN, TABLE_SCHEMAS, type TableKind } from "../tables/mod.ts";

/** Every character JavaScript's `trim()` removes, so SQL trims cells as the loader does. */
export const JS_SPACE =
  " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

/** Separates the parts of a row's problem: file column, cell text, reason. */
export const PROBLEM_SEPARATOR = "\u001f";

/** A reason that the loader's own reader must give (the cell is passed to it). */
export const JUDGE_TIME = "\u0002time";
/** See `JUDGE_TIME`: a number cell DuckDB did not read. */
export const JUDGE_NUMBER = "\u0002number";

/** A SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** A SQL identifier. */
export function sqlName(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

/** What `csvTableSql` needs to know of the file. */
export interface CsvTableSpec {
  kind: TableKind;
  /** The name the file is registered under in DuckDB. */
  file: string;
  /** The file's header cells, trimmed, in file order. */
  header: readonly string[];
  /** Canonical column -> index of the file column it is read from (see `mapColumns`). */
  index: Readonly<Record<string, number>>;
  delimiter: string;
  /** The table to create (replaced when it exists). */
  table: string;
  /** Names for DuckDB's reject tables of this read. */
  rejectsTable: string;
  /** See `rejectsTable`. */
  scansTable: string;
}

/** The columns the created table has, besides the policy's, and the column of problems. */
export interface CsvTableSql {
  /** `CREATE OR REPLACE TABLE ...`: every row DuckDB could split, with `sb_problem`. */
  create: string;
  /**
   * `create` without DuckDB's reject tables: it fails at the first row DuckDB cannot split
   * (a wrong field count, a quote left open, bytes that are not UTF-8), where `create` would
   * record it. Keeping the reject tables costs about a third of the read, so a file is read
   * this way first and again with `create` only when it fails.
   */
  createStrict: string;
  /** The file's extra columns, in file order, as named in the table (all `VARCHAR`). */
  extras: string[];
  /** Name of the column holding a row's problem (`NULL` for a good row). */
  problem: string;
}

const raw = (i: number) => `sb_c${i}`;

/**
 * `x` trimmed as JavaScript trims. `trim(x, chars)` over every cell costs more than reading
 * the file: nearly every cell starts and ends with printable ASCII, and only the others are
 * trimmed.
 */
function jsTrim(x: string): string {
  return `CASE WHEN ascii(${x}) BETWEEN 33 AND 126 AND ascii(${x}[-1]) BETWEEN 33 AND 126 THEN ${x} ELSE trim(${x}, ${
    sqlString(JS_SPACE)
  }) END`;
}
const trimmed = (i: number) => `sb_t${i}`;

/**
 * `CREATE TABLE` reading the file with `read_csv` (header on, no sniffing, every column
 * as text, DuckDB's rejected rows kept in `rejectsTable`), then the canonical columns in
 * their policy types, `seq` numbering the rows DuckDB read, the extras as text, and
 * `sb_problem`: `column \x1f text \x1f reason` for a row the loader would reject (or whose
 * cell its reader must judge), checked in the loader's column order.
 */
export function csvTableSql(spec: CsvTableSpec): CsvTableSql {
  const { kind, header, index } = spec;
  const types = duckdbColumns(kind);
  // Three layers, so each cell is trimmed and each value cast once: the trimmed text, then
  // the values (`sb_v<i>`), then the columns and the problems read from them.
  const inner: string[] = header.map((_, i) => raw(i));
  const middle: string[] = header.map((_, i) => raw(i));
  const problems: string[] = [];
  const values: string[] = [];
  const problem = (column: string, text: string, reason: string) =>
    `${sqlString(column + PROBLEM_SEPARATOR)} || COALESCE(${text}, '') || ${
      sqlString(PROBLEM_SEPARATOR)
    } || ${reason}`;
  for (const c of TABLE_SCHEMAS[kind]) {
    const i = index[c.name];
    const name = sqlName(c.name);
    if (i === undefined) {
      values.push(`NULL::${types[c.name]} AS ${name}`);
      continue;
    }
    const r = raw(i), t = trimmed(i), h = header[i], v = `sb_v${i}`;
    inner.push(`${jsTrim(r)} AS ${t}`);
    middle.push(t);
    const value = (expr: string) => {
      middle.push(`${expr} AS ${v}`);
      values.push(`${v} AS ${name}`);
    };
    const blank = `COALESCE(${t}, '') = ''`;
    if (c.required) {
      problems.push(`WHEN ${blank} THEN ${problem(h, r, sqlString(`${c.name} is empty`))}`);
    }
    switch (c.kind) {
      case "id": {
        const unwrapped =
          `CASE WHEN ${blank} THEN NULL WHEN starts_with(${t}, '="') AND ends_with(${t}, '"') AND length(${t}) >= 3 THEN ${
            jsTrim(`${t}[3:-2]`)
          } ELSE ${t} END`;
        value(unwrapped);
        // The loader's SCIENTIFIC pattern, tried only on ids with an e in them.
        problems.push(
          `WHEN ${v} IS NOT NULL AND (contains(${v}, 'e') OR contains(${v}, 'E')) AND regexp_full_match(${v}, '[+-]?\\d(?:[.,]\\d+)?[eE]\\+?\\d+') THEN ${
            problem(
              h,
              r,
              `${sqlString(`${c.name} "`)} || ${v} || ${
                sqlString(
                  '" is a number a spreadsheet shortened to scientific notation; its digits are lost (export the column as text)',
                )
              }`,
            )
          }`,
        );
        break;
      }
      case "text":
        value(`NULLIF(${t}, '')`);
        break;
      case "number": {
        value(
          `CASE WHEN ${blank} OR contains(${t}, '_') THEN NULL ELSE TRY_CAST(${t} AS DOUBLE) END`,
        );
        problems.push(
          `WHEN NOT (${blank}) AND NOT COALESCE(isfinite(${v}), false) THEN ${
            problem(h, r, sqlString(JUDGE_NUMBER))
          }`,
        );
        break;
      }
      case "instant": {
        // Offsets go through TIMESTAMPTZ (a TIMESTAMP cast ignores them); the loader keeps
        // milliseconds, so a finer time is left to its reader.
        value(
          `CASE WHEN ${blank} THEN NULL WHEN contains(${t}[11:], '+') OR contains(${t}[11:], '-') THEN TRY_CAST(${t} AS TIMESTAMPTZ)::TIMESTAMP ELSE TRY_CAST(${t} AS TIMESTAMP) END`,
        );
        problems.push(
          `WHEN NOT (${blank}) AND NOT COALESCE(${v} >= TIMESTAMP '1900-01-01' AND ${v} < TIMESTAMP '2200-01-01' AND epoch_us(${v}) % 1000 = 0, false) THEN ${
            problem(h, r, sqlString(JUDGE_TIME))
          }`,
        );
        break;
      }
      case "list":
        value(
          `CASE WHEN ${blank} THEN NULL ELSE list_filter(list_transform(string_split(${t}, ';'), s -> ${
            jsTrim("s")
          }), s -> s <> '') END`,
        );
        break;
    }
  }
  values.push(`(row_number() OVER () - 1)::BIGINT AS ${sqlName(ORDER_COLUMN)}`);
  const mapped = new Set(Object.values(index));
  const taken = new Set(Object.keys(types).map((n) => n.toLowerCase()));
  const extras: string[] = [];
  header.forEach((h, i) => {
    if (mapped.has(i)) return;
    let column = h;
    while (taken.has(column.toLowerCase())) column += "_extra";
    taken.add(column.toLowerCase());
    extras.push(column);
    values.push(`${raw(i)} AS ${sqlName(column)}`);
  });
  const problemColumn = "sb_problem";
  values.push(
    `${problems.length ? `CASE ${problems.join(" ")} END` : "NULL::VARCHAR"} AS ${problemColumn}`,
  );
  const columns = `{${header.map((_, i) => `${sqlString(raw(i))}: 'VARCHAR'`).join(", ")}}`;
  const source = (rejects: boolean) =>
    `read_csv(${sqlString(spec.file)}, header = true, auto_detect = false, delim = ${
      sqlString(spec.delimiter)
    }, quote = '"', escape = '"', columns = ${columns}${
      rejects
        ? `, store_rejects = true, rejects_table = ${
          sqlString(spec.rejectsTable)
        }, rejects_scan = ${sqlString(spec.scansTable)}`
        : ""
    }, encoding = 'utf-8')`;
  const create = (rejects: boolean) =>
    `CREATE OR REPLACE TABLE ${sqlName(spec.table)} AS SELECT ${values.join(", ")} FROM (SELECT ${
      middle.join(", ")
    } FROM (SELECT ${inner.join(", ")} FROM ${source(rejects)}))`;
  return {
    create: create(true),
    createStrict: create(false),
    extras,
    problem: problemColumn,
  };
}

/** An extra CSV value the loader turns into a number (`007` and `+7` stay text). */
export const PLAIN_NUMBER_SQL = "-?(?:0|[1-9]\\d{0,14})(?:\\.\\d+)?";

/**
 * Statements that give extra column `column` (text as read) the loader's type: `DOUBLE`
 * when every value is a plain number (or none is there), else text with plain numbers
 * written as JavaScript writes them (`1.50` -> `1.5`, `-0` -> `0`).
 */
export function extraColumnSql(table: string, column: string, allNumbers: boolean): string {
  const t = sqlName(table), c = sqlName(column);
  if (allNumbers) return `ALTER TABLE ${t} ALTER ${c} TYPE DOUBLE USING CAST(${c} AS DOUBLE)`;
  const plain = `regexp_full_match(${c}, '${PLAIN_NUMBER_SQL}')`;
  const js = `CASE WHEN NOT contains(${c}, '.') THEN ${c} ELSE rtrim(rtrim(${c}, '0'), '.') END`;
  return `UPDATE ${t} SET ${c} = CASE WHEN ${js} IN ('-0', '') THEN '0' ELSE ${js} END WHERE ${plain} AND (contains(${c}, '.') OR ${c} = '-0')`;
}

/** The query telling, per extra column, whether every value is a plain number. */
export function extrasNumericSql(table: string, extras: readonly string[]): string {
  return `SELECT ${
    extras.map((e, k) =>
      `bool_and(${sqlName(e)} IS NULL OR regexp_full_match(${
        sqlName(e)
      }, '${PLAIN_NUMBER_SQL}')) AS n${k}`
    ).join(", ")
  } FROM ${sqlName(table)}`;
}
