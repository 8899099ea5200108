/**
 * The event side of the plan: one scan of the events that keeps, for each event inside the
 * widest window, the indexes of the rules it matches (predicates tested there, before any
 * row is multiplied); the matches at each instant; the limits (`maxPerDay`, `maxCount`)
 * ranked only for the rules that have them; then one aggregate per (instant, contact, rule)
 * before anything meets the contacts.
 */
import type { ScoringConfig } from "../config/types.ts";
import type { Column } from "./_columns.ts";
import type { Plan } from "./_plan.ts";
import { predicateSql } from "./_predicate_sql.ts";
import type { SqlDialect } from "./sql_dialect.ts";

import { DAY_MS } from "../tables/mod.ts";

/** The instants, as the plan reads them. */
export interface Instants {
  /** A list expression of the distinct instants (epoch ms). */
  list: string;
  /** The single instant as a literal, when there is exactly one known when writing. */
  single: string | null;
  /** Expressions of the earliest and latest instant. */
  min: string;
  max: string;
}

export interface EventsInput {
  d: SqlDialect;
  config: ScoringConfig;
  plan: Plan;
  eventsFrom: string;
  eventCol: (name: string) => Column | null;
  /** Event time as epoch ms. */
  ts: string;
  id: string;
  type: string;
  /** Input order expression, or null (ties broken arbitrarily). */
  seq: string | null;
  instants: Instants;
  inPartition: (idExpr: string) => string | null;
  needStage: boolean;
  /** Whether the scan also serves other readers (ids, touched): every event is kept then. */
  shared: boolean;
}

/**
 * Adds the event relations to the plan and returns the name of the one with a row per
 * (instant, contact, rule): `sb_as_of`, `sb_cid`, `sb_rule`, `sb_points`, `sb_n`, and
 * `sb_split_stage` (the event's stage, for rules with a stage scope) when `needStage`.
 */
