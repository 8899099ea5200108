/**
 * `scoreNative`: scores tables already in native DuckDB (written by `readTableNative`)
 * with the compiled SQL of `compileToSql`, and writes the exact `scores.csv` text of the
 * engine (`scoresCsvChunks`) piece by piece, with the trigger firings and per-instant
 * counts worked out from the rows as they stream. Nothing holds a row per event in
 * JavaScript; DuckDB's memory limit bounds the rest.
 */
import { JSDuckDBValueConverter } from "@duckdb/node-api";
import type { ScoringConfig } from "../config/types.ts";
import { compileToSql } from "../sql/compile_to_sql.ts";
import { formatInstant, textField } from "../engine/format_scores_csv.ts";
import { formatNumber } from "../engine/format_number.ts";
import type { ScoreSummary, TriggerFiring } from "../engine/types.ts";
import type { TierOrUnscored } from "../config/types.ts";
import { type DuckDBType, tierCode } from "../tables/mod.ts";
import { ident, type NativeConnection } from "./native_duckdb.ts";

/** One input table in DuckDB: its view and the view's columns. */
export interface NativeInput {
  table: string;
  columns: Record<string, DuckDBType>;
}

/** Options of `scoreNative`. */
export interface ScoreNativeOptions {
  /** Instants to score as of (epoch ms). */
  asOf: number[];
  /** Events; `null` for a config without event rules. */
  events: NativeInput | null;
  /** With contacts, exactly these are scored; without, every contact seen in the events. */
  contacts?: NativeInput | null;
  verification?: NativeInput | null;
  /** Takes `scores.csv` in pieces of whole lines, in order. */
  write: (text: string) => Promise<void> | void;
  /** Characters per piece handed to `write`. @default 1 << 20 */
  chunkChars?: number;
  /**
   * Contact buckets the query runs in, one after another (`compileToSql`'s `partition`),
   * so that each run's working set fits DuckDB's memory limit.
   * A run that still exceeds the limit is run again with twice as many buckets.
   * @default one per 250 bytes of DuckDB's memory limit in events (1.6M events at 400MB)
   */
  partitions?: number;
}

/** What `scoreNative` worked out besides the CSV. */
export interface ScoreNativeResult {
  /** Instants scored, ascending. */
  instants: number[];
  /** One summary per instant (audience and verification exclusions counted together). */
  summaries: ScoreSummary[];
  /** Rows per tier per instant. */
  tiers: Record<TierOrUnscored, number>[];
  triggers: TriggerFiring[];
  scopeColumns: string[];
  rows: number;
  /** Events in the events table. */
  events: number;
  /** The compiled query (without a partition). */
  sql: string;
  /** Contact buckets the query ran in. */
  partitions: number;
}

const TIERS = ["unscored", "low", "medium", "high"] as const;

async function count(conn: NativeConnection, sql: string): Promise<number> {
  return Number((await conn.runAndReadAll(sql)).getRows()[0][0]);
}

/**
 * Events one run of the query takes within DuckDB's memory limit: about 250 bytes each
 * (measured on the 20-rule bench config, 10M events over 1M contacts, 400MB: three runs
 * ran out of memory, six did not). Starting with enough runs avoids a run cut short and
 * repeated.
 */
async function eventsPerPartition(conn: NativeConnection): Promise<number> {
  const rows = (await conn.runAndReadAll(
    "SELECT value FROM duckdb_settings() WHERE name = 'memory_limit'",
  )).getRows();
  const m = /^([\d.]+)\s*(B|KiB|MiB|GiB|TiB|KB|MB|GB|TB)$/i.exec(String(rows[0]?.[0] ?? ""));
  if (m === null) return 4_000_000;
  const unit: Record<string, number> = {
    b: 1,
    kib: 2 ** 10,
    mib: 2 ** 20,
    gib: 2 ** 30,
    tib: 2 ** 40,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    tb: 1e12,
  };
  return Math.max(250_000, Math.floor(Number(m[1]) * unit[m[2].toLowerCase()] / 250));
}

