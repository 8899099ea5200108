/**
 * `deno task cli score`: scores contacts with a config at one or more instants and writes
 * `scores.csv` (and `triggers.csv`) per `docs/cli.md`. Events stream from the
 * file into the batch scorer, so only compact match records are kept in memory.
 */
import { readConfigFile, unknownEventTypeWarnings } from "../config/mod.ts";
import type { ContactRow, EventRow, PurchaseRow, VerificationRow } from "../data/types.ts";
import { PURCHASE_EVENT_TYPE, purchaseEvent } from "../data/purchase_event.ts";
import { createBatchScorer } from "../engine/create_batch_scorer.ts";
import { formatInstant, formatTriggersCsv } from "../engine/format_scores_csv.ts";
import {
  type FlagSpec,
  instantFlag,
  type ParsedFlags,
  parseFlags,
  runCommand,
  UsageError,
} from "./_args.ts";
import { checkOutputs, type OutputPath, withOutputs } from "./_io.ts";
import {
  closeNativeSession,
  DUCKDB_FLAGS,
  inputsOf,
  LOAD_FLAGS,
  loadFromFlags,
  loadIntoDuckDB,
  nativeSession,
  outOfMemory,
  readerOf,
  rejectsFile,
  rejectsOutput,
} from "./_load_flags.ts";
import { scoreNative } from "../db/score_native.ts";
import type { NativeTable } from "../db/read_table_native.ts";
import type { ScoringConfig, TierOrUnscored } from "../config/types.ts";
import { scoreOnClickhouse } from "./_score_clickhouse.ts";

const SUMMARY = "scores contacts with a config";

const FLAGS: Record<string, FlagSpec> = {
  config: { help: "Scoring config (scorebench.config/v1 JSON).", required: true },
  events: {
    help:
      "Events file (contact_id, ts, type, ...). May be left out only for a config without event rules.",
  },
  contacts: {
    help:
      "Contacts file. With it, exactly these contacts are scored; without, every contact seen in the events.",
  },
  verification: { help: "Verification file (contact_id, phone or email)." },
  "as-of": {
    help:
      "Instant to score as of: a date (2024-03-31 = 00:00 UTC) or an ISO 8601 instant; repeat for several.",
    multiple: true,
    required: true,
  },
  out: { help: "Output scores.csv.", required: true },
  triggers: {
    help: "Also write the trigger firings (trigger_id,contact_id,as_of,from,to) to this CSV.",
  },
  purchases: {
    help:
      'Purchases file (contact_id, ts, amount, channel, tag), scored as events of type "purchase" (amount as value) by the engine scorer.',
  },
  engine: {
    help:
      "Where to score: local (this process, as --scorer says; default) or clickhouse (a running server, see --url; docs/scale-out.md).",
  },
  url: {
    help:
      "--engine clickhouse: the server's HTTP address (default http://127.0.0.1:8123). Given files are loaded into a temporary database first; without them the tables of --database are scored.",
  },
  database: {
    help:
      "--engine clickhouse without files: the database holding events, contacts, verification (default default).",
  },
  scorer: {
    help:
      "How to score: sql (the compiled SQL in native DuckDB; needs --reader duckdb) or engine (the in-memory rule engine). Default: sql with --reader duckdb, else engine",
  },
  ...LOAD_FLAGS,
  ...DUCKDB_FLAGS,
};

function tierCounts(
  counts: Record<TierOrUnscored, number> = { high: 0, medium: 0, low: 0, unscored: 0 },
): string {
  return `high ${counts.high}, medium ${counts.medium}, low ${counts.low}, unscored ${counts.unscored}`;
}