export function addEventRelations(p: EventsInput): { scan: string; ruleSums: string } {
  const { d, config, plan } = p;
  const num = (x: number) => d.number(x);
  const rules = config.rules;
  const lookback = num(config.window.lookbackDays * DAY_MS);

  // Per event type, the rules on it: an index where the predicates hold, else NULL.
  const byType = new Map<string, string[]>();
  rules.forEach((r, i) => {
    const conds = Object.entries(r.where).map(([column, predicate]) => {
      const col = p.eventCol(column);
      return predicateSql(d, col?.expr ?? null, col?.type ?? "VARCHAR", predicate);
    });
    const item = conds.length === 0 ? `${i}` : `CASE WHEN ${conds.join(" AND ")} THEN ${i} END`;
    byType.set(r.on, [...(byType.get(r.on) ?? []), item]);
  });
  const types = [...byType.keys()];
  const matchList = `CASE ${
    [...byType].map(([on, items]) => `WHEN ${p.type} = ${d.string(on)} THEN ${d.intList(items)}`)
      .join(" ")
  } ELSE ${d.intList([])} END`;
  const inWindow = `${p.ts} > ${p.instants.min} - ${lookback} AND ${p.ts} <= ${p.instants.max}`;
  const typeCond = `${p.type} IN (${types.map(d.string).join(", ")})`;
  const eventStage = (() => {
    if (!p.needStage) return d.nullText();
    const col = p.eventCol("stage");
    return col !== null && col.type === "VARCHAR" ? d.nullIf(col.expr, "''") : d.nullText();
  })();
  const partition = p.inPartition(p.id);
  const seq = p.seq === null ? num(0) : d.double(p.seq);
  const scanCols =
    `${p.id} AS sb_cid, ${p.ts} AS sb_ts, ${seq} AS sb_seq, ${eventStage} AS sb_event_stage`;
  if (p.shared) {
    // Every event stays (its contact is scored even when nothing matches), with an empty
    // list outside the window.
    plan.add(
      "sb_scan",
      `SELECT ${scanCols}, ${p.type} AS sb_type,\n  CASE WHEN ${typeCond} AND ${inWindow} THEN ${matchList} ELSE ${
        d.intList([])
      } END AS sb_rules\nFROM ${p.eventsFrom}${partition === null ? "" : `\nWHERE ${partition}`}`,
    );
  } else {
    plan.add(
      "sb_scan",
      `SELECT ${scanCols},\n  ${matchList} AS sb_rules\nFROM ${p.eventsFrom}\nWHERE ${typeCond} AND ${inWindow}${
        partition === null ? "" : ` AND ${partition}`
      }`,
    );
  }
  const hitCols = "sb_cid, sb_ts, sb_seq, sb_event_stage";
  plan.add(
    "sb_hits",
    `SELECT ${hitCols}, ${d.notNull("sb_rule_n")} AS sb_rule FROM (SELECT ${hitCols}, ${
      d.unnest("sb_rules", "sb_rule_n")
    } FROM ${plan.from("sb_scan")}) AS sb_u\nWHERE sb_rule_n IS NOT NULL`,
  );
  const cols = `sb_as_of, ${hitCols}, sb_rule`;
  if (p.instants.single !== null) {
    plan.add(
      "sb_at",
      `SELECT ${p.instants.single} AS sb_as_of, ${hitCols}, sb_rule FROM ${plan.from("sb_hits")}`,
    );
  } else {
    plan.add(
      "sb_at",
      `SELECT ${cols} FROM (SELECT ${hitCols}, sb_rule, ${
        d.unnest(p.instants.list, "sb_as_of")
      } FROM ${
        plan.from("sb_hits")
      }) AS sb_i\nWHERE sb_ts > sb_as_of - ${lookback} AND sb_ts <= sb_as_of`,
    );
  }

  // Limits, ranked for the rules that have them only.
  const ids = rules.map((_, i) => i);
  const perDay = ids.filter((i) => rules[i].maxPerDay !== Infinity);
  const perCount = ids.filter((i) => rules[i].maxCount !== Infinity);
  const limited = ids.filter((i) => perDay.includes(i) || perCount.includes(i));
  const keep = (picked: number[], limit: (i: number) => number) =>
    `CASE ${picked.map((i) => `WHEN sb_rule = ${i} THEN sb_rank <= ${limit(i)}`).join(" ")} ELSE ${
      d.boolean(true)
    } END`;
  const inList = (xs: number[]) => `sb_rule IN (${xs.join(", ")})`;
  const partitionBy = [
    { expr: "sb_as_of", alias: "sb_as_of" },
    { expr: "sb_cid", alias: "sb_cid" },
    { expr: "sb_rule", alias: "sb_rule" },
  ];
  const carry = ["sb_ts", "sb_seq", "sb_event_stage"];
  /**
   * Ranks the matches of `source` within (instant, contact, rule), and the day `dayExpr`
   * for the per-day limit: oldest first per day, newest first for the count; returns the
   * SELECT of the ranked rows within their rule's limit.
   */
  const limitStage = (stage: "day" | "count", source: string, dayExpr?: string): string => {
    const ranked = `sb_${stage}_ranked`;
    const newest = stage === "count";
    plan.add(
      ranked,
      d.rankWithin({
        source: plan.from(source),
        partition: dayExpr === undefined
          ? partitionBy
          : [...partitionBy, { expr: dayExpr, alias: "sb_day" }],
        carry,
        order: [{ column: "sb_ts", desc: newest }, { column: "sb_seq", desc: newest }],
      }),
    );
    const within = newest
      ? keep(perCount, (i) => rules[i].maxCount)
      : keep(perDay, (i) => rules[i].maxPerDay);
    return `SELECT ${cols} FROM ${plan.from(ranked)} WHERE ${within}`;
  };
  const day = d.floor(`sb_ts / ${num(DAY_MS)}`);
  let kept = "sb_at";
  if (limited.length > 0 && d.materialized === null) {
    // Where relations are written in place, each reader would repeat the scan: the limits
    // are then one chain over every match, ranked within (instant, contact, rule[, day]),
    // the rules without a limit keeping all.
    let source = "sb_at";
    if (perDay.length > 0) {
      const dayOrNone = `CASE WHEN ${inList(perDay)} THEN ${day} ELSE ${num(0)} END`;
      plan.add("sb_day_kept", limitStage("day", source, dayOrNone));
      source = "sb_day_kept";
    }
    if (perCount.length > 0) {
      plan.add("sb_count_kept", limitStage("count", source));
      source = "sb_count_kept";
    }
    kept = source;
  } else if (limited.length > 0) {
    const parts: string[] = [];
    const unlimited = ids.filter((i) => !limited.includes(i));
    if (unlimited.length > 0) {
      parts.push(`SELECT ${cols} FROM ${plan.from("sb_at")} WHERE ${inList(unlimited)}`);
    }
    let dayKept: string | null = null;
    if (perDay.length > 0) {
      plan.add("sb_day_in", `SELECT ${cols} FROM ${plan.from("sb_at")} WHERE ${inList(perDay)}`);
      plan.add("sb_day_kept", limitStage("day", "sb_day_in", day));
      dayKept = "sb_day_kept";
      const dayOnly = perDay.filter((i) => !perCount.includes(i));
      if (dayOnly.length > 0) {
        parts.push(`SELECT ${cols} FROM ${plan.from(dayKept)} WHERE ${inList(dayOnly)}`);
      }
    }
    if (perCount.length > 0) {
      const both = perCount.filter((i) => perDay.includes(i));
      const countOnly = perCount.filter((i) => !perDay.includes(i));
      const inputs: string[] = [];
      if (both.length > 0) {
        inputs.push(`SELECT ${cols} FROM ${plan.from(dayKept!)} WHERE ${inList(both)}`);
      }
      if (countOnly.length > 0) {
        inputs.push(`SELECT ${cols} FROM ${plan.from("sb_at")} WHERE ${inList(countOnly)}`);
      }
      plan.add("sb_count_in", inputs.join("\nUNION ALL\n"));
      parts.push(limitStage("count", "sb_count_in"));
    }
    plan.add("sb_kept", parts.join("\nUNION ALL\n"));
    kept = "sb_kept";
  }

  // One row per (instant, contact, rule), split by the event's stage for stage scopes.
  const points = `CASE ${
    rules.map((r, i) => `WHEN sb_rule = ${i} THEN ${num(r.points)}`).join(" ")
  } END`;
  const hl = config.window.halfLifeDays;
  const value = hl === null
    ? points
    : `(${points}) * ${d.pow(num(0.5), `(sb_as_of - sb_ts) / ${num(hl * DAY_MS)}`)}`;
  const stageRules = ids.filter((i) => rules[i].scopes.some((s) => s.kind === "stage"));
  const split = stageRules.length > 0
    ? `, CASE WHEN ${
      inList(stageRules)
    } THEN sb_event_stage ELSE ${d.nullText()} END AS sb_split_stage`
    : "";
  plan.add(
    "sb_rule_sums",
    `SELECT sb_as_of, sb_cid, sb_rule${split}, sum(${value}) AS sb_points, count(*) AS sb_n\nFROM ${
      plan.from(kept)
    }\nGROUP BY sb_as_of, sb_cid, sb_rule${split === "" ? "" : ", sb_split_stage"}`,
  );
  return { scan: "sb_scan", ruleSums: "sb_rule_sums" };
}
