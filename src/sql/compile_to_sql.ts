/**
 * A scoring config as ONE SQL query that returns the rows of `scores.csv` (as the engine's
 * `scoreContacts` would score them), so production can score inside its database.
 *
 * Tables the query reads (names configurable):
 * - `events`: `contact_id`, `ts`, `type`, the input-order column `seq` (ties on `ts` keep
 *   this order) and the columns the rules test, as the product's loaders write them
 *   (`docs/formats.md`, "DuckDB tables": `ts` a UTC `TIMESTAMP`, lists `VARCHAR[]`);
 *   `timestamps: "epoch_ms"` reads `ts` as epoch milliseconds in a number column instead.
 * - `contacts`: `contact_id` and the columns of attributes, audience, stage and verification
 *   (`interests`/`tags` as `VARCHAR[]` or `;`-separated text). Optional: without it every
 *   contact seen in the events is scored.
 * - `verification`: any of `contact_id`, `phone`, `email`. Optional.
 * - `as_of` (column `as_of`, same time form as `ts`) unless the instants are given.
 *
 * Output columns, ordered by `as_of` then `contact_id`: `as_of` (ISO 8601 UTC text),
 * `contact_id`, `score`, `tier`, `matched_events`, `verified`, `reasons` (`id:+12.5;id:-20`)
 * and `scopes`, a map from `stage:<name>`/`tag:<name>` to the scope's sum (absent = 0): the
 * stage names come from the data, so they cannot be columns of a query written before it.
 *
 * Where the engine and the SQL may still differ, by design or by database:
 * - text read as a number accepts decimal notation only (`Number()` also reads `0x1A` and
 *   `Infinity`);
 * - the engine refuses duplicate contact ids and events without a contact id; the SQL
 *   scores what the tables hold;
 * - rows come sorted by DuckDB's byte order of `contact_id`, which differs from the
 *   engine's UTF-16 order only between characters above U+FFFF and U+E000..U+FFFF;
 * - sums are added in another order, so decayed scores agree to about 1e-15 relative,
 *   not bit for bit (the contract asks for 1e-9).
 */
import type { Predicate, ScoringConfig } from "../config/types.ts";
import { duckdbColumns, type DuckDBType } from "../tables/mod.ts";
import { sqlDialect } from "./dialects/mod.ts";
import { predicateSql } from "./_predicate_sql.ts";
import type { ColumnType, SqlDialect } from "./sql_dialect.ts";
import { DAY_MS } from "../tables/mod.ts";

/**
 * Column types of the tables the product loads (`duckdbColumns`, `docs/formats.md`),
 * assumed when `columns` does not say.
 */
export const CANONICAL_COLUMNS: Readonly<
  Record<"events" | "contacts" | "verification", Readonly<Record<string, DuckDBType>>>
> = {
  events: duckdbColumns("events"),
  contacts: duckdbColumns("contacts"),
  verification: duckdbColumns("verification"),
};

/** Names of the tables the query reads. */
export interface SqlTables {
  /** The events table. @default "events" */
  events?: string;
  /** `null`: no contacts table, every contact seen in the events is scored. @default "contacts" */
  contacts?: string | null;
  /**
   * `null`: no verification table, nobody is verified.
   * @default "verification" when the config has a `verification` block, else null
   */
  verification?: string | null;
  /** Table of instants (column `as_of`), read when `asOf` is not given. @default "as_of" */
  asOf?: string;
}

/** The columns and types of the tables, when they are not the canonical ones. */
export interface SqlColumns {
  /**
   * Exactly the columns of each table with their types; a column a rule tests that is not
   * listed holds only missing values.
   * @default the canonical columns (`CANONICAL_COLUMNS`), any other tested column as `VARCHAR`
   */
  events?: Record<string, DuckDBType>;
  /** The contacts table's columns. @default as for `events` */
  contacts?: Record<string, DuckDBType>;
  /** The verification table's columns. @default as for `events` */
  verification?: Record<string, DuckDBType>;
}

