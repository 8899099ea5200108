/** The types rules read a column as: text, number, boolean or list of texts. */
export type ColumnType = "VARCHAR" | "DOUBLE" | "BOOLEAN" | "VARCHAR[]";

/**
 * What `compileToSql` needs from a database's SQL. The compiler writes portable SQL
 * (CTEs, joins, CASE, GROUP BY) itself and asks the dialect for everything that differs
 * between engines: quoting, literals, string matching, time arithmetic, list and map
 * handling, ranking and number formatting.
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
  /** Boolean literal. */
  boolean(value: boolean): string;
  /** `NULL` of the dialect's text type. */
  nullText(): string;

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

  /** An event or contact time column as epoch milliseconds (DOUBLE). */
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
  /** A `;`-separated text as a list of its trimmed, non-empty parts. */
  splitList(text: string): string;
  /** A list (array) of the integer expressions. */
  intList(items: string[]): string;
  /**
   * A select-list item producing one row per element of a list (rows whose element is NULL
   * are removed by the caller's `WHERE alias IS NOT NULL`).
   */
  unnest(listExpr: string, alias: string): string;
  /** A bucket 0..count-1 of a text, the same for the same text in every table. */
  bucketOf(text: string, count: number): string;
  /** `ROW_NUMBER()` over a partition in an order. */
  rowNumber(partitionBy: string[], orderBy: string[]): string;
  /** Aggregate: a map from `key` to `value` (keys in no particular order). */
  mapAgg(key: string, value: string): string;
  /** An empty map of the type `mapAgg` returns. */
  emptyMap(): string;
  /** The non-NULL texts joined by `separator`, in the order given. */
  joinNonNull(items: string[], separator: string): string;
  /**
   * Keyword put before a CTE's body (`x AS MATERIALIZED (...)`) so that a CTE read several
   * times is computed once; empty where the database has no such hint.
   */
  readonly materialized: string;
  /** Shortest text that reads back as the same double, as JavaScript prints it. */
  formatNumber(expr: string): string;
}