export function run(args: string[]): Promise<number> {
  return runCommand(async () => {
    const flags = parseFlags("score", SUMMARY, FLAGS, args);
    if (flags === null) return 0;
    const started = performance.now();
    const asOf = (flags["as-of"] as string[]).flatMap((v) => v.split(",")).map((text) =>
      instantFlag("as-of", text)
    );
    const out = String(flags.out);
    const triggersOut = typeof flags.triggers === "string" ? flags.triggers : null;
    const outputs: OutputPath[] = [{ flag: "out", path: out }];
    if (triggersOut) outputs.push({ flag: "triggers", path: triggersOut });
    await checkOutputs([...outputs, ...rejectsOutput(flags)], inputsOf(flags));

    const configPath = String(flags.config);
    const { config } = await readConfigFile(configPath);
    const engine = String(flags.engine ?? "local");
    if (engine !== "local" && engine !== "clickhouse") {
      throw new UsageError(`--engine must be "local" or "clickhouse", got "${engine}"`);
    }
    if (engine === "clickhouse" && typeof flags.purchases === "string") {
      throw new UsageError("--purchases is scored by --engine local (--scorer engine)");
    }
    if (engine === "clickhouse") {
      const { rows, triggers } = await scoreOnClickhouse(config, asOf, out, triggersOut, flags);
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      const fired = triggersOut ? `, ${triggersOut} (${triggers} firings)` : "";
      console.log(
        `Scored on ClickHouse at ${asOf.length} instant(s); wrote ${out} (${rows} rows)${fired} in ${secs} s`,
      );
      return 0;
    }
    const eventsPath = typeof flags.events === "string" ? flags.events : null;
    const contactsPath = typeof flags.contacts === "string" ? flags.contacts : null;
    const purchasesPath = typeof flags.purchases === "string" ? flags.purchases : null;
    if (config.rules.length > 0 && eventsPath === null && purchasesPath === null) {
      throw new UsageError(
        `--events is required: config "${configPath}" has ${config.rules.length} event rule(s) (give --purchases too for rules on "purchase")`,
      );
    }
    if (eventsPath === null && contactsPath === null && purchasesPath === null) {
      throw new UsageError("Nothing to score: give --contacts (and --events for event rules)");
    }

    const reader = readerOf(flags);
    // Purchases are scored as events by the engine (the SQL path reads one events table).
    const scorerName = flags.scorer ??
      (reader === "duckdb" && purchasesPath === null ? "sql" : "engine");
    if (scorerName !== "sql" && scorerName !== "engine") {
      throw new UsageError(`--scorer: "${scorerName}" is not sql or engine`);
    }
    if (scorerName === "sql" && reader !== "duckdb") {
      throw new UsageError("--scorer sql needs --reader duckdb");
    }
    if (scorerName === "sql" && purchasesPath !== null) {
      throw new UsageError("--purchases is scored by --scorer engine, not sql");
    }
    if (scorerName === "sql") {
      try {
        return await scoreWithSql(config, flags, {
          started,
          asOf,
          out,
          triggersOut,
          eventsPath,
          contactsPath,
        });
      } finally {
        await closeNativeSession();
      }
    }

    let contacts: ContactRow[] | undefined;
    if (contactsPath !== null) {
      contacts = (await loadFromFlags("contacts", contactsPath, flags, { reader })).rows;
    }
    let verification: VerificationRow[] | undefined;
    if (typeof flags.verification === "string") {
      verification =
        (await loadFromFlags("verification", flags.verification, flags, { reader })).rows;
    }
    const scorer = createBatchScorer(config, { contacts, verification, asOf });
    const types = new Set<string>();
    if (eventsPath !== null) {
      const loaded = await loadFromFlags("events", eventsPath, flags, {
        onRow: (e: EventRow) => scorer.add(e),
        reader,
      }).finally(closeNativeSession);
      for (const t of Object.keys(loaded.summary.eventTypes ?? {})) types.add(t);
    }
    if (purchasesPath !== null) {
      const loaded = await loadFromFlags("purchases", purchasesPath, flags, {
        onRow: (p: PurchaseRow) => scorer.add(purchaseEvent(p)),
        reader,
      }).finally(closeNativeSession);
      if (loaded.summary.rowsLoaded > 0) types.add(PURCHASE_EVENT_TYPE);
    }
    if (eventsPath !== null || purchasesPath !== null) {
      for (const w of unknownEventTypeWarnings(config, types)) console.error(`  warning: ${w}`);
    }
    await closeNativeSession();
    const loaded = performance.now();
    const slow = loaded - started > 1000;
    if (slow) {
      console.error(
        `Scoring at ${asOf.length} instant(s): ${scorer.eventCount} events, ${scorer.matchCount} rule matches...`,
      );
    }
    // Rows go from the scorer's typed arrays straight to the file, no object per row.
    // All outputs appear together, or none (a failure removes the staged files).
    const result = await withOutputs(async (batch) => {
      const r = await batch.addWith(out, (write) => scorer.finishCsvBytes(asOf, write));
      if (triggersOut) await batch.add(triggersOut, formatTriggersCsv({ ...r, rows: [] }));
      for (const f of rejectsFile(flags)) await batch.add(f.path, f.data);
      return r;
    });
    const scored = performance.now();

    const last = result.summaries.length - 1;
    let withRows = -1;
    result.summaries.forEach((x, k) => {
      if (x.contacts > 0) withRows = k;
    });
    const lastAsOf = withRows >= 0 ? result.instants[withRows] : asOf[0];
    const s = result.summaries[last];
    const parts = [
      `Scored ${s.contacts} contacts at ${result.summaries.length} instant(s) from ${scorer.eventCount} events`,
      `at ${formatInstant(lastAsOf)} ${tierCounts(result.tiers[withRows])} (coverage ${
        (s.coverage * 100).toFixed(1)
      }%)`,
    ];
    if (s.ignoredEvents) {
      parts.push(`${s.ignoredEvents} events of contacts not in --contacts ignored`);
    }
    if (s.excludedByAudience) parts.push(`${s.excludedByAudience} left out by the audience`);
    if (s.excludedByVerification) {
      parts.push(`${s.excludedByVerification} excluded by verification`);
    }
    parts.push(`wrote ${out} (${result.rows} rows)`);
    if (triggersOut) parts.push(`${triggersOut} (${result.triggers.length} firings)`);
    const secs = (a: number, b: number) => ((b - a) / 1000).toFixed(1);
    const done = performance.now();
    console.log(
      `${parts.join("; ")} in ${secs(started, done)} s (loading and matching ${
        secs(started, loaded)
      } s, scoring and writing ${secs(loaded, scored)} s)`,
    );
    return 0;
  });
}

