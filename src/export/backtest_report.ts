/** The backtest XLSX report: summary, tiers per period, interest dynamics, migration, thresholds. */
import type { BacktestJson } from "../backtest/to_backtest_json.ts";
import { MIGRATION_STATES } from "../backtest/migration_matrix.ts";
import type { ReplayResult } from "../backtest/replay.ts";
import { TIERS } from "../tables/mod.ts";
import type { ThresholdResult } from "../backtest/thresholds.ts";
import { formatInstant } from "../engine/format_scores_csv.ts";
import type { SheetSpec } from "./workbook.ts";

/** Limits of the backtest workbook. */
export interface BacktestReportOptions {
  /**
   * Most contacts listed on the interest-dynamics sheet (Excel holds about a million rows);
   * the summary says when the list was cut. @default 100000
   */
  maxContacts?: number;
  /** Contacts whose phone and e-mail go on the interest-dynamics sheet. @default none */
  contacts?: { contact_id: string; phone?: string | null; email?: string | null }[];
  /**
   * Why each contact has its score in the last period (`call +13; page_view +4`), by contact
   * id: a "reasons" column on the interest-dynamics sheet. @default none
   */
  reasons?: Map<string, string>;
}

const TIER_ORDER = ["high", "medium", "low", "unscored"] as const;

/**
 * The sheets of the backtest report from `backtest.json` content, plus the per-contact
 * tiers of `result` (kept with `keepContacts`) for the interest-dynamics sheet.
 */
export function backtestReportSheets(
  json: BacktestJson,
  result?: ReplayResult,
  options: BacktestReportOptions = {},
): SheetSpec[] {
  const { maxContacts = 100_000, contacts, reasons } = options;
  const dates = json.periods.map((p) => p.asOf);
  const summary: unknown[][] = [
    ["Config", json.config.name],
    ["Lookback (days)", json.config.window.lookbackDays],
    ["Half-life (days)", json.config.window.halfLifeDays ?? "none"],
    ["High tier from", json.config.tiers.high],
    ["Medium tier from", json.config.tiers.medium],
    ["Horizon (days)", json.horizonDays],
    ["Periods", json.summary.periods],
    ["First period", dates[0] ?? ""],
    ["Last period", dates[dates.length - 1] ?? ""],
    ["Mean AUC (scored contacts)", json.summary.meanAuc],
    ["Lowest AUC", json.summary.minAuc],
    ["Highest AUC", json.summary.maxAuc],
    ["Largest PSI against the first period", json.summary.maxPsi],
    ["Mean coverage", json.summary.meanCoverage],
    [
      "Periods where a lower tier converted better",
      json.summary.periodsOutOfOrder.join(", ") || "none",
    ],
  ];
  const perPeriod: Record<string, unknown>[] = json.periods.flatMap((p) =>
    TIER_ORDER.map((tier) => ({
      as_of: p.asOf,
      tier,
      contacts: p.tiers[tier].contacts,
      converters: p.tiers[tier].converters,
      conversion_rate: p.tiers[tier].conversionRate,
      lift: p.tiers[tier].lift,
      capture: p.tiers[tier].capture,
      period_contacts: p.contacts,
      period_coverage: p.coverage,
      period_conversion_rate: p.conversionRate,
      period_auc: p.auc,
      period_auc_all: p.aucAll,
      psi_previous: p.psi.previous,
      psi_first: p.psi.first,
    }))
  );
  const migration: unknown[][] = [];
  for (const p of json.periods) {
    if (!p.migration) continue;
    migration.push([`${p.migration.from} -> ${p.asOf}`, ...MIGRATION_STATES]);
    for (const from of MIGRATION_STATES) {
      migration.push([from, ...MIGRATION_STATES.map((to) => p.migration!.matrix[from][to])]);
    }
    migration.push([]);
  }
  const triggerIds = json.config.triggers;
  const triggers = json.periods.map((
    p,
  ) => [p.asOf, ...triggerIds.map((id) => p.triggers[id] ?? 0)]);
  const sheets: SheetSpec[] = [
    { name: "Summary", rows: summary, columns: ["item", "value"] },
    { name: "Tiers by period", rows: perPeriod },
  ];
  if (result?.contactIds && result.tierCodes && result.scores) {
    const n = Math.min(result.contactIds.length, maxContacts);
    if (n < result.contactIds.length) {
      summary.push([
        "Interest dynamics lists",
        `the first ${n} of ${result.contactIds.length} contacts by id`,
      ]);
    }
    const details = contacts ? new Map(contacts.map((c) => [c.contact_id, c])) : null;
    const rows: unknown[][] = [];
    for (let i = 0; i < n; i++) {
      const id = result.contactIds[i];
      const row: unknown[] = [id];
      if (details) row.push(details.get(id)?.phone ?? null, details.get(id)?.email ?? null);
      for (let k = 0; k < result.tierCodes.length; k++) {
        const code = result.tierCodes[k][i];
        row.push(code < 0 ? "absent" : TIERS[code]);
      }
      for (let k = 0; k < result.scores.length; k++) {
        const score = result.scores[k][i];
        row.push(Number.isNaN(score) ? null : score);
      }
      const last = result.scores[result.scores.length - 1][i];
      row.push(Number.isNaN(last) ? null : last);
      if (reasons) row.push(reasons.get(id) ?? "");
      rows.push(row);
    }
    const day = (d: string) => d.slice(0, 10);
    sheets.push({
      name: "Interest dynamics",
      rows,
      columns: [
        "contact_id",
        ...(details ? ["phone", "email"] : []),
        ...dates.map((d) => `tier ${day(d)}`),
        ...dates.map((d) => `score ${day(d)}`),
        "last_score",
        ...(reasons ? ["reasons"] : []),
      ],
    });
  }
  sheets.push({ name: "Migration", rows: migration.length ? migration : [["one period only"]] });
  if (triggerIds.length) {
    sheets.push({ name: "Triggers", rows: triggers, columns: ["as_of", ...triggerIds] });
    if (result?.firings) {
      const shown = result.firings.slice(0, maxContacts);
      if (shown.length < result.firings.length) {
        summary.push([
          "Trigger firings lists",
          `the first ${shown.length} of ${result.firings.length} firings`,
        ]);
      }
      sheets.push({
        name: "Trigger firings",
        rows: shown.map((f) => [
          formatInstant(f.asOf),
          f.triggerId,
          f.contactId,
          f.from ?? "",
          f.to,
        ]),
        columns: ["as_of", "trigger_id", "contact_id", "from", "to"],
      });
    }
  }
  if (json.thresholds?.length) sheets.push(...thresholdSheets(json.thresholds));
  if (json.windows) {
    const w = json.windows;
    const same = (c: { lookbackDays: number; halfLifeDays: number | null } | null, x: {
      lookbackDays: number;
      halfLifeDays: number | null;
    }) => c !== null && c.lookbackDays === x.lookbackDays && c.halfLifeDays === x.halfLifeDays;
    const allDates = [...w.selectionPeriods, ...w.outOfTimePeriods];
    sheets.push({
      name: "Windows",
      rows: w.grid.map((c) => [
        c.lookbackDays,
        c.halfLifeDays ?? "none",
        c.selectionAuc,
        c.outOfTimeAuc,
        c.outOfTimeCoverage,
        c.outOfTimeRank,
        same(w.best, c) ? "chosen" : same(w.current, c) ? "current" : "",
        ...c.aucByPeriod,
      ]),
      columns: [
        "lookback_days",
        "half_life_days",
        "selection_auc",
        "out_of_time_auc",
        "out_of_time_coverage",
        "out_of_time_rank",
        "note",
        ...allDates.map((d) => `auc ${d}`),
      ],
    });
    summary.push(["Window choice", w.evidence]);
  }
  if (json.impact) {
    const rows: unknown[][] = [];
    for (const p of json.impact.periods) {
      for (const tier of TIER_ORDER) {
        const t = p.tiers[tier];
        rows.push([
          p.asOf,
          tier,
          t.currentContacts,
          t.candidateContacts,
          t.currentConverters,
          t.candidateConverters,
          t.convertersGained,
          t.convertersLost,
          p.psi,
          p.currentAuc,
          p.candidateAuc,
        ]);
      }
    }
    sheets.push({
      name: "Impact",
      rows,
      columns: [
        "as_of",
        "tier",
        "current_contacts",
        "candidate_contacts",
        "current_converters",
        "candidate_converters",
        "converters_gained",
        "converters_lost",
        "psi",
        "current_auc",
        "candidate_auc",
      ],
    });
    summary.push(["Candidate config", json.impact.candidate.name]);
  }
  return sheets;
}

