/**
 * ClickHouse as a target of `compileToSql`, in the SQL that both 18.16 and current
 * releases read: no `WITH` relations, no window functions, no `TRUE`/`FALSE`, one join per
 * `SELECT` with `USING` and an explicit `ALL`, `CASE` over arrays written as searched
 * `CASE`. Ranking within a group is a sorted `groupArray` taken apart by `ARRAY JOIN`.
 *
 * Tables as `clickhouseSchema()` creates them: `ts` a `Float64` of epoch milliseconds
 * (18.16's `DateTime` holds whole seconds only), optional columns `Nullable`, lists
 * `Array(String)`. `scopes` comes out as a tuple of two arrays, `(names, sums)`.
 */
import type { SqlDialect } from "../sql_dialect.ts";
import { floatLiteral, globToLike } from "./duckdb.ts";

function string(value: string): string {
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

const TRIM = string("^\\s+|\\s+$");
const DECIMAL = string(
  "^\\s*([+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?)\\s*$",
);

/** ClickHouse SQL (18.16 and later): see the module doc. */
export const clickhouse: SqlDialect = {
  name: "clickhouse",
  ident: (name) => `\`${name.replaceAll("\\", "\\\\").replaceAll("`", "\\`")}\``,
  string,
  number: floatLiteral,
  boolean: (value) => (value ? "1" : "0"),
  nullText: () => "CAST(NULL AS Nullable(String))",
  sure: (cond) => `ifNull(${cond}, 0)`,
  nullIf: (a, b) => `nullIf(${a}, ${b})`,
  text: (expr) => `toString(${expr})`,
  double: (expr) => `toFloat64(${expr})`,
  notNull: (expr) => `assumeNotNull(${expr})`,
  integer: (expr) => `toInt64(${expr})`,

  asText: (expr, type) =>
    type === "DOUBLE" ? clickhouse.formatNumber(expr) : `if(${expr}, 'true', 'false')`,
  // toFloat64OrNull reads no leading `+`; the pattern admits what Number() reads in decimal.
  numberFromText: (text) =>
    `toFloat64OrNull(replaceRegexpOne(extract(${text}, ${DECIMAL}), '^[+]', ''))`,
  isNaN: (expr) => `isNaN(${expr})`,
  startsWith: (text, prefix) => `startsWith(${text}, ${string(prefix)})`,
  contains: (text, needle) => `(position(${text}, ${string(needle)}) > 0)`,
  // LIKE is anchored, case-sensitive and counts `_` per UTF-8 character.
  glob: (text, pattern) => `(${text} LIKE ${string(globToLike(pattern))})`,

  epochMs: (expr, stored) =>
    stored === "epoch_ms" ? `toFloat64(${expr})` : `(toFloat64(toUnixTimestamp(${expr})) * 1000)`,
  pow: (base, exponent) => `pow(${base}, ${exponent})`,
  floor: (expr) => `floor(${expr})`,
  isoUtc(msExpr) {
    const ms = `toInt64(${msExpr})`;
    return `concat(replaceOne(toString(toDateTime(toUInt32(intDiv(${ms}, 1000)), 'UTC')), ' ', 'T'), ` +
      `if(${ms} % 1000 = 0, 'Z', concat('.', substring(toString(1000 + ${ms} % 1000), 2), 'Z')))`;
  },
  phoneKey: (text) =>
    `nullIf(replaceRegexpOne(replaceRegexpAll(${text}, '[^0-9]', ''), '^8([0-9]{10})$', '7\\\\1'), '')`,
  emailKey: (text) => `nullIf(lowerUTF8(replaceRegexpAll(${text}, ${TRIM}, '')), '')`,

  listHasAny: (listExpr, values) => `hasAny(${listExpr}, [${values.map(string).join(", ")}])`,
  listLength: (listExpr) => `length(${listExpr})`,
  listAny: (listExpr, predicate) =>
    `arrayExists(sb_item -> ifNull(${predicate("sb_item")}, 0), ${listExpr})`,
  // splitByChar takes a constant separator: without a `;`, the commas become `;` first.
  splitList: (text) => {
    const t = `ifNull(${text}, '')`;
    return `arrayFilter(sb_part -> sb_part != '', arrayMap(sb_part -> replaceRegexpAll(sb_part, ${TRIM}, ''), splitByChar(';', if(position(${t}, ';') > 0, ${t}, replaceAll(${t}, ',', ';')))))`;
  },
  intList: (items) => `CAST([${items.join(", ")}], 'Array(Nullable(Int32))')`,
  numberList: (values) => `[${values.map((v) => clickhouse.number(v)).join(", ")}]`,
  distinctList: (expr, table) => `(SELECT groupUniqArray(${expr}) FROM ${table})`,
  listMin: (listExpr) => `arrayReduce('min', ${listExpr})`,
  listMax: (listExpr) => `arrayReduce('max', ${listExpr})`,
  unnest: (listExpr, alias) => `arrayJoin(${listExpr}) AS ${alias}`,
  bucketOf: (text, count) => `toInt32(cityHash64(${text}) % ${count})`,
  join: (kind) => (kind === "inner" ? "ALL INNER JOIN" : "ALL LEFT JOIN"),
  rankWithin({ source, partition, carry, order }) {
    const at = (column: string) => {
      const k = carry.indexOf(column);
      if (k < 0) throw new Error(`Cannot rank by "${column}": it is not carried`);
      return `sb_x.${k + 1}`;
    };
    const key = order.map((o) => (o.desc ? `-${at(o.column)}` : at(o.column)));
    const keys = partition.map((p) => (p.expr === p.alias ? p.alias : `${p.expr} AS ${p.alias}`));
    return `SELECT ${partition.map((p) => p.alias).join(", ")}, ${
      carry.map((c, k) => `tupleElement(sb_t, ${k + 1}) AS ${c}`).join(", ")
    }, sb_rank FROM (SELECT ${keys.join(", ")}, arraySort(sb_x -> (${
      key.join(", ")
    }), groupArray((${carry.join(", ")}))) AS sb_a FROM ${source} GROUP BY ${
      partition.map((p) => p.alias).join(", ")
    }) ARRAY JOIN sb_a AS sb_t, arrayEnumerate(sb_a) AS sb_rank`;
  },
  topPairs: (index, points, cond, limit) =>
    `arraySlice(arraySort(sb_x -> (-abs(sb_x.2), sb_x.1), groupArrayIf((toFloat64(${index}), toFloat64(${points})), ${cond} AND ${points} != 0)), 1, ${limit})`,
  reasonsText(pairs, extra, factor, ids, limit) {
    const lists = [
      ...(pairs === null ? [] : [pairs]),
      ...extra.map((e) =>
        `arrayFilter(sb_e -> ifNull(${e.cond}, 0), [(${clickhouse.number(e.index)}, ${
          clickhouse.number(e.points)
        })])`
      ),
    ];
    const merged = `arraySort(sb_r -> (-abs(sb_r.2), sb_r.1), ${
      lists.length === 1 ? lists[0] : `arrayConcat(${lists.join(", ")})`
    })`;
    const v = `assumeNotNull(sb_r.2 * ${factor})`;
    const label = `concat([${ids.map(string).join(", ")}][toUInt32(sb_r.1) + 1], ':', ` +
      `if(${v} > 0, '+', ''), ${clickhouse.formatNumber(v)})`;
    return `arrayStringConcat(arrayMap(sb_r -> ${label}, arraySlice(arrayFilter(sb_r -> ${v} != 0, ${merged}), 1, ${limit})), ';')`;
  },
  mapAgg: (key, value) => `(groupArray(assumeNotNull(${key})), groupArray(${value}))`,
  emptyMap: () => `(CAST([], 'Array(String)'), CAST([], 'Array(Float64)'))`,
  materialized: null,
  // ClickHouse prints the shortest round-trip digits as JavaScript does, except that an
  // exponent has no `+` (`1e21` for JavaScript's `1e+21`).
  formatNumber: (expr) => `replaceRegexpOne(toString(toFloat64(${expr})), 'e([0-9])', 'e+\\\\1')`,
};
