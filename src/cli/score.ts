/**
 * `deno task cli score`: scores contacts with a config at one or more instants and writes
 * `scores.csv` (and `triggers.csv`) per `docs/cli.md`. Events stream from the
 * file into the batch scorer, so only compact match records are kept in memory.
 */
import { readConfigFile, unknownEventTypeWarnings } from "../config/mod.ts";
import type { ContactRow, EventRow, PurchaseRow, VerificationRow } from "../data/types.ts";
import { PURCHASE_EVENT_TYPE, purchaseEvent } from "../data/purchase_event.ts";
import { createBatchScorer } from "../engine/create_batch_scorer.ts";
import { formatInstant, formatTriggersCsv, scoresCsvChunks } from "../engine/format_scores_csv.ts";
import type { ScoreResult } from "../engine/types.ts";
import { type FlagSpec, instantFlag, parseFlags, runCommand, UsageError } from "./_args.ts";
import { checkOutputs, type OutputFile, type OutputPath, writeOutputs } from "./_io.ts";
import { inputsOf, LOAD_FLAGS, loadFromFlags, rejectsFile, rejectsOutput } from "./_load_flags.ts";

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
  purchases: {
    help:
      'Purchases file (contact_id, ts, amount, channel, tag), scored as events of type "purchase" (amount as value).',
  },
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
  ...LOAD_FLAGS,
};

function tierCounts(result: ScoreResult, asOf: number): string {
  const counts = { high: 0, medium: 0, low: 0, unscored: 0 };
  for (const row of result.rows) if (row.asOf === asOf) counts[row.tier]++;
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

    let contacts: ContactRow[] | undefined;
    if (contactsPath !== null) {
      contacts = (await loadFromFlags("contacts", contactsPath, flags)).rows;
    }
    let verification: VerificationRow[] | undefined;
    if (typeof flags.verification === "string") {
      verification = (await loadFromFlags("verification", flags.verification, flags)).rows;
    }
    const scorer = createBatchScorer(config, { contacts, verification });
    const types = new Set<string>();
    if (eventsPath !== null) {
      const loaded = await loadFromFlags("events", eventsPath, flags, {
        onRow: (e: EventRow) => scorer.add(e),
      });
      for (const t of Object.keys(loaded.summary.eventTypes ?? {})) types.add(t);
    }
    if (purchasesPath !== null) {
      const loaded = await loadFromFlags("purchases", purchasesPath, flags, {
        onRow: (p: PurchaseRow) => scorer.add(purchaseEvent(p)),
      });
      if (loaded.summary.rowsLoaded > 0) types.add(PURCHASE_EVENT_TYPE);
    }
    if (eventsPath !== null || purchasesPath !== null) {
      for (const w of unknownEventTypeWarnings(config, types)) console.error(`  warning: ${w}`);
    }
    const loaded = performance.now();
    const slow = loaded - started > 1000;
    if (slow) {
      console.error(
        `Scoring at ${asOf.length} instant(s): ${scorer.eventCount} events, ${scorer.matchCount} rule matches...`,
      );
    }
    const result = scorer.finish(asOf);
    const scored = performance.now();
    const files: OutputFile[] = [{ path: out, data: scoresCsvChunks(result) }];
    if (triggersOut) files.push({ path: triggersOut, data: formatTriggersCsv(result) });
    await writeOutputs([...files, ...rejectsFile(flags)]);

    const last = result.summaries.length - 1;
    const lastAsOf = result.rows.length ? result.rows[result.rows.length - 1].asOf : asOf[0];
    const s = result.summaries[last];
    const parts = [
      `Scored ${s.contacts} contacts at ${result.summaries.length} instant(s) from ${scorer.eventCount} events`,
      `at ${formatInstant(lastAsOf)} ${tierCounts(result, lastAsOf)} (coverage ${
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
    parts.push(`wrote ${out} (${result.rows.length} rows)`);
    if (triggersOut) parts.push(`${triggersOut} (${result.triggers.length} firings)`);
    const secs = (a: number, b: number) => ((b - a) / 1000).toFixed(1);
    const done = performance.now();
    console.log(
      `${parts.join("; ")} in ${secs(started, done)} s (loading and matching ${
        secs(started, loaded)
      } s, scoring ${secs(loaded, scored)} s, writing ${secs(scored, done)} s)`,
    );
    return 0;
  });
}