interface SqlRun {
  started: number;
  asOf: number[];
  out: string;
  triggersOut: string | null;
  eventsPath: string | null;
  contactsPath: string | null;
}

/** Reads the inputs into native DuckDB and scores them with the compiled SQL there. */
async function scoreWithSql(
  config: ScoringConfig,
  flags: ParsedFlags,
  run: SqlRun,
): Promise<number> {
  const { started, asOf, out, triggersOut, eventsPath, contactsPath } = run;
  const db = await nativeSession(flags);
  const input = (t: NativeTable | null) =>
    t === null ? null : { table: t.table, columns: t.columns };
  const contacts = contactsPath === null
    ? null
    : await loadIntoDuckDB("contacts", contactsPath, flags);
  const verification = typeof flags.verification === "string"
    ? await loadIntoDuckDB("verification", flags.verification, flags)
    : null;
  const events = eventsPath === null ? null : await loadIntoDuckDB("events", eventsPath, flags);
  if (events !== null) {
    const types = Object.keys(events.summary.eventTypes ?? {});
    for (const w of unknownEventTypeWarnings(config, types)) console.error(`  warning: ${w}`);
  }
  const loaded = performance.now();
  if (loaded - started > 1000) {
    console.error(`Scoring at ${asOf.length} instant(s) with the compiled SQL in DuckDB...`);
  }
  // All outputs appear together, or none (a failure removes the staged files).
  const result = await withOutputs(async (batch) => {
    const r = await batch.addWith(out, (write) =>
      scoreNative(db.conn, config, {
        asOf,
        events: input(events),
        contacts: input(contacts),
        verification: input(verification),
        write,
      })).catch((err) => {
        throw outOfMemory(err, "scoring", flags);
      });
    if (triggersOut) {
      await batch.add(
        triggersOut,
        formatTriggersCsv({ rows: [], triggers: r.triggers, summaries: [], scopeColumns: [] }),
      );
    }
    for (const f of rejectsFile(flags)) await batch.add(f.path, f.data);
    return r;
  });
  const scored = performance.now();
  const last = result.instants.length - 1;
  const s = result.summaries[last];
  const t = result.tiers[last];
  const parts = [
    `Scored ${s.contacts} contacts at ${result.instants.length} instant(s) from ${result.events} events`,
    `at ${
      formatInstant(result.instants[last])
    } high ${t.high}, medium ${t.medium}, low ${t.low}, unscored ${t.unscored} (coverage ${
      (s.coverage * 100).toFixed(1)
    }%)`,
  ];
  if (s.ignoredEvents) {
    parts.push(`${s.ignoredEvents} events of contacts not in --contacts ignored`);
  }
  if (s.excludedByAudience) {
    parts.push(`${s.excludedByAudience} left out by the audience or verification`);
  }
  parts.push(`wrote ${out} (${result.rows} rows)`);
  if (triggersOut) parts.push(`${triggersOut} (${result.triggers.length} firings)`);
  const secs = (a: number, b: number) => ((b - a) / 1000).toFixed(1);
  const done = performance.now();
  console.log(
    `${parts.join("; ")} in ${secs(started, done)} s (compiled SQL in DuckDB: loading ${
      secs(started, loaded)
    } s, scoring and writing ${secs(loaded, scored)} s)`,
  );
  return 0;
}
