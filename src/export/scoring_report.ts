/**
 * The scoring report, one definition for the CLI (`backtest --report`) and the workbench's
 * Export page: the config's rules and tiers, the backtest sheets, and the charts (tiers by
 * period, conversion by tier, AUC by period, migration into the last period). Callers turn
 * the chart figures into PNG their own way (resvg outside the browser, a canvas inside).
 */
import type { ScoringConfigSpec } from "../config/types.ts";
import type { BacktestJson } from "../backtest/to_backtest_json.ts";
import type { ReplayResult } from "../backtest/replay.ts";
import type { ContactRow, EventRow, VerificationRow } from "../tables/mod.ts";
import { toScoringConfig } from "../config/mod.ts";
import { scoreContacts } from "../engine/mod.ts";
import { aucChart, conversionChart, migrationChart, tierSizesChart } from "../charts/mod.ts";
import { type BacktestReportOptions, backtestReportSheets } from "./backtest_report.ts";
import type { ReportSheet } from "./report_workbook.ts";

/** Options of `scoringReportSheets`. */
export interface ScoringReportOptions extends BacktestReportOptions {
  /** Contacts whose phone and e-mail go on the per-contact sheet. @default none */
  contacts?: ContactRow[];
  /**
   * The events the replay scored: with them, the per-contact sheet says why each contact has
   * its score in the last period (the engine's reasons). @default none
   */
  events?: EventRow[];
  /** The verification list the replay used (it changes scores when it demotes). @default none */
  verification?: VerificationRow[];
}

/**
 * Each contact's reasons at `asOf` as one text (`call +13; page_view +4`, largest first), as
 * the engine gives them.
 */
export function reasonsAt(
  config: ScoringConfigSpec,
  input: { events: EventRow[]; contacts?: ContactRow[]; verification?: VerificationRow[] },
  asOf: number,
): Map<string, string> {
  const result = scoreContacts(toScoringConfig(config), input, { asOf: [asOf] });
  const out = new Map<string, string>();
  for (const row of result.rows) {
    if (!row.reasons.length) continue;
    const sorted = [...row.reasons].sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
    out.set(
      row.contactId,
      sorted.map((r) => `${r.ruleId} ${r.points > 0 ? "+" : ""}${Number(r.points.toFixed(2))}`)
        .join("; "),
    );
  }
  return out;
}

/** The sheets of the report: the backtest sheets (Summary first), then the config's rules and tiers. */
export function scoringReportSheets(
  config: ScoringConfigSpec,
  json: BacktestJson,
  result?: ReplayResult,
  options: ScoringReportOptions = {},
): ReportSheet[] {
  const last = json.periods.at(-1)?.asOf;
  const reasons = options.events && last !== undefined
    ? reasonsAt(config, {
      events: options.events,
      contacts: options.contacts,
      verification: options.verification,
    }, Date.parse(last))
    : options.reasons;
  return [
    ...backtestReportSheets(json, result, { ...options, reasons }),
    {
      name: "Config",
      rows: [...(config.rules ?? []), ...(config.attributes ?? [])].map((r) => ({
        id: r.id,
        on: "on" in r ? r.on : `contact ${r.field}`,
        where: JSON.stringify(r.where ?? {}),
        points: r.points,
        description: r.description ?? "",
      })),
      columns: ["id", "on", "where", "points", "description"],
      formats: { points: "decimal" },
    },
    {
      name: "Tiers",
      rows: [{ high: config.tiers?.high ?? null, medium: config.tiers?.medium ?? null }],
      formats: { high: "decimal", medium: "decimal" },
    },
  ];
}

/** One chart of the report: its caption, the Plot figure, and its size in pixels. */
export interface ReportChart {
  /** File-like name, e.g. `tier_sizes`. */
  name: string;
  /** Caption above the picture. */
  title: string;
  /** The Plot figure. */
  figure: Element;
  /** Width in pixels of the picture. */
  width: number;
  /** Height in pixels of the picture. */
  height: number;
}

/** The report's charts, built in `document` (linkedom's outside a browser). */
export function scoringReportCharts(json: BacktestJson, document: Document): ReportChart[] {
  const width = 720;
  // Each period chart at full width, its legend off (the sheet names the series).
  const periodChart = (
    name: string,
    title: string,
    chart: typeof tierSizesChart,
    height: number,
    cell: number,
  ): ReportChart => ({
    name,
    title,
    figure: chart(json.periods, { document, width, height, legend: false }) as Element,
    width,
    height: cell,
  });
  const charts: ReportChart[] = [
    periodChart("tier_sizes", "Contacts per tier and period", tierSizesChart, 320, 360),
    periodChart("conversion", "Conversion per tier and period", conversionChart, 320, 360),
    periodChart("auc", "AUC per period", aucChart, 260, 260),
  ];
  const last = json.periods.at(-1);
  if (last?.migration) {
    charts.push({
      name: "migration",
      title: `Tier migration from ${last.migration.from.slice(0, 10)} to ${last.asOf.slice(0, 10)}`,
      // No colour-ramp legend (it needs a canvas, absent outside a browser): the cells carry
      // their counts.
      figure: migrationChart(last.migration.matrix, {
        document,
        width: 480,
        height: 400,
        legend: false,
      }) as Element,
      width: 480,
      height: 420,
    });
  }
  return charts;
}