/** Dialect, instants, tables and columns of the compiled query. */
export interface CompileToSqlOptions {
  /** Target SQL: a dialect name or a `SqlDialect`. @default "duckdb" */
  dialect?: string | SqlDialect;
  /**
   * Instants to score as of (epoch ms), written into the query.
   * @default undefined (the query reads them from table `tables.asOf`)
   */
  asOf?: number[];
  /** Table names. @default {} */
  tables?: SqlTables;
  /** Column types of the tables. @default {} */
  columns?: SqlColumns;
  /**
   * How `as_of` (and `ts` and `created_at` when `columns` does not say) are stored:
   * `TIMESTAMP`, as the product's loaders write them, or epoch milliseconds as numbers.
   * @default "timestamp"
   */
  timestamps?: "epoch_ms" | "timestamp";
  /**
   * Scores only the contacts whose id hashes to bucket `index` of `count`: running the
   * query once per bucket and concatenating the rows (then sorting by `as_of`,
   * `contact_id`) gives the full result within a smaller memory budget, as DuckDB-WASM
   * needs beyond a few million events.
   * @default undefined (every contact)
   */
  partition?: { count: number; index: number };
  /**
   * Events column holding the input order; `null` when there is none (ties on `ts` under
   * `maxPerDay`/`maxCount` are then broken arbitrarily).
   * @default "seq"
   */
  orderColumn?: string | null;
}

interface Column {
  expr: string;
  type: ColumnType;
}

function columnLookup(
  d: SqlDialect,
  alias: string,
  given: Record<string, DuckDBType> | undefined,
  canonical: Readonly<Record<string, DuckDBType>>,
): (name: string) => Column | null {
  // Instants read as epoch milliseconds, as the engine's rows hold them; whole numbers
  // as doubles. Text columns are cast so that a column of another type reads as its text
  // instead of failing the query; on a VARCHAR the cast costs nothing.
  const column = (key: string, type: DuckDBType): Column => {
    const ref = `${alias}.${d.ident(key)}`;
    if (type === "TIMESTAMP") return { expr: d.epochMs(ref, "timestamp"), type: "DOUBLE" };
    if (type === "BIGINT") return { expr: ref, type: "DOUBLE" };
    return { expr: type === "VARCHAR" ? `CAST(${ref} AS VARCHAR)` : ref, type };
  };
  return (name) => {
    if (given) {
      const key = Object.keys(given).find((k) => k.toLowerCase() === name.toLowerCase());
      return key === undefined ? null : column(key, given[key]);
    }
    return column(name, canonical[name] ?? "VARCHAR");
  };
}

function checkInstants(asOf: number[]): number[] {
  if (asOf.length === 0) throw new RangeError("Cannot write SQL: no instant given (asOf is empty)");
  for (const t of asOf) {
    if (typeof t !== "number" || !Number.isFinite(t)) {
      throw new TypeError(`Cannot write SQL as of "${t}": expected epoch milliseconds`);
    }
  }
  return [...new Set(asOf)].sort((a, b) => a - b);
}

/**
 * Compiles `config` to one SQL query returning the `scores.csv` rows the engine computes
 * (see the module doc for the tables it reads and the columns it returns).
 */