/**
 * Scores with the compiled SQL in DuckDB and writes `scores.csv` through `write`; rows are
 * those of `createBatchScorer(...).finish(asOf)` (sums agree to about 1e-15 relative).
 */
export async function scoreNative(
  conn: NativeConnection,
  config: ScoringConfig,
  options: ScoreNativeOptions,
): Promise<ScoreNativeResult> {
  const { events, contacts = null, verification = null, write, chunkChars = 1 << 20 } = options;
  const instants = [...new Set(options.asOf)].sort((a, b) => a - b);
  if (instants.length === 0) throw new RangeError("Cannot score: no instant given (asOf is empty)");
  if (events === null && contacts === null) {
    throw new RangeError("Cannot score: neither events nor contacts given");
  }
  // The tables are read in the table policy's types (instants TIMESTAMP, seq BIGINT).
  let eventsTable = "sb_no_events";
  let eventColumns: Record<string, DuckDBType>;
  if (events !== null) {
    eventsTable = events.table;
    eventColumns = events.columns;
  } else {
    await conn.run(
      "CREATE OR REPLACE TEMP VIEW sb_no_events AS SELECT NULL::VARCHAR AS contact_id, NULL::TIMESTAMP AS ts, NULL::VARCHAR AS type, NULL::BIGINT AS seq WHERE FALSE",
    );
    eventColumns = { contact_id: "VARCHAR", ts: "TIMESTAMP", type: "VARCHAR", seq: "BIGINT" };
  }
  const eventCount = events ? await count(conn, `SELECT count(*) FROM ${ident(events.table)}`) : 0;
  let { partitions = Math.max(1, Math.ceil(eventCount / await eventsPerPartition(conn))) } =
    options;
  const compile = (partition?: { count: number; index: number }) =>
    compileToSql(config, {
      partition,
      asOf: instants,
      timestamps: "timestamp",
      orderColumn: "seq",
      tables: {
        events: eventsTable,
        contacts: contacts ? contacts.table : null,
        verification: verification ? verification.table : null,
      },
      columns: {
        events: eventColumns,
        contacts: contacts?.columns,
        verification: verification?.columns,
      },
    });
  const sql = compile();
  // The rows are sorted at the end: the query's operators need not keep any order, which
  // lets DuckDB spill more of them.
  await conn.run("SET preserve_insertion_order = false");
  try {
    for (;;) {
      try {
        for (let index = 0; index < partitions; index++) {
          const part = partitions === 1 ? sql : compile({ count: partitions, index });
          await conn.run(
            index === 0
              ? `CREATE OR REPLACE TEMP TABLE sb_scores AS ${part}`
              : `INSERT INTO sb_scores ${part}`,
          );
        }
        break;
      } catch (err) {
        if (!/Out of Memory/i.test(String(err)) || partitions >= 256) throw err;
        partitions *= 2;
      }
    }
  } finally {
    await conn.run("SET preserve_insertion_order = true");
  }
  const scopeColumns = ((await conn.runAndReadAll(
    "SELECT DISTINCT unnest(map_keys(scopes)) AS k FROM sb_scores",
  )).getRows().map((r) => String(r[0]))).sort();

  const ignored = events && contacts
    ? await count(
      conn,
      `SELECT count(*) FROM ${ident(events.table)} AS e ANTI JOIN ${
        ident(contacts.table)
      } AS c ON c.contact_id = e.contact_id`,
    )
    : 0;
  const population = contacts
    ? await count(conn, `SELECT count(*) FROM ${ident(contacts.table)}`)
    : await count(conn, `SELECT count(DISTINCT contact_id) FROM ${ident(eventsTable)}`);

  const header = ["as_of", "contact_id", "score", "tier", "matched_events", "verified", "reasons"];
  let text = [...header, ...scopeColumns].map((f) => textField(f)).join(",") + "\n";
  const result = await conn.stream("SELECT * FROM sb_scores ORDER BY as_of, contact_id");
  const summaries: ScoreSummary[] = [];
  const tiers: Record<TierOrUnscored, number>[] = [];
  const triggers: TriggerFiring[] = [];
  const wantTriggers = config.triggers.length > 0;
  let prev = new Map<string, number>();
  let cur = new Map<string, number>();
  let order: string[] = [];
  let lastAsOfText = "";
  let lastAsOf = NaN;
  let rows = 0;
  const seenInstants: number[] = [];
  const closeInstant = () => {
    if (Number.isNaN(lastAsOf)) return;
    seenInstants.push(lastAsOf);
    const t = tiers[tiers.length - 1];
    const inAudience = t.high + t.medium + t.low + t.unscored;
    const scored = inAudience - t.unscored;
    summaries.push({
      contacts: inAudience,
      scored,
      coverage: inAudience === 0 ? 0 : scored / inAudience,
      ignoredEvents: ignored,
      excludedByAudience: population - inAudience,
      excludedByVerification: 0,
    });
    if (wantTriggers) {
      const first = summaries.length === 1;
      for (const trig of config.triggers) {
        const reach = tierCode(trig.reaches);
        for (const id of order) {
          const now = cur.get(id)!;
          const before = first ? -1 : prev.get(id) ?? -1;
          if (now >= reach && before < reach) {
            triggers.push({
              triggerId: trig.id,
              contactId: id,
              asOf: lastAsOf,
              from: before < 0 ? null : TIERS[before],
              to: TIERS[now],
            });
          }
        }
      }
      [prev, cur] = [cur, prev];
      cur.clear();
      order = [];
    }
  };
  // Instants come back as the query's ISO text; map them to the numbers given.
  const byText = new Map(instants.map((t) => [formatInstant(t), t]));
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    const [asOfCol, idCol, scoreCol, tierCol, matchedCol, verifiedCol, reasonsCol, scopesCol] =
      chunk.convertColumns(JSDuckDBValueConverter) as unknown[][];
    const m = chunk.rowCount;
    for (let r = 0; r < m; r++) {
      const asOfText = asOfCol[r] as string;
      if (asOfText !== lastAsOfText) {
        closeInstant();
        lastAsOfText = asOfText;
        const t = byText.get(asOfText);
        if (t === undefined) throw new Error(`Unexpected instant "${asOfText}" in the SQL rows`);
        lastAsOf = t;
        tiers.push({ high: 0, medium: 0, low: 0, unscored: 0 });
      }
      const id = idCol[r] as string;
      const tier = tierCol[r] as TierOrUnscored;
      tiers[tiers.length - 1][tier]++;
      if (wantTriggers) {
        cur.set(id, tierCode(tier));
        order.push(id);
      }
      let line = `${asOfText},${textField(id)},${formatNumber(scoreCol[r] as number)},${tier},${
        String(matchedCol[r])
      },${verifiedCol[r]},${textField(reasonsCol[r] as string)}`;
      if (scopeColumns.length > 0) {
        const entries = scopesCol[r] as { key: string; value: number }[] | null;
        const values = new Map((entries ?? []).map((e) => [e.key, e.value]));
        for (const col of scopeColumns) {
          const v = values.get(col);
          line += `,${v === undefined ? "0" : formatNumber(v)}`;
        }
      }
      text += line + "\n";
      rows++;
      if (text.length >= chunkChars) {
        await write(text);
        text = "";
      }
    }
  }
  closeInstant();
  if (text !== "") await write(text);
  await conn.run("DROP TABLE IF EXISTS sb_scores");
  // Instants without any row still get their summary.
  const out: ScoreSummary[] = [];
  const outTiers: Record<TierOrUnscored, number>[] = [];
  let k = 0;
  for (const t of instants) {
    if (k < seenInstants.length && seenInstants[k] === t) {
      out.push(summaries[k]);
      outTiers.push(tiers[k]);
      k++;
    } else {
      out.push({
        contacts: 0,
        scored: 0,
        coverage: 0,
        ignoredEvents: ignored,
        excludedByAudience: population,
        excludedByVerification: 0,
      });
      outTiers.push({ high: 0, medium: 0, low: 0, unscored: 0 });
    }
  }
  return {
    instants,
    summaries: out,
    tiers: outTiers,
    triggers,
    scopeColumns,
    rows,
    events: eventCount,
    sql,
    partitions,
  };
}
