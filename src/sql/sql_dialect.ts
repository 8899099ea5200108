/**
 * What `compileToSql` needs from a database's SQL. The compiler writes the plan (which
 * relation reads which, joins by `USING`, one join per `SELECT`, GROUP BY, CASE) itself,
 * in the subset every supported database reads, and asks the dialect for everything that
 * differs: quoting, literals, casts, string matching, time, lists, maps, ranking within a
 * group, ordered aggregates and number formatting.
 */
export interface SqlDialect {
  /** Name used by `--dialect`. */
  readonly name: string;
  /** Quoted identifier (`"stage"`). */
  ident(name: string): string;
  /** String literal with every special character escaped. */
  string(value: string): string;
  /** Double-precision literal that reads back as exactly `value`. */
  number(value: number): string;
  /** A true or false condition. */
  boolean(value: boolean): string;
  /** `NULL` of the dialect's text type. */
  nullText(): string;
  /** A condition in which NULL reads as false (a NULL under NOT would read as true). */
  sure(cond: string): string;
  /** `a`, or NULL where it equals the text `b`. */
  nullIf(a: string, b: string): string;
  /** Any column as text. */
  text(expr: string): string;
  /** A number as a double. */
  double(expr: string): string;
  /** A value known not to be NULL, typed so (an element of a list of nullable numbers). */
  notNull(expr: string): string;
  /** A whole number as a 64-bit integer. */
  integer(expr: string): string;

  /** A number or boolean column as text (`true`, `1.5`); numbers as JavaScript prints them. */
  asText(expr: string, type: "DOUBLE" | "BOOLEAN"): string;
  /** The number a text spells (decimal notation, surrounding blanks allowed), else NULL. */
  numberFromText(text: string): string;
  /** True for a NaN double. */
  isNaN(expr: string): string;
  /** `text` starts with the literal `prefix`. */
  startsWith(text: string, prefix: string): string;
  /** `text` contains the literal `needle`. */
  contains(text: string, needle: string): string;
  /** `text` matches `pattern` whole, `*` any run, `?` one character, case-sensitive. */
  glob(text: string, pattern: string): string;

  /**
   * An event time or instant column as epoch milliseconds (double). The one place where
   * the stored form of time is read: a number of milliseconds, or a timestamp (UTC).
   */
  epochMs(expr: string, stored: "epoch_ms" | "timestamp"): string;
  /** `base ^ exponent` in double precision. */
  pow(base: string, exponent: string): string;
  /** Largest integer not above `expr`. */
  floor(expr: string): string;
  /** ISO 8601 UTC text of an epoch-ms instant: `2024-03-31T00:00:00Z`, `...00.250Z` with ms. */
  isoUtc(msExpr: string): string;
  /**
   * Phone key of a text as the engine's `normalizePhone`: digits only, an 11-digit number
   * starting with `8` turned into `7...`, NULL when there are no digits.
   */
  phoneKey(text: string): string;
  /** E-mail key as the engine's `normalizeEmail`: trimmed, lower-case, NULL when empty. */
  emailKey(text: string): string;

  /** A list (array) column intersects the literal strings. */
  listHasAny(listExpr: string, values: string[]): string;
  /** Number of elements of a list column. */
  listLength(listExpr: string): string;
  /** Any element of a list column satisfies `predicate(element)`. */
  listAny(listExpr: string, predicate: (element: string) => string): string;
  /**
   * A text list as its trimmed, non-empty parts, split as the engine's `splitList` does: on
   * `;` when the text has one, else on `,`.
   */
  splitList(text: string): string;
  /** A list of (possibly NULL) small integer expressions; `[]` gives an empty list. */
  intList(items: string[]): string;
  /** A list of double literals. */
  numberList(values: number[]): string;
  /** The distinct values of `expr` over table `table`, as a list (a scalar subquery). */
  distinctList(expr: string, table: string): string;
  /** The smallest element of a list of doubles. */
  listMin(listExpr: string): string;
  /** The largest element of a list of doubles. */
  listMax(listExpr: string): string;
  /**
   * A select-list item giving one row per element of a list (rows whose element is NULL
   * are removed by the caller's `WHERE alias IS NOT NULL`).
   */
  unnest(listExpr: string, alias: string): string;
  /** A bucket 0..count-1 of a text, the same for the same text in every table. */
  bucketOf(text: string, count: number): string;
  /** `JOIN` keyword of an inner or left join matching every pair of rows. */
  join(kind: "inner" | "left"): string;

  /**
   * A `SELECT` over relation `source` returning the `partition` columns, the `carry`
   * columns and `sb_rank`: each row's 1-based position within its partition in `order`
   * (`desc` orders by that expression descending; expressions are numbers).
   */
  rankWithin(options: {
    source: string;
    partition: { expr: string; alias: string }[];
    carry: string[];
    order: { column: string; desc: boolean }[];
  }): string;

  /**
   * Aggregate: the (index, points) pairs of the rows where `cond` holds and points are not
   * 0, largest `abs(points)` first then smallest index, at most `limit` of them.
   */
  topPairs(index: string, points: string, cond: string, limit: number): string;
  /**
   * The `reasons` text: `pairs` (from `topPairs`, possibly NULL or empty) merged with the
   * pairs of `extra` whose condition holds, ordered as `topPairs` orders, those whose
   * points times `factor` are 0 dropped, the first `limit` labelled
   * `id:+points` with `ids[index]` and points times `factor`, joined by `;`.
   */
  reasonsText(
    pairs: string | null,
    extra: { cond: string; index: number; points: number }[],
    factor: string,
    ids: string[],
    limit: number,
  ): string;

  /** Aggregate: a map from `key` to `value` (keys in no particular order, no repeats). */
  mapAgg(key: string, value: string): string;
  /** An empty map of the type `mapAgg` returns. */
  emptyMap(): string;
  /**
   * Keyword put before a CTE's body (`x AS MATERIALIZED (...)`) so that a relation read
   * several times is computed once; `null` where the database reads no `WITH` relations:
   * every relation is then written in place as a subquery.
   */
  readonly materialized: string | null;
  /** Shortest text that reads back as the same double, as JavaScript prints it. */
  formatNumber(expr: string): string;
}
