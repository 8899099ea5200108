/**
 * A `where` predicate as a SQL condition with the engine's semantics
 * (`src/engine/match_predicate.ts`): missing values (NULL, empty text, NaN, empty list)
 * fail every operator but `exists: false`, `neq` and `notIn`; numbers equal text that
 * spells them; order operators compare numerically for a number bound and as text for a
 * text bound; on a list column a test holds when some element holds (`neq`/`notIn`: when
 * no element is equal).
 *
 * The column's type is known when the SQL is written, so each test is typed statically
 * (SQL cannot apply a list function to a text column even in a branch never taken).
 */
import type { Predicate, Scalar } from "../config/types.ts";
import type { ValueType as ColumnType } from "./column_type.ts";
import type { SqlDialect } from "./sql_dialect.ts";

type ScalarType = Exclude<ColumnType, "VARCHAR[]">;

function numericText(s: string): number {
  return s.trim() === "" ? NaN : Number(s);
}

/** `value == x` as the engine's `scalarEquals`, for a present value of column type `type`. */
function equals(d: SqlDialect, v: string, type: ScalarType, x: Scalar): string {
  switch (type) {
    case "VARCHAR":
      if (typeof x === "string") return `${v} = ${d.string(x)}`;
      if (typeof x === "number") {
        return Number.isNaN(x) ? d.boolean(false) : `${d.numberFromText(v)} = ${d.number(x)}`;
      }
      return `${v} = ${d.string(String(x))}`;
    case "DOUBLE": {
      if (typeof x === "number") return `${v} = ${d.number(x)}`;
      if (typeof x === "string") {
        const n = numericText(x);
        return Number.isFinite(n) ? `${v} = ${d.number(n)}` : d.boolean(false);
      }
      return d.boolean(false);
    }
    case "BOOLEAN":
      if (typeof x === "boolean") return x ? v : `NOT ${v}`;
      if (x === "true") return v;
      if (x === "false") return `NOT ${v}`;
      return d.boolean(false);
  }
}

function textOf(d: SqlDialect, v: string, type: ScalarType): string {
  return type === "VARCHAR" ? v : d.asText(v, type);
}

type Cmp = ">" | ">=" | "<" | "<=";

function order(
  d: SqlDialect,
  v: string,
  type: ScalarType,
  bound: number | string,
  cmp: Cmp,
): string {
  if (typeof bound === "number") {
    if (type === "BOOLEAN") return d.boolean(false);
    const n = type === "DOUBLE" ? v : d.numberFromText(v);
    // DuckDB sorts NaN above every number; the engine's NaN compares false.
    return `(NOT ${d.isNaN(n)} AND ${n} ${cmp} ${d.number(bound)})`;
  }
  return type === "VARCHAR" ? `${v} ${cmp} ${d.string(bound)}` : d.boolean(false);
}

/** The positive tests and the negative (must not hold) equalities of a predicate. */
function tests(
  d: SqlDialect,
  predicate: Predicate,
): {
  positive: ((v: string, t: ScalarType) => string)[];
  negative: ((v: string, t: ScalarType) => string)[];
} {
  const positive: ((v: string, t: ScalarType) => string)[] = [];
  const negative: ((v: string, t: ScalarType) => string)[] = [];
  for (const [op, x] of Object.entries(predicate)) {
    switch (op) {
      case "eq":
        positive.push((v, t) => equals(d, v, t, x as Scalar));
        break;
      case "neq":
        negative.push((v, t) => equals(d, v, t, x as Scalar));
        break;
      case "in":
        positive.push((v, t) => anyOf(d, (x as Scalar[]).map((e) => equals(d, v, t, e))));
        break;
      case "notIn":
        negative.push((v, t) => anyOf(d, (x as Scalar[]).map((e) => equals(d, v, t, e))));
        break;
      case "prefix":
        positive.push((v, t) => d.startsWith(textOf(d, v, t), x as string));
        break;
      case "contains":
        positive.push((v, t) => d.contains(textOf(d, v, t), x as string));
        break;
      case "glob":
        positive.push((v, t) => d.glob(textOf(d, v, t), x as string));
        break;
      case "gt":
        positive.push((v, t) => order(d, v, t, x as number | string, ">"));
        break;
      case "gte":
        positive.push((v, t) => order(d, v, t, x as number | string, ">="));
        break;
      case "lt":
        positive.push((v, t) => order(d, v, t, x as number | string, "<"));
        break;
      case "lte":
        positive.push((v, t) => order(d, v, t, x as number | string, "<="));
        break;
      case "between": {
        const [lo, hi] = x as [number | string, number | string];
        positive.push((v, t) => `(${order(d, v, t, lo, ">=")} AND ${order(d, v, t, hi, "<=")})`);
        break;
      }
      case "exists":
        break;
      default:
        throw new SyntaxError(`Cannot compile predicate to SQL: unknown operator "${op}"`);
    }
  }
  return { positive, negative };
}

function anyOf(d: SqlDialect, conds: string[]): string {
  return conds.length === 0 ? d.boolean(false) : `(${conds.join(" OR ")})`;
}

/** True when the value of a column of type `type` is missing. */
export function missingSql(d: SqlDialect, v: string, type: ColumnType): string {
  switch (type) {
    case "VARCHAR":
      return `(${v} IS NULL OR ${v} = '')`;
    case "DOUBLE":
      return `(${v} IS NULL OR ${d.isNaN(v)})`;
    case "BOOLEAN":
      return `(${v} IS NULL)`;
    case "VARCHAR[]":
      return `(${v} IS NULL OR ${d.listLength(v)} = 0)`;
  }
}

/**
 * The condition that `predicate` holds on column expression `v` of type `type`; `v` null
 * means the table has no such column (every value missing).
 */
export function predicateSql(
  d: SqlDialect,
  v: string | null,
  type: ColumnType,
  predicate: Predicate,
): string {
  const { positive, negative } = tests(d, predicate);
  const exists = predicate.exists;
  const whenMissing = exists !== true && positive.length === 0;
  if (v === null) return d.boolean(whenMissing);
  // A present value fails `exists: false` whatever else the predicate says.
  if (exists === false) return whenMissing ? missingSql(d, v, type) : d.boolean(false);
  const parts: string[] = [];
  if (type === "VARCHAR[]") {
    for (const t of positive) parts.push(d.sure(d.listAny(v, (el) => t(el, "VARCHAR"))));
    for (const t of negative) parts.push(`NOT ${d.sure(d.listAny(v, (el) => t(el, "VARCHAR")))}`);
  } else {
    for (const t of positive) parts.push(d.sure(t(v, type)));
    for (const t of negative) parts.push(`NOT ${d.sure(t(v, type))}`);
  }
  const present = parts.length === 0 ? d.boolean(true) : parts.join(" AND ");
  return `(CASE WHEN ${missingSql(d, v, type)} THEN ${
    d.boolean(whenMissing)
  } ELSE (${present}) END)`;
}
