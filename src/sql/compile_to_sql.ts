/**
 * A scoring config as ONE SQL query that returns the rows of `scores.csv` (as the engine's
 * `scoreContacts` would score them), so production can score inside its database.
 *
 * Tables the query reads (names configurable):
 * - `events`: `contact_id`, `ts`, `type`, the input-order column `seq` (ties on `ts` keep
 *   this order) and the columns the rules test, as the product's loaders write them
 *   (`docs/formats.md`, "DuckDB tables": `ts` a UTC `TIMESTAMP`, lists `VARCHAR[]`);
 *   `timestamps: "epoch_ms"` (or a `ts` declared as a number) reads epoch milliseconds.
 * - `contacts`: `contact_id` and the columns of attributes, audience, stage and verification
 *   (`interests`/`tags` as lists or `;`-separated text). Optional: without it every
 *   contact seen in the events is scored.
 * - `verification`: any of `contact_id`, `phone`, `email`. Optional.
 * - `as_of` (column `as_of`, stored as `timestamps` says) unless the instants are given.
 *
 * Output columns, ordered by `as_of` then `contact_id`: `as_of` (ISO 8601 UTC text),
 * `contact_id`, `score`, `tier`, `matched_events`, `verified`, `reasons` (`id:+12.5;id:-20`)
 * and `scopes`, a map from `stage:<name>`/`tag:<name>` to the scope's sum (absent = 0) in
 * the dialect's map form: the stage names come from the data, so they cannot be columns of
 * a query written before it.
 *
 * The plan, the same for every dialect: one scan of the events keeps those inside the
 * widest window whose type some rule is on and tests the rule predicates there; the
 * matches are taken to each instant, limited (window functions only for the rules with
 * `maxPerDay`/`maxCount`) and summed per (instant, contact, rule); only those sums meet the
 * contacts. Reasons are an ordered aggregate of those sums.
 *
 * Where the engine and the SQL may still differ, by design or by database:
 * - text read as a number accepts decimal notation only (`Number()` also reads `0x1A` and
 *   `Infinity`);
 * - the engine refuses duplicate contact ids and events without a contact id; the SQL
 *   scores what the tables hold;
 * - rows come sorted by the database's byte order of `contact_id`, which differs from the
 *   engine's UTF-16 order only between characters above U+FFFF and U+E000..U+FFFF;
 * - sums are added in another order, so decayed scores agree to about 1e-15 relative,
 *   not bit for bit (the contract asks for 1e-9).
 */
import type { ScoringConfig } from "../config/types.ts";
import { columnLookup, required } from "./_columns.ts";
import { addEventRelations, type Instants } from "./_events_sql.ts";
import { peopleSql, touchedPeriod } from "./_people_sql.ts";
import { createPlan } from "./_plan.ts";
import type { ColumnType } from "./column_type.ts";
import { checkInstants, duckdbColumns } from "../tables/mod.ts";
import { sqlDialect } from "./dialects/mod.ts";
import type { SqlDialect } from "./sql_dialect.ts";

/**
 * Column types of the tables the product loads (`duckdbColumns`, `docs/formats.md`),
 * assumed when neither `columns` nor `assumedColumns` says.
 */
export const CANONICAL_COLUMNS: Readonly<
  Record<"events" | "contacts" | "verification", Readonly<Record<string, ColumnType>>>
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