export function compileToSql(config: ScoringConfig, options: CompileToSqlOptions = {}): string {
  const {
    dialect = "duckdb",
    asOf,
    tables = {},
    columns = {},
    timestamps = "timestamp",
    orderColumn = "seq",
    partition,
  } = options;
  if (
    partition !== undefined &&
    !(Number.isInteger(partition.count) && partition.count >= 1 &&
      Number.isInteger(partition.index) && partition.index >= 0 &&
      partition.index < partition.count)
  ) {
    throw new RangeError(
      `Cannot write SQL for partition ${partition.index} of ${partition.count}: expected whole numbers with 0 <= index < count`,
    );
  }
  const inPartition = (idExpr: string) =>
    partition === undefined || partition.count === 1
      ? null
      : `${d.bucketOf(idExpr, partition.count)} = ${partition.index}`;
  const d = typeof dialect === "string" ? sqlDialect(dialect) : dialect;
  const q = (name: string) => d.ident(name);
  const num = (x: number) => d.number(x);
  const eventsTable = tables.events ?? "events";
  const contactsTable = tables.contacts === undefined ? "contacts" : tables.contacts;
  const verificationTable = tables.verification === undefined
    ? (config.verification ? "verification" : null)
    : tables.verification;
  const asOfTable = tables.asOf ?? "as_of";

  const instant: DuckDBType = timestamps === "timestamp" ? "TIMESTAMP" : "DOUBLE";
  const eventCol = columnLookup(d, "e", columns.events, {
    ...CANONICAL_COLUMNS.events,
    ts: instant,
  });
  const contactCol = contactsTable === null ? () => null : columnLookup(d, "c", columns.contacts, {
    ...CANONICAL_COLUMNS.contacts,
    created_at: instant,
  });
  const verificationCol = columnLookup(
    d,
    "v",
    columns.verification,
    CANONICAL_COLUMNS.verification,
  );
  const required = (col: Column | null, table: string, name: string): Column => {
    if (col === null) {
      throw new RangeError(`Cannot write SQL: table "${table}" has no column "${name}"`);
    }
    return col;
  };
  const textOf = (col: Column | null): string | null => {
    if (col === null || col.type === "VARCHAR[]") return null;
    return col.type === "VARCHAR" ? col.expr : d.asText(col.expr, col.type);
  };

  const rules = config.rules;
  const attributes = config.attributes;
  const hasRules = rules.length > 0;
  const mode = config.verification?.mode ?? "flag";
  const factor = config.verification?.factor ?? 1;
  const ctes: string[] = [];
  // CTEs read more than once are computed once: inlined, each reader would rescan events.
  const shared = new Set(["sb_people", "sb_kept", "sb_rule_sums", "sb_scored"]);
  const cte = (name: string, body: string) =>
    ctes.push(`${q(name)} AS ${shared.has(name) ? d.materialized : ""}(\n${body}\n)`);

  // Instants, deduplicated as the engine does.
  if (asOf !== undefined) {
    const list = checkInstants(asOf);
    cte(
      "sb_instants",
      `  SELECT DISTINCT CAST(sb_v AS DOUBLE) AS as_of FROM (VALUES ${
        list.map((t) => `(${num(t)})`).join(", ")
      }) AS sb_t(sb_v)`,
    );
  } else {
    cte(
      "sb_instants",
      `  SELECT DISTINCT ${d.epochMs(q("as_of"), timestamps)} AS as_of FROM ${q(asOfTable)}`,
    );
  }

  // People: the contacts that pass the audience's own columns and verification `exclude`.
  const eId = required(eventCol("contact_id"), eventsTable, "contact_id");
  const eTs = required(eventCol("ts"), eventsTable, "ts");
  const eType = required(eventCol("type"), eventsTable, "type");
  const tsExpr = eTs.type === "DOUBLE"
    ? `CAST(${eTs.expr} AS DOUBLE)`
    : d.epochMs(eTs.expr, timestamps);
  const needStage = rules.some((r) => r.scopes.some((s) => s.kind === "stage"));

  let verifiedTest = "FALSE";
  if (verificationTable !== null) {
    const vId = verificationCol("contact_id");
    const vPhone = textOf(verificationCol("phone"));
    const vEmail = textOf(verificationCol("email"));
    const from = `FROM ${q(verificationTable)} AS v`;
    const idExpr = contactsTable === null
      ? "sb_ids.contact_id"
      : `CAST(${contactCol("contact_id")!.expr} AS VARCHAR)`;
    const tests: string[] = [];
    if (vId !== null) {
      const vid = textOf(vId)!;
      tests.push(`${idExpr} IN (SELECT ${vid} ${from} WHERE ${vid} IS NOT NULL AND ${vid} <> '')`);
    }
    const cPhone = textOf(contactCol("phone"));
    if (vPhone !== null && cPhone !== null) {
      tests.push(`${d.phoneKey(cPhone)} IN (SELECT ${d.phoneKey(vPhone)} ${from})`);
    }
    const cEmail = textOf(contactCol("email"));
    if (vEmail !== null && cEmail !== null) {
      tests.push(`${d.emailKey(cEmail)} IN (SELECT ${d.emailKey(vEmail)} ${from})`);
    }
    if (tests.length > 0) verifiedTest = tests.map((t) => `COALESCE(${t}, FALSE)`).join(" OR ");
  }

  const audienceConds: string[] = [];
  const aud = config.audience;
  if (aud) {
    const inText = (name: string, values: string[]) => {
      const col = contactCol(name);
      if (col === null || col.type !== "VARCHAR" || values.length === 0) return "FALSE";
      return `COALESCE(${col.expr} IN (${values.map(d.string).join(", ")}), FALSE)`;
    };
    if (aud.gender) audienceConds.push(inText("gender", aud.gender));
    if (aud.age) {
      const col = contactCol("age");
      const n = col === null
        ? null
        : col.type === "DOUBLE"
        ? col.expr
        : col.type === "VARCHAR"
        ? d.numberFromText(col.expr)
        : null;
      audienceConds.push(
        n === null
          ? "FALSE"
          : `COALESCE(NOT ${d.isNaN(n)} AND ${n} >= ${num(aud.age[0])} AND ${n} <= ${
            num(aud.age[1])
          }, FALSE)`,
      );
    }
    if (aud.interests) {
      const col = contactCol("interests");
      const list = col === null || col.type === "DOUBLE" || col.type === "BOOLEAN"
        ? null
        : col.type === "VARCHAR[]"
        ? col.expr
        : d.splitList(col.expr);
      audienceConds.push(
        list === null || aud.interests.length === 0
          ? "FALSE"
          : `COALESCE(${d.listHasAny(list, aud.interests)}, FALSE)`,
      );
    }
    if (aud.stage) audienceConds.push(inText("stage", aud.stage));
  }
  // Verification is worked out once per contact in an inner SELECT, read below by name.
  const verified = `${contactsTable === null ? "sb_ids" : "c"}.sb_verified`;
  if (mode === "exclude") audienceConds.push(`NOT ${verified}`);

  const attrConds = attributes.map((a) => {
    const col = contactCol(a.field);
    return predicateSql(d, col?.expr ?? null, col?.type ?? "VARCHAR", a.where as Predicate);
  });
  const contactStage = (() => {
    if (!needStage) return d.nullText();
    const col = contactCol("stage");
    return col !== null && col.type === "VARCHAR" ? `NULLIF(${col.expr}, '')` : d.nullText();
  })();
  const factorExpr = mode === "demote"
    ? `CASE WHEN ${verified} THEN ${num(factor)} ELSE ${num(1)} END`
    : num(1);
  const peopleCols = [
    contactsTable === null
      ? "sb_ids.contact_id"
      : `CAST(${contactCol("contact_id")!.expr} AS VARCHAR) AS contact_id`,
    `${contactStage} AS contact_stage`,
    `${verified} AS verified`,
    `${factorExpr} AS factor`,
    ...attrConds.map((c, k) => `${c} AS ${q(`attr_${k}`)}`),
  ];
  const ownPartition = inPartition(
    contactsTable === null
      ? "sb_ids.contact_id"
      : `CAST(${contactCol("contact_id")!.expr} AS VARCHAR)`,
  );
  if (ownPartition !== null) audienceConds.unshift(ownPartition);
  const where = audienceConds.length > 0 ? `\n  WHERE ${audienceConds.join("\n    AND ")}` : "";
  if (contactsTable === null) {
    cte(
      "sb_people",
      `  SELECT ${
        peopleCols.join(",\n    ")
      }\n  FROM (SELECT sb_ids.contact_id, ${verifiedTest} AS sb_verified FROM (SELECT DISTINCT CAST(${eId.expr} AS VARCHAR) AS contact_id FROM ${
        q(eventsTable)
      } AS e) AS sb_ids) AS sb_ids${where}`,
    );
  } else {
    cte(
      "sb_people",
      `  SELECT ${
        peopleCols.join(",\n    ")
      }\n  FROM (SELECT c.*, ${verifiedTest} AS sb_verified FROM ${
        q(contactsTable)
      } AS c) AS c${where}`,
    );
  }

  // Audience `touched`: the first event in the period, which must not be after the instant.
  const touched = aud?.touched ?? null;
  if (touched) {
    const { from, to } = touched;
    const typeCond = touched.types
      ? touched.types.length === 0
        ? " AND FALSE"
        : ` AND ${eType.expr} IN (${touched.types.map(d.string).join(", ")})`
      : "";
    cte(
      "sb_touched",
      `  SELECT CAST(${eId.expr} AS VARCHAR) AS contact_id, min(${tsExpr}) AS first_touch\n  FROM ${
        q(eventsTable)
      } AS e\n  WHERE ${tsExpr} >= ${num(from)} AND ${tsExpr} <= ${
        num(to)
      }${typeCond}\n  GROUP BY 1`,
    );
  }

  const ruleCase = (values: (i: number) => string | null, otherwise: string) => {
    const arms = rules.map((_, i) => [i, values(i)] as const).filter(([, v]) => v !== null);
    if (arms.length === 0) return otherwise;
    return `CASE sb_rule ${
      arms.map(([i, v]) => `WHEN ${i} THEN ${v}`).join(" ")
    } ELSE ${otherwise} END`;
  };
  const idList = (pick: (i: number) => boolean) => rules.map((_, i) => i).filter(pick);

  if (hasRules) {
    // One pass over the events: each event yields the indexes of the rules it matches,
    // testing only the rules on its own type.
    const byType = new Map<string, string[]>();
    rules.forEach((r, i) => {
      const conds: string[] = [];
      for (const [column, predicate] of Object.entries(r.where)) {
        const col = eventCol(column);
        conds.push(predicateSql(d, col?.expr ?? null, col?.type ?? "VARCHAR", predicate));
      }
      const item = conds.length === 0 ? `${i}` : `CASE WHEN ${conds.join(" AND ")} THEN ${i} END`;
      byType.set(r.on, [...(byType.get(r.on) ?? []), item]);
    });
    const matchList = `CASE ${eType.expr} ${
      [...byType].map(([on, items]) => `WHEN ${d.string(on)} THEN ${d.intList(items)}`).join(" ")
    } END`;
    const orderCol = orderColumn === null ? null : eventCol(orderColumn);
    if (orderColumn !== null && orderCol === null) {
      throw new RangeError(
        `Cannot write SQL: table "${eventsTable}" has no column "${orderColumn}"`,
      );
    }
    const eStage = (() => {
      if (!needStage) return d.nullText();
      const col = eventCol("stage");
      return col !== null && col.type === "VARCHAR" ? `NULLIF(${col.expr}, '')` : d.nullText();
    })();
    const types = [...byType.keys()];
    // The events of other buckets are dropped before any rule is tested on them.
    const eventsPartition = inPartition(`CAST(${eId.expr} AS VARCHAR)`);
    cte(
      "sb_event_matches",
      `  SELECT CAST(${eId.expr} AS VARCHAR) AS contact_id, ${tsExpr} AS ts, ${
        orderCol ? `CAST(${orderCol.expr} AS DOUBLE)` : num(0)
      } AS seq, ${eStage} AS event_stage,\n    ${d.unnest(matchList, "sb_rule")}\n  FROM ${
        q(eventsTable)
      } AS e\n  WHERE ${eType.expr} IN (${types.map(d.string).join(", ")})${
        eventsPartition === null ? "" : ` AND ${eventsPartition}`
      }`,
    );
    const lookbackMs = config.window.lookbackDays * DAY_MS;
    cte(
      "sb_matches",
      `  SELECT i.as_of, m.contact_id, m.ts, m.seq, COALESCE(m.event_stage, p.contact_stage) AS stage, m.sb_rule\n` +
        `  FROM sb_event_matches AS m\n  JOIN sb_people AS p ON p.contact_id = m.contact_id\n` +
        `  JOIN sb_instants AS i ON m.ts > i.as_of - ${num(lookbackMs)} AND m.ts <= i.as_of\n` +
        `  WHERE m.sb_rule IS NOT NULL`,
    );
    let last = "sb_matches";
    if (rules.some((r) => r.maxPerDay !== Infinity)) {
      const rank = d.rowNumber(
        ["as_of", "contact_id", "sb_rule", d.floor(`ts / ${num(DAY_MS)}`)],
        ["ts", "seq"],
      );
      const keep = ruleCase(
        (i) => rules[i].maxPerDay === Infinity ? null : `sb_rank <= ${rules[i].maxPerDay}`,
        "TRUE",
      );
      cte(
        "sb_day_kept",
        `  SELECT as_of, contact_id, ts, seq, stage, sb_rule FROM (SELECT *, ${rank} AS sb_rank FROM ${last}) AS sb_r\n  WHERE ${keep}`,
      );
      last = "sb_day_kept";
    }
    if (rules.some((r) => r.maxCount !== Infinity)) {
      const rank = d.rowNumber(["as_of", "contact_id", "sb_rule"], ["ts DESC", "seq DESC"]);
      const keep = ruleCase(
        (i) => rules[i].maxCount === Infinity ? null : `sb_rank <= ${rules[i].maxCount}`,
        "TRUE",
      );
      cte(
        "sb_count_kept",
        `  SELECT as_of, contact_id, ts, seq, stage, sb_rule FROM (SELECT *, ${rank} AS sb_rank FROM ${last}) AS sb_r\n  WHERE ${keep}`,
      );
      last = "sb_count_kept";
    }
    const points = ruleCase((i) => num(rules[i].points), "NULL");
    const hl = config.window.halfLifeDays;
    const value = hl === null
      ? points
      : `(${points}) * ${d.pow(num(0.5), `(as_of - ts) / ${num(hl * DAY_MS)}`)}`;
    cte(
      "sb_kept",
      `  SELECT as_of, contact_id, sb_rule, stage, ${value} AS value FROM ${last}`,
    );
    cte(
      "sb_rule_sums",
      `  SELECT as_of, contact_id, sb_rule, sum(value) AS points, count(*) AS n\n  FROM sb_kept GROUP BY as_of, contact_id, sb_rule`,
    );
    const globalRules = idList((i) => rules[i].scopes.some((s) => s.kind === "global"));
    cte(
      "sb_totals",
      `  SELECT as_of, contact_id, sum(${
        globalRules.length === 0
          ? num(0)
          : `CASE WHEN sb_rule IN (${globalRules.join(", ")}) THEN points ELSE ${num(0)} END`
      }) AS event_points, CAST(sum(n) AS BIGINT) AS matched_events\n  FROM sb_rule_sums GROUP BY as_of, contact_id`,
    );

    // Scopes: stage buckets from the data, tag buckets from the config.
    const parts: string[] = [];
    const stageRules = idList((i) => rules[i].scopes.some((s) => s.kind === "stage"));
    if (stageRules.length > 0) {
      parts.push(
        `  SELECT as_of, contact_id, ${
          d.string("stage:")
        } || stage AS scope, value FROM sb_kept\n  WHERE sb_rule IN (${
          stageRules.join(", ")
        }) AND stage IS NOT NULL`,
      );
    }
    const tagRules = new Map<string, Map<number, number>>();
    rules.forEach((r, i) => {
      for (const s of r.scopes) {
        if (s.kind !== "tag") continue;
        const key = `tag:${s.tag}`;
        const m = tagRules.get(key) ?? new Map<number, number>();
        m.set(i, (m.get(i) ?? 0) + 1);
        tagRules.set(key, m);
      }
    });
    for (const [key, m] of tagRules) {
      // A tag listed twice in one rule adds the match twice, as the engine does.
      const times = [...m.values()].some((k) => k > 1)
        ? ` * CASE sb_rule ${[...m].map(([i, k]) => `WHEN ${i} THEN ${num(k)}`).join(" ")} END`
        : "";
      parts.push(
        `  SELECT as_of, contact_id, ${
          d.string(key)
        } AS scope, value${times} AS value FROM sb_kept\n  WHERE sb_rule IN (${
          [...m.keys()].join(", ")
        })`,
      );
    }
    if (parts.length > 0) {
      cte("sb_scope_parts", parts.join("\n  UNION ALL\n"));
      cte(
        "sb_scopes",
        `  SELECT as_of, contact_id, ${
          d.mapAgg("scope", "points")
        } AS scopes\n  FROM (SELECT as_of, contact_id, scope, sum(value) AS points FROM sb_scope_parts GROUP BY as_of, contact_id, scope) AS sb_s\n  GROUP BY as_of, contact_id`,
      );
    }
    cte(
      "sb_rule_contrib",
      `  SELECT as_of, contact_id, sb_rule AS idx, points FROM sb_rule_sums${
        globalRules.length === 0 ? " WHERE FALSE" : ` WHERE sb_rule IN (${globalRules.join(", ")})`
      }`,
    );
  }

  // Scores: event points, then each attribute added in config order, then demotion.
  const unscored = hasRules ? "COALESCE(t.matched_events, 0) = 0" : "FALSE";
  let global = hasRules ? `COALESCE(t.event_points, ${num(0)})` : num(0);
  attributes.forEach((a, k) => {
    global = `(${global} + CASE WHEN p.${q(`attr_${k}`)} THEN ${num(a.points)} ELSE ${num(0)} END)`;
  });
  const hasScopes = hasRules &&
    rules.some((r) => r.scopes.some((s) => s.kind !== "global"));
  const joins = [
    hasRules ? "LEFT JOIN sb_totals AS t ON t.as_of = i.as_of AND t.contact_id = p.contact_id" : "",
    hasScopes
      ? "LEFT JOIN sb_scopes AS s ON s.as_of = i.as_of AND s.contact_id = p.contact_id"
      : "",
    touched ? "LEFT JOIN sb_touched AS tt ON tt.contact_id = p.contact_id" : "",
  ].filter((j) => j !== "");
  cte(
    "sb_scored",
    `  SELECT i.as_of, p.contact_id, p.verified, p.factor, ${unscored} AS unscored,\n    CASE WHEN ${unscored} THEN ${
      num(0)
    } ELSE ${global} * p.factor END AS score,\n    ${
      hasRules ? "COALESCE(t.matched_events, 0)" : "0"
    } AS matched_events,\n    ${
      hasScopes ? `COALESCE(s.scopes, ${d.emptyMap()})` : d.emptyMap()
    } AS scopes\n` +
      `  FROM sb_instants AS i CROSS JOIN sb_people AS p\n  ${joins.join("\n  ")}${
        touched ? "\n  WHERE tt.first_touch <= i.as_of" : ""
      }`,
  );

  // Reasons: the three largest contributions to the global score (after demotion), ties in
  // config order (event rules, then attributes); zero contributions name nothing.
  const contribParts: string[] = [];
  if (hasRules) contribParts.push("  SELECT as_of, contact_id, idx, points FROM sb_rule_contrib");
  attributes.forEach((a, k) => {
    contribParts.push(
      `  SELECT i.as_of, p.contact_id, ${rules.length + k} AS idx, ${
        num(a.points)
      } AS points FROM sb_instants AS i CROSS JOIN sb_people AS p WHERE p.${q(`attr_${k}`)}`,
    );
  });
  const ids = [...rules.map((r) => r.id), ...attributes.map((a) => a.id)];
  if (contribParts.length > 0) {
    cte("sb_contrib", contribParts.join("\n  UNION ALL\n"));
    const label = `CASE idx ${
      ids.map((id, i) => `WHEN ${i} THEN ${d.string(id)}`).join(" ")
    } END || ':' || ` +
      `CASE WHEN v > 0 THEN '+' ELSE '' END || ${d.formatNumber("v")}`;
    cte(
      "sb_reasons",
      // Only the three kept contributions get a label; ranks 1-3 are joined in order.
      `  SELECT as_of, contact_id, ${
        d.joinNonNull(
          [1, 2, 3].map((k) => `max(CASE WHEN sb_rank = ${k} THEN ${label} END)`),
          ";",
        )
      } AS reasons\n` +
        `  FROM (\n    SELECT as_of, contact_id, idx, v, ${
          d.rowNumber(["as_of", "contact_id"], ["abs(v) DESC", "idx"])
        } AS sb_rank\n    FROM (SELECT c.as_of, c.contact_id, c.idx, c.points * sc.factor AS v\n` +
        `      FROM sb_contrib AS c JOIN sb_scored AS sc ON sc.as_of = c.as_of AND sc.contact_id = c.contact_id\n` +
        `      WHERE NOT sc.unscored) AS sb_v\n    WHERE v <> 0\n  ) AS sb_ranked\n  WHERE sb_rank <= 3\n  GROUP BY as_of, contact_id`,
    );
  }

  const { high, medium } = config.tiers;
  const select = [
    `${d.isoUtc("sc.as_of")} AS as_of`,
    "sc.contact_id",
    "sc.score",
    `CASE WHEN sc.unscored THEN 'unscored' WHEN sc.score >= ${
      num(high)
    } THEN 'high' WHEN sc.score >= ${num(medium)} THEN 'medium' ELSE 'low' END AS tier`,
    "sc.matched_events",
    "sc.verified",
    contribParts.length > 0 ? "COALESCE(r.reasons, '') AS reasons" : "'' AS reasons",
    "sc.scopes",
  ];
  return `WITH\n${ctes.join(",\n")}\nSELECT ${select.join(",\n  ")}\nFROM sb_scored AS sc${
    contribParts.length > 0
      ? "\nLEFT JOIN sb_reasons AS r ON r.as_of = sc.as_of AND r.contact_id = sc.contact_id"
      : ""
  }\nORDER BY sc.as_of, sc.contact_id\n`;
}