/** Threshold choices and their score-to-probability tables as two sheets. */
export function thresholdSheets(results: ThresholdResult[]): SheetSpec[] {
  const cuts = results.map((t) => ({
    method: t.method,
    settings: JSON.stringify(t.settings),
    high_cut: t.cuts.high,
    high_lower: t.intervals.high.lower,
    high_upper: t.intervals.high.upper,
    medium_cut: t.cuts.medium,
    medium_lower: t.intervals.medium.lower,
    medium_upper: t.intervals.medium.upper,
    level: t.intervals.high.level,
    high_per_period: t.tiers.high.contactsPerPeriod,
    high_rate: t.tiers.high.conversionRate,
    high_lift: t.tiers.high.lift,
    medium_per_period: t.tiers.medium.contactsPerPeriod,
    medium_rate: t.tiers.medium.conversionRate,
    medium_lift: t.tiers.medium.lift,
    low_per_period: t.tiers.low.contactsPerPeriod,
    low_rate: t.tiers.low.conversionRate,
    warnings: t.warnings.join("; "),
  }));
  const probabilities = results.flatMap((t) =>
    t.probabilities.map((b) => ({
      method: t.method,
      tier: b.tier,
      score_from: b.scoreFrom,
      score_to: b.scoreTo,
      contacts: b.contacts,
      converters: b.converters,
      probability: b.probability,
      lower: b.interval.lower,
      upper: b.interval.upper,
    }))
  );
  return [
    { name: "Thresholds", rows: cuts },
    { name: "Score to probability", rows: probabilities },
  ];
}
