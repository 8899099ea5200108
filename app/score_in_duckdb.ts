/**
 * Scoring where the data is: the compiled SQL (`compileToSql`, equal to the engine) run in
 * the page's DuckDB over the policy tables, the answer read as Arrow columns (ids, scores,
 * tiers, reasons) without a row object per contact. Beyond a few million events the query
 * runs per bucket of contacts, so DuckDB-WASM's memory stays bounded. Purchases are scored as
 * events of type `purchase` (`purchaseEvent`: amount as value), after the events in input
 * order, as the worker's tasks score them.
 */
import { parseConfig } from "../src/config/mod.ts";
import type { ScoringConfigSpec } from "../src/config/types.ts";
import { compileToSql } from "../src/sql/mod.ts";
import type { DuckDBType } from "../src/tables/mod.ts";
import { PURCHASE_EVENT_TYPE } from "../src/data/purchase_event.ts";
import { sqlName, sqlString } from "../src/db/read_csv_sql.ts";
import { policyType, tableColumnsSql } from "../src/db/table_columns.ts";

/** An Arrow table as both apache-arrow builds (the page's, the tests' CommonJS one) give it. */
export interface ArrowColumns {
  numRows: number;
  getChild(name: string): { toArray(): ArrayLike<unknown>; get(i: number): unknown } | null;
}

/** What the SQL scorer needs of DuckDB. */
export interface SqlRunner {
  /** Runs `sql`, answering with Arrow columns. */
  arrow(sql: string): Promise<ArrowColumns>;
}

/** Options of `scoreInDuckDB`. */
export interface ScoreInDuckDBOptions {
  /** Events per bucket of contacts the query runs on at a time. @default 4_000_000 */
  eventsPerBucket?: number;
}

/** The scores at one instant, as the worker's `score` task gives them. */
export interface SqlScores {
  asOf: number;
  ids: string[];
  scores: Float64Array;
  /** 1 when the contact got a tier, 0 when unscored. */
  scored: Uint8Array;
  /** `rule:+points;...` with points to two decimals, as the worker's `score` task writes them. */
  reasons: string[];
  tiers: string[];
  warnings: string[];
  /** Buckets the query ran in. */
  buckets: number;
}

async function columnsOf(
  db: SqlRunner,
  table: string,
): Promise<Record<string, DuckDBType> | null> {
  const t = await db.arrow(tableColumnsSql(table));
  if (t.numRows === 0) return null;
  const names = t.getChild("column_name")!, types = t.getChild("data_type")!;
  const out: Record<string, DuckDBType> = {};
  for (let i = 0; i < t.numRows; i++) out[String(names.get(i))] = policyType(String(types.get(i)));
  return out;
}

/**
 * Scores the tables `events`, `contacts` and `verification` of `db` with `spec` at `asOf`
 * (epoch ms) by the compiled SQL. Throws `ConfigError` for a config that does not parse,
 * `RangeError` when there are no events.
 */
export async function scoreInDuckDB(
  db: SqlRunner,
  spec: ScoringConfigSpec,
  asOf: number,
  { eventsPerBucket = 4_000_000 }: ScoreInDuckDBOptions = {},
): Promise<SqlScores> {
  const events = await columnsOf(db, "events");
  if (!events) throw new RangeError("Cannot score: load events first (Data page)");
  const contacts = await columnsOf(db, "contacts");
  const verification = await columnsOf(db, "verification");
  let eventsTable = "events";
  if (await columnsOf(db, "purchases")) {
    // Each purchase as an event (`purchaseEvent`), numbered after the events.
    const of: Record<string, string> = {
      type: sqlString(PURCHASE_EVENT_TYPE),
      value: "amount",
      contact_id: "contact_id",
      ts: "ts",
      channel: "channel",
      tag: "tag",
      seq: "seq + (SELECT COALESCE(max(seq), -1) + 1 FROM events)",
    };
    const names = Object.keys(events);
    await db.arrow(
      `CREATE OR REPLACE TEMP VIEW sb_scored_events AS SELECT ${
        names.map(sqlName).join(", ")
      } FROM events UNION ALL SELECT ${
        names.map((n) => `CAST(${of[n] ?? "NULL"} AS ${events[n]}) AS ${sqlName(n)}`).join(", ")
      } FROM purchases`,
    );
    eventsTable = "sb_scored_events";
  }
  const types = await db.arrow(`SELECT DISTINCT "type" AS t FROM ${eventsTable}`);
  const typeColumn = types.getChild("t")!;
  const eventTypes = new Set<string>();
  for (let i = 0; i < types.numRows; i++) eventTypes.add(String(typeColumn.get(i)));
  const { config, warnings } = parseConfig(spec, { eventTypes });
  const n = Number(
    (await db.arrow(`SELECT count(*) AS n FROM ${eventsTable}`)).getChild("n")!.get(0),
  );
  const count = Math.max(1, Math.ceil(n / eventsPerBucket));
  const parts: ArrowColumns[] = [];
  for (let index = 0; index < count; index++) {
    const sql = compileToSql(config, {
      asOf: [asOf],
      tables: {
        events: eventsTable,
        contacts: contacts ? "contacts" : null,
        verification: config.verification && verification ? "verification" : null,
      },
      columns: {
        events,
        ...(contacts ? { contacts } : {}),
        ...(verification ? { verification } : {}),
      },
      partition: count > 1 ? { count, index } : undefined,
    });
    parts.push(
      await db.arrow(
        `SELECT contact_id, score, tier, reasons FROM (${sql})`,
      ),
    );
  }
  const total = parts.reduce((s, p) => s + p.numRows, 0);
  const ids: string[] = new Array(total);
  const scores = new Float64Array(total);
  const scored = new Uint8Array(total);
  const reasons: string[] = new Array(total);
  const tiers: string[] = new Array(total);
  let o = 0;
  for (const p of parts) {
    const id = p.getChild("contact_id")!.toArray();
    const score = p.getChild("score")!.toArray();
    const tier = p.getChild("tier")!.toArray();
    const reason = p.getChild("reasons")!.toArray();
    for (let i = 0; i < p.numRows; i++, o++) {
      ids[o] = String(id[i]);
      scores[o] = Number(score[i]);
      tiers[o] = String(tier[i]);
      scored[o] = tiers[o] === "unscored" ? 0 : 1;
      reasons[o] = reason[i] === null || reason[i] === undefined
        ? ""
        : shortReasons(String(reason[i]));
    }
  }
  return { asOf, ids, scores, scored, reasons, tiers, warnings, buckets: count };
}

/** Reasons with points to two decimals, as the worker's `score` task writes them. */
function shortReasons(text: string): string {
  if (text === "") return text;
  return text.split(";").map((part) => {
    const at = part.lastIndexOf(":");
    const points = Number(part.slice(at + 1));
    return `${part.slice(0, at)}:${points > 0 ? "+" : ""}${Number(points.toFixed(2))}`;
  }).join(";");
}
