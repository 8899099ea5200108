/** DuckDB (1.x, native or WASM) as a target of `compileToSql`. */
import type { SqlDialect } from "../sql_dialect.ts";

function string(value: string): string {
  const quoted = `'${value.replaceAll("'", "''")}'`;
  // The SQL text cannot carry U+0000 (the parser stops there): it is spliced in as chr(0).
  return value.includes("\0") ? `(${quoted.replaceAll("\0", "' || chr(0) || '")})` : quoted;
}

/**
 * A finite number as a SQL literal in exponent form, which DuckDB reads as DOUBLE and
 * ClickHouse as Float64 whatever its digits: a plain `8.3` would be an exact DECIMAL, and
 * sums of decimals would no longer agree with double arithmetic. Throws `RangeError` for
 * `NaN` and infinities.
 */
export function floatLiteral(value: number): string {
  if (!Number.isFinite(value)) {
    throw new RangeError(`Cannot write ${value} as a SQL number: only finite numbers are allowed`);
  }
  return value.toExponential();
}

/** `LIKE` pattern of a glob: `*` -> `%`, `?` -> `_`, and the value's own `%`, `_`, `\` escaped. */
export function globToLike(pattern: string): string {
  let out = "";
  for (const ch of pattern) {
    if (ch === "*") out += "%";
    else if (ch === "?") out += "_";
    else if (ch === "%" || ch === "_" || ch === "\\") out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

/** `LIKE` pattern of a literal substring (no wildcard of its own). */
function likeLiteral(value: string): string {
  return value.replace(/[%_\\]/g, (c) => `\\${c}`);
}

/**
 * DuckDB SQL: `LIKE` with escapes, `epoch_ms` time arithmetic, lists as `VARCHAR[]`, `MAP` for
 * scope sums.
 */
export const duckdb: SqlDialect = {
  name: "duckdb",
  ident: (name) => `"${name.replaceAll('"', '""')}"`,
  string,
  number: floatLiteral,
  boolean: (value) => (value ? "TRUE" : "FALSE"),
  nullText: () => "CAST(NULL AS VARCHAR)",
  sure: (cond) => `COALESCE(${cond}, FALSE)`,
  nullIf: (a, b) => `NULLIF(${a}, ${b})`,
  text: (expr) => `CAST(${expr} AS VARCHAR)`,
  double: (expr) => `CAST(${expr} AS DOUBLE)`,
  notNull: (expr) => expr,
  integer: (expr) => `CAST(${expr} AS BIGINT)`,

  asText: (expr, type) =>
    type === "DOUBLE" ? duckdb.formatNumber(expr) : `CAST(${expr} AS VARCHAR)`,
  // The pattern admits what JavaScript's Number() reads in decimal; DuckDB alone would
  // also read `nan`, `inf` and `1_000`.
  numberFromText: (text) =>
    `TRY_CAST(regexp_extract(${text}, '^\\s*([+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?)\\s*$', 1) AS DOUBLE)`,
  isNaN: (expr) => `isnan(${expr})`,

  startsWith: (text, prefix) => `starts_with(${text}, ${string(prefix)})`,
  contains: (text, needle) => `(${text} LIKE ${string(`%${likeLiteral(needle)}%`)} ESCAPE '\\')`,
  // DuckDB's LIKE is case-sensitive, anchored and counts `_` per character (UTF-8 aware).
  glob: (text, pattern) => `(${text} LIKE ${string(globToLike(pattern))} ESCAPE '\\')`,

  epochMs: (expr, stored) =>
    stored === "epoch_ms" ? `CAST(${expr} AS DOUBLE)` : `CAST(epoch_ms(${expr}) AS DOUBLE)`,
  pow: (base, exponent) => `pow(${base}, ${exponent})`,
  floor: (expr) => `floor(${expr})`,
  // Whole milliseconds toward zero, as JavaScript's Date keeps them.
  isoUtc: (msExpr) => {
    const us = `CAST(trunc(${msExpr}) AS BIGINT) * 1000`;
    return `(CASE WHEN ${us} % 1000000 = 0 ` +
      `THEN strftime(make_timestamp(${us}), '%Y-%m-%dT%H:%M:%SZ') ` +
      `ELSE strftime(make_timestamp(${us}), '%Y-%m-%dT%H:%M:%S.%gZ') END)`;
  },
  phoneKey: (text) =>
    `NULLIF(regexp_replace(regexp_replace(${text}, '[^0-9]', '', 'g'), '^8([0-9]{10})$', '7\\1'), '')`,
  emailKey: (text) => `NULLIF(lower(trim(${text})), '')`,

  listHasAny: (listExpr, values) =>
    `list_has_any(${listExpr}, [${values.map(string).join(", ")}]::VARCHAR[])`,
  listLength: (listExpr) => `len(${listExpr})`,
  listAny: (listExpr, predicate) =>
    `(len(list_filter(${listExpr}, lambda sb_item: ${predicate("sb_item")})) > 0)`,
  splitList: (text) =>
    // The engine's rule (`splitList`): split on ';' when the cell has one, else on ','.
    `list_filter(list_transform(string_split(${text}, CASE WHEN contains(${text}, ';') THEN ';' ELSE ',' END), lambda sb_part: trim(sb_part)), lambda sb_part: sb_part <> '')`,
  intList: (items) => `[${items.join(", ")}]::INTEGER[]`,
  numberList: (values) => `[${values.map((v) => duckdb.number(v)).join(", ")}]::DOUBLE[]`,
  distinctList: (expr, table) => `(SELECT list(DISTINCT ${expr}) FROM ${table})`,
  listMin: (listExpr) => `list_min(${listExpr})`,
  listMax: (listExpr) => `list_max(${listExpr})`,
  unnest: (listExpr, alias) => `UNNEST(${listExpr}) AS ${alias}`,
  bucketOf: (text, count) => `CAST(hash(${text}) % ${count} AS INTEGER)`,
  join: (kind) => (kind === "inner" ? "JOIN" : "LEFT JOIN"),
  rankWithin: ({ source, partition, carry, order }) =>
    `SELECT ${[...partition.map((p) => `${p.expr} AS ${p.alias}`), ...carry].join(", ")}, ` +
    `ROW_NUMBER() OVER (PARTITION BY ${partition.map((p) => p.expr).join(", ")} ORDER BY ${
      order.map((o) => `${o.column}${o.desc ? " DESC" : ""}`).join(", ")
    }) AS sb_rank FROM ${source}`,
  topPairs: (index, points, cond, limit) =>
    `(list({'i': ${index}, 'p': ${points}} ORDER BY abs(${points}) DESC, ${index}) ` +
    `FILTER (WHERE ${cond} AND ${points} <> 0))[1:${limit}]`,
  reasonsText(pairs, extra, factor, ids, limit) {
    // Sorted as structs: (-abs(points), index) first, so list_sort orders as topPairs does.
    const key = (p: string, i: string) => `{'k': -abs(${p}), 'i': ${i}, 'p': ${p}}`;
    const lists = [
      ...(pairs === null
        ? []
        : [`list_transform(COALESCE(${pairs}, []), lambda sb_x: ${key("sb_x.p", "sb_x.i")})`]),
      ...extra.map((e) =>
        `CASE WHEN ${e.cond} THEN [${key(duckdb.number(e.points), String(e.index))}] ELSE [] END`
      ),
    ];
    const merged = pairs !== null && lists.length === 1
      ? lists[0]
      : `list_sort(${lists.length === 1 ? lists[0] : `list_concat(${lists.join(", ")})`})`;
    const v = `(sb_r.p * ${factor})`;
    const label = `[${ids.map(string).join(", ")}][sb_r.i + 1] || ':' || ` +
      `CASE WHEN ${v} > 0 THEN '+' ELSE '' END || ${duckdb.formatNumber(v)}`;
    return `COALESCE(array_to_string(list_transform(list_filter(${merged}, lambda sb_r: ${v} <> 0)[1:${limit}], lambda sb_r: ${label}), ';'), '')`;
  },
  mapAgg: (key, value) => `map_from_entries(list({'k': ${key}, 'v': ${value}}))`,
  emptyMap: () => `MAP([]::VARCHAR[], []::DOUBLE[])`,
  materialized: "MATERIALIZED ",
  formatNumber(expr) {
    // DuckDB prints the shortest round-trip digits but in its own layout (`20.0`, `1e-07`);
    // take those digits (d) and the decimal point's position (n), then lay them out as
    // JavaScript does. Lambdas stand in for local variables.
    const layout = "CASE WHEN b.d = '' THEN '0' " +
      "WHEN length(b.d) <= b.n AND b.n <= 21 THEN b.d || repeat('0', b.n - length(b.d)) " +
      "WHEN 0 < b.n AND b.n <= 21 THEN substr(b.d, 1, b.n) || '.' || substr(b.d, b.n + 1) " +
      "WHEN -6 < b.n AND b.n <= 0 THEN '0.' || repeat('0', -b.n) || b.d " +
      "ELSE substr(b.d, 1, 1) || CASE WHEN length(b.d) > 1 THEN '.' || substr(b.d, 2) ELSE '' END " +
      "|| 'e' || CASE WHEN b.n - 1 >= 0 THEN '+' ELSE '-' END || CAST(abs(b.n - 1) AS VARCHAR) END";
    const digits = "{'d': trim(a.ip || a.fp, '0'), " +
      "'n': length(a.ip) + a.e - (length(a.ip || a.fp) - length(ltrim(a.ip || a.fp, '0')))}";
    const parts = "{'ip': regexp_extract(s, '^([0-9]+)', 1), " +
      "'fp': regexp_extract(s, '^[0-9]+[.]?([0-9]*)', 1), " +
      "'e': COALESCE(TRY_CAST(regexp_extract(s, 'e([-+]?[0-9]+)$', 1) AS INTEGER), 0)}";
    const slow = `(CASE WHEN ${expr} < 0 THEN '-' ELSE '' END || ` +
      `list_transform([CAST(abs(${expr}) AS VARCHAR)], lambda s: ` +
      `list_transform([${parts}], lambda a: ` +
      `list_transform([${digits}], lambda b: ${layout})[1])[1])[1])`;
    // Fast paths first (DuckDB evaluates a CASE branch only for the rows that reach it):
    // whole numbers below 1e15, and the range where both print plain decimals alike.
    return `(CASE WHEN ${expr} = trunc(${expr}) AND abs(${expr}) < 1e15 ` +
      `THEN CAST(CAST(${expr} AS BIGINT) AS VARCHAR) ` +
      `WHEN abs(${expr}) >= 1e-4 AND abs(${expr}) < 1e15 THEN CAST(${expr} AS VARCHAR) ` +
      `ELSE ${slow} END)`;
  },
};