/** The columns and types of the tables. */
export interface SqlColumns {
  /**
   * Exactly the columns of each table with their types; a column a rule tests that is not
   * listed holds only missing values.
   * @default as `assumedColumns` says
   */
  events?: Record<string, ColumnType>;
  /** The contacts table's columns. @default as for `events` */
  contacts?: Record<string, ColumnType>;
  /** The verification table's columns. @default as for `events` */
  verification?: Record<string, ColumnType>;
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
   * For a table `columns` does not declare, the types of the columns it is assumed to
   * have; every other column is assumed to exist as text.
   * @default `CANONICAL_COLUMNS`, with `ts` and `created_at` as `timestamps` says
   */
  assumedColumns?: SqlColumns;
  /**
   * How `as_of` (and `ts` and `created_at` when the columns do not say) are stored:
   * `TIMESTAMP`, as the product's loaders write them, or epoch milliseconds as numbers.
   * @default "timestamp"
   */
  timestamps?: "epoch_ms" | "timestamp";
  /**
   * Scores only the contacts whose id hashes to bucket `index` of `count`: running the
   * query once per bucket and concatenating the rows (then sorting by `as_of`,
   * `contact_id`) gives the full result within a smaller memory budget.
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

function checkPartition(partition: { count: number; index: number } | undefined): void {
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
    assumedColumns,
    timestamps = "timestamp",
    orderColumn = "seq",
    partition,
  } = options;
  checkPartition(partition);
  const d = typeof dialect === "string" ? sqlDialect(dialect) : dialect;
  const num = (x: number) => d.number(x);
  const inPartition = (idExpr: string) =>
    partition === undefined || partition.count === 1
      ? null
      : `${d.bucketOf(idExpr, partition.count)} = ${partition.index}`;
  const eventsTable = tables.events ?? "events";
  const contactsTable = tables.contacts === undefined ? "contacts" : tables.contacts;
  const verificationTable = tables.verification === undefined
    ? (config.verification ? "verification" : null)
    : tables.verification;
  const asOfTable = tables.asOf ?? "as_of";

  const instant: ColumnType = timestamps === "timestamp" ? "TIMESTAMP" : "DOUBLE";
  const assumedTypes = assumedColumns ?? {
    events: { ...CANONICAL_COLUMNS.events, ts: instant },
    contacts: { ...CANONICAL_COLUMNS.contacts, created_at: instant },
    verification: CANONICAL_COLUMNS.verification,
  };
  const assumed = (types: Record<string, ColumnType> | undefined, name: string) =>
    types && Object.hasOwn(types, name) ? types[name] : "VARCHAR";
  const eventCol = columnLookup(d, columns.events, (name) => {
    const type = assumed(assumedTypes.events, name);
    if (name === "ts" && type === "VARCHAR") return instant;
    if (name === orderColumn && type === "VARCHAR") return "DOUBLE";
    return type;
  });
  const contactCol = contactsTable === null
    ? () => null
    : columnLookup(d, columns.contacts, (name) => assumed(assumedTypes.contacts, name));
  const verificationCol = columnLookup(
    d,
    columns.verification,
    (name) => assumed(assumedTypes.verification, name),
  );
  const eId = required(eventCol("contact_id"), eventsTable, "contact_id");
  const eTs = required(eventCol("ts"), eventsTable, "ts");
  const eType = required(eventCol("type"), eventsTable, "type");
  // The stored form of time is read in this one place: a TIMESTAMP, or epoch ms.
  const tsExpr = d.epochMs(eTs.ref, eTs.declared === "TIMESTAMP" ? "timestamp" : "epoch_ms");
  const orderCol = orderColumn === null ? null : eventCol(orderColumn);
  if (orderColumn !== null && orderCol === null) {
    throw new RangeError(`Cannot write SQL: table "${eventsTable}" has no column "${orderColumn}"`);
  }

  const rules = config.rules;
  const attributes = config.attributes;
  const hasRules = rules.length > 0;
  const needStage = rules.some((r) => r.scopes.some((s) => s.kind === "stage"));
  const touched = touchedPeriod(config);
  const plan = createPlan(d);

  let instants: Instants;
  if (asOf !== undefined) {
    const list = checkInstants(asOf, "write SQL");
    instants = {
      list: d.numberList(list),
      single: list.length === 1 ? num(list[0]) : null,
      min: num(list[0]),
      max: num(list[list.length - 1]),
    };
  } else {
    const list = d.distinctList(d.epochMs(d.ident("as_of"), timestamps), d.ident(asOfTable));
    instants = { list, single: null, min: d.listMin(list), max: d.listMax(list) };
  }

  // One scan of the events serves the rules, and the ids and first touches when those are
  // needed, where the database can keep a relation for several readers.
  const needIds = contactsTable === null;
  const shared = hasRules && (needIds || touched !== null) && d.materialized !== null;
  let scan: string | null = null;
  let ruleSums: string | null = null;
  if (hasRules) {
    ({ scan, ruleSums } = addEventRelations({
      d,
      config,
      plan,
      eventsFrom: d.ident(eventsTable),
      eventCol,
      ts: tsExpr,
      id: eId.expr,
      type: eType.expr,
      seq: orderCol?.expr ?? null,
      instants,
      inPartition,
      needStage,
      shared,
    }));
  }
  // Rows of the events for the ids and first touches: from the shared scan, or the table.
  const eventRows = (
    cols: (e: { id: string; ts: string; type: string }) => string,
    where: (e: { id: string; ts: string; type: string }) => string | null,
  ) => {
    const e = shared
      ? { id: "sb_cid", ts: "sb_ts", type: "sb_type" }
      : { id: eId.expr, ts: tsExpr, type: eType.expr };
    const conds = [where(e), shared ? null : inPartition(eId.expr)].filter((c) => c !== null);
    return `SELECT ${cols(e)} FROM ${shared ? plan.from(scan!) : d.ident(eventsTable)}${
      conds.length > 0 ? ` WHERE ${conds.join(" AND ")}` : ""
    }`;
  };

  // People.
  if (needIds) {
    plan.add(
      "sb_ids",
      `SELECT DISTINCT sb_cid FROM (${eventRows((e) => `${e.id} AS sb_cid`, () => null)}) AS sb_e`,
    );
  }
  plan.add(
    "sb_people",
    peopleSql({
      d,
      config,
      source: needIds
        ? { kind: "ids", from: plan.from("sb_ids") }
        : { kind: "contacts", from: d.ident(contactsTable!) },
      contactCol,
      verification: verificationTable === null
        ? null
        : { from: d.ident(verificationTable), col: verificationCol },
      inPartition: needIds ? () => null : inPartition,
      needStage,
    }),
  );
  if (touched !== null) {
    const types = config.audience!.touched!.types;
    const typeCond = (type: string) =>
      types
        ? types.length === 0
          ? ` AND ${d.boolean(false)}`
          : ` AND ${type} IN (${types.map(d.string).join(", ")})`
        : "";
    plan.add(
      "sb_touched",
      `SELECT sb_cid, min(sb_t) AS sb_first_touch FROM (${
        eventRows(
          (e) => `${e.id} AS sb_cid, ${e.ts} AS sb_t`,
          (e) =>
            `${e.ts} >= ${num(touched.from)} AND ${e.ts} <= ${num(touched.to)}${typeCond(e.type)}`,
        )
      }) AS sb_e GROUP BY sb_cid`,
    );
  }

  // Per (instant, contact): event points, matches and the largest contributions, then scopes.
  const globalRules = rules.map((_, i) => i).filter((i) =>
    rules[i].scopes.some((s) => s.kind === "global")
  );
  const inList = (xs: number[]) =>
    xs.length === 0 ? d.boolean(false) : `sb_rule IN (${xs.join(", ")})`;
  const hasScopes = hasRules && rules.some((r) => r.scopes.some((s) => s.kind !== "global"));
  if (ruleSums !== null) {
    let perRule = ruleSums;
    let rows = ruleSums;
    if (needStage) {
      // The stage of a match without one is the contact's: only here do sums meet contacts.
      plan.add("sb_stages", `SELECT sb_cid, sb_contact_stage FROM ${plan.from("sb_people")}`);
      plan.add(
        "sb_rule_rows",
        `SELECT sb_as_of, sb_cid, sb_rule, sb_points, sb_n, COALESCE(sb_split_stage, sb_contact_stage) AS sb_stage\nFROM ${
          plan.from(ruleSums)
        }\n${d.join("inner")} ${plan.from("sb_stages")} USING (sb_cid)`,
      );
      rows = "sb_rule_rows";
      plan.add(
        "sb_per_rule",
        `SELECT sb_as_of, sb_cid, sb_rule, sum(sb_points) AS sb_points, sum(sb_n) AS sb_n FROM ${
          plan.from(rows)
        } GROUP BY sb_as_of, sb_cid, sb_rule`,
      );
      perRule = "sb_per_rule";
    }
    plan.add(
      "sb_totals",
      `SELECT sb_as_of, sb_cid, sum(CASE WHEN ${inList(globalRules)} THEN sb_points ELSE ${
        num(0)
      } END) AS sb_event_points,\n  ${d.integer("sum(sb_n)")} AS sb_matched,\n  ${
        d.topPairs("sb_rule", "sb_points", inList(globalRules), 3)
      } AS sb_top\nFROM ${plan.from(perRule)}\nGROUP BY sb_as_of, sb_cid`,
    );
    if (hasScopes) addScopes(d, config, plan, rows);
  }

  // Every person at every instant, then the sums joined, one join per SELECT.
  let level = `SELECT *, ${instants.single ?? d.unnest(instants.list, "sb_as_of")}${
    instants.single === null ? "" : " AS sb_as_of"
  } FROM ${plan.from("sb_people")}`;
  let depth = 0;
  const joinTo = (kind: "inner" | "left", rel: string, keys: string, where = "") => {
    level = `SELECT * FROM (\n${level}\n) AS sb_l${depth++}\n${d.join(kind)} ${
      plan.from(rel)
    } USING (${keys})${where}`;
  };
  if (ruleSums !== null) joinTo("left", "sb_totals", "sb_as_of, sb_cid");
  if (hasScopes) joinTo("left", "sb_scopes", "sb_as_of, sb_cid");
  if (touched !== null) {
    joinTo("inner", "sb_touched", "sb_cid", "\nWHERE sb_first_touch <= sb_as_of");
  }

  const unscored = hasRules ? `COALESCE(sb_matched, 0) = 0` : d.boolean(false);
  let global = hasRules ? `COALESCE(sb_event_points, ${num(0)})` : num(0);
  attributes.forEach((a, k) => {
    global = `(${global} + CASE WHEN sb_attr_${k} THEN ${num(a.points)} ELSE ${num(0)} END)`;
  });
  const ids = [...rules.map((r) => r.id), ...attributes.map((a) => a.id)];
  const reasons = ids.length === 0 ? "''" : `CASE WHEN ${unscored} THEN '' ELSE ${
    d.reasonsText(
      hasRules ? "sb_top" : null,
      attributes.map((a, k) => ({
        cond: `sb_attr_${k}`,
        index: rules.length + k,
        points: a.points,
      })),
      "sb_factor",
      ids,
      3,
    )
  } END`;
  const { high, medium } = config.tiers;
  const select = [
    `${d.isoUtc("sb_as_of")} AS as_of`,
    "sb_cid AS contact_id",
    "sb_score AS score",
    `CASE WHEN sb_unscored THEN 'unscored' WHEN sb_score >= ${
      num(high)
    } THEN 'high' WHEN sb_score >= ${num(medium)} THEN 'medium' ELSE 'low' END AS tier`,
    `${hasRules ? d.integer("COALESCE(sb_matched, 0)") : d.integer("0")} AS matched_events`,
    "sb_verified AS verified",
    "sb_reasons AS reasons",
    `${hasScopes ? `COALESCE(sb_scopes, ${d.emptyMap()})` : d.emptyMap()} AS scopes`,
  ];
  const scored = `SELECT *, ${unscored} AS sb_unscored, CASE WHEN ${unscored} THEN ${
    num(0)
  } ELSE ${global} * sb_factor END AS sb_score,\n  ${reasons} AS sb_reasons\nFROM (\n${level}\n) AS sb_all`;
  return plan.render(
    `SELECT ${select.join(",\n  ")}\nFROM (\n${scored}\n) AS sb_scored\nORDER BY sb_as_of, sb_cid`,
  );
}

/** Scope sums per (instant, contact): stage buckets from the data, tag buckets from the config. */
function addScopes(
  d: SqlDialect,
  config: ScoringConfig,
  plan: ReturnType<typeof createPlan>,
  rows: string,
) {
  const rules = config.rules;
  const num = (x: number) => d.number(x);
  // A tag listed twice in one rule adds the match twice, as the engine does.
  const tagsOf = rules.map((r) => {
    const m = new Map<string, number>();
    for (const s of r.scopes) {
      if (s.kind === "tag") m.set(`tag:${s.tag}`, (m.get(`tag:${s.tag}`) ?? 0) + 1);
    }
    return m;
  });
  const stageOf = rules.map((r) => r.scopes.some((s) => s.kind === "stage"));
  // Each row yields one scope row per slot: its tags, then its stage (NULL: dropped).
  const slots = rules.map((_, i) => [
    ...[...tagsOf[i]].map(([key, times]) => ({
      key: d.string(key),
      value: times === 1 ? "sb_points" : `sb_points * ${num(times)}`,
    })),
    ...(stageOf[i] ? [{ key: `${d.string("stage:")} || sb_stage`, value: "sb_points" }] : []),
  ]);
  const scoped = rules.map((_, i) => i).filter((i) => slots[i].length > 0);
  const slotList = `CASE ${
    scoped.map((i) => `WHEN sb_rule = ${i} THEN ${d.intList(slots[i].map((_, k) => `${k}`))}`)
      .join(" ")
  } ELSE ${d.intList([])} END`;
  const bySlot = (pick: (s: { key: string; value: string }) => string) =>
    `CASE ${
      scoped.flatMap((i) =>
        slots[i].map((s, k) => `WHEN sb_rule = ${i} AND sb_slot = ${k} THEN ${pick(s)}`)
      ).join(" ")
    } END`;
  plan.add(
    "sb_scope_parts",
    `SELECT sb_as_of, sb_cid, sb_scope, sb_value FROM (SELECT sb_as_of, sb_cid, ${
      bySlot((s) => s.key)
    } AS sb_scope, ${
      bySlot((s) => s.value)
    } AS sb_value FROM (SELECT sb_as_of, sb_cid, sb_rule, sb_points, ${
      stageOf.some((x) => x) ? "sb_stage" : `${d.nullText()} AS sb_stage`
    }, ${d.unnest(slotList, "sb_slot")} FROM ${plan.from(rows)} WHERE sb_rule IN (${
      scoped.join(", ")
    })) AS sb_sl) AS sb_sp WHERE sb_scope IS NOT NULL`,
  );
  plan.add(
    "sb_scopes",
    `SELECT sb_as_of, sb_cid, ${
      d.mapAgg("sb_scope", "sb_sum")
    } AS sb_scopes\nFROM (SELECT sb_as_of, sb_cid, sb_scope, sum(sb_value) AS sb_sum FROM ${
      plan.from("sb_scope_parts")
    } GROUP BY sb_as_of, sb_cid, sb_scope) AS sb_s\nGROUP BY sb_as_of, sb_cid`,
  );
}
