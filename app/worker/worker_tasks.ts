/**
 * The heavy work a page asks for, run inside the data worker on the tables it holds:
 * calibration, scoring, replays, window comparison and impact previews. Each task calls the
 * shared module that owns the maths; this file only adapts inputs and outputs.
 */
import type { ContactRow, EventRow, PurchaseRow, VerificationRow } from "../../src/data/types.ts";
import type { ScoringConfigSpec } from "../../src/config/types.ts";
import { parseConfig } from "../../src/config/mod.ts";
import { dataSpan } from "../../src/tables/mod.ts";
import { createBatchScorer } from "../../src/engine/mod.ts";
import { PURCHASE_EVENT_TYPE, purchaseEvent } from "../../src/data/purchase_event.ts";
import {
  compareWindows,
  type CompareWindowsOptions,
  impactPreview,
  type ImpactPreviewOptions,
  replay,
  type ReplayInput,
  type ReplayOptions,
  toBacktestJson,
} from "../../src/backtest/mod.ts";
import {
  calibratePerTag,
  calibrateSnapshot,
  calibrateTemporal,
  type CalibrationResult,
  codeLikeColumns,
  evaluateHoldout,
  type PerTagOptions,
  type TemporalOptions,
} from "../../src/calibrate/mod.ts";
import { calibrateRollingTemporal, type RollingTemporalOptions } from "../../src/backtest/mod.ts";
import { type AudienceOptions, buildAudienceFile } from "../../src/export/audience_file.ts";
import { buildReportWorkbook, type ReportImage } from "../../src/export/report_workbook.ts";
import { scoringReportSheets } from "../../src/export/scoring_report.ts";
import type { ReplayResult, ThresholdMethod } from "../../src/backtest/mod.ts";
import { thresholds, thresholdSample } from "../../src/backtest/mod.ts";

/** The tables the worker holds, by kind. */
export interface WorkerTables {
  contacts?: ContactRow[];
  events?: EventRow[];
  purchases?: PurchaseRow[];
  verification?: VerificationRow[];
  /**
   * The tables read a row at a time, when they are held as columns: tasks that read each
   * event once (scoring, the span) take rows from here, built as read and never kept, instead
   * of the arrays above (an object per row of 10M events costs gigabytes).
   */
  scan?: TableScan;
}

/** Streaming access to tables held as columns (see `WorkerTables.scan`). */
export interface TableScan {
  /** Rows of table `kind` (0 when none is loaded). */
  size(kind: "events" | "purchases"): number;
  /** The rows of table `kind` in input order, each built as it is read. */
  rows(kind: "events"): Iterable<EventRow>;
  rows(kind: "purchases"): Iterable<PurchaseRow>;
  /** The event types of the events table. */
  eventTypes(): Set<string>;
}

/** Rows of `kind` without building them when the tables are held as columns. */
function size(tables: WorkerTables, kind: "events" | "purchases"): number {
  return tables.scan ? tables.scan.size(kind) : tables[kind]?.length ?? 0;
}

/** The events scored, one at a time: the events, then each purchase as a `purchase` event. */
function* scoredEvents(tables: WorkerTables, purchases = true): Generator<EventRow> {
  if (tables.scan) {
    yield* tables.scan.rows("events");
    if (purchases) { for (const p of tables.scan.rows("purchases")) yield purchaseEvent(p); }
    return;
  }
  yield* tables.events ?? [];
  if (purchases) { for (const p of tables.purchases ?? []) yield purchaseEvent(p); }
}

/** Scores every contact at `asOf` from the events streamed into the batch scorer. */
function scoreStreamed(
  tables: WorkerTables,
  config: ReturnType<typeof parseConfig>["config"],
  asOf: number,
  purchases = true,
) {
  const scorer = createBatchScorer(config, {
    contacts: tables.contacts,
    verification: tables.verification,
  });
  for (const e of scoredEvents(tables, purchases)) scorer.add(e);
  return scorer.finish([asOf]);
}

/** Fraction done (0 to 1) and a short label of the current step. */
export type TaskProgress = ((fraction: number, phase: string) => void) | undefined;

type TableName = Exclude<keyof WorkerTables, "scan">;

function need<K extends TableName>(
  tables: WorkerTables,
  task: string,
  ...kinds: K[]
): Required<Pick<WorkerTables, K>> {
  // Events and purchases are counted without building their rows.
  const missing = kinds.filter((k) =>
    k === "events" || k === "purchases" ? !size(tables, k) : !tables[k]?.length
  );
  if (missing.length) {
    throw new RangeError(`Cannot ${task}: load ${missing.join(" and ")} first (Data page)`);
  }
  return tables as Required<Pick<WorkerTables, K>>;
}

/** The input of a replay (and of the tasks built on one); `task` names the work for the error. */
function replayInput(tables: WorkerTables, task: string): ReplayInput {
  const { events, purchases } = need(tables, task, "events", "purchases");
  return { events, purchases, contacts: tables.contacts, verification: tables.verification };
}

function eventTypes(tables: WorkerTables): Set<string> {
  const types = tables.scan
    ? tables.scan.eventTypes()
    : new Set((tables.events ?? []).map((e) => e.type));
  if (size(tables, "purchases")) types.add(PURCHASE_EVENT_TYPE);
  return types;
}

/** A config spec checked against the schema (throws `ConfigError` listing every problem). */
function resolve(tables: WorkerTables, spec: ScoringConfigSpec) {
  return parseConfig(spec, { eventTypes: eventTypes(tables) });
}

export const WORKER_TASKS = {
  /** First and last event and purchase instants, and the event types with counts. */
  span(tables: WorkerTables) {
    const types: Record<string, number> = {};
    const events = tables.scan ? tables.scan.rows("events") : tables.events ?? [];
    const counted = (function* () {
      for (const e of events) {
        types[e.type] = (types[e.type] ?? 0) + 1;
        yield e;
      }
    })();
    return {
      ...dataSpan(counted, tables.scan ? tables.scan.rows("purchases") : tables.purchases ?? []),
      eventTypes: types,
      contacts: tables.contacts?.length ?? 0,
    };
  },

  /**
   * The whole-point hold-out metrics of `spec` on the held-out rows of the calibration with
   * `options` (from the cache when the page just ran it): for an unedited config exactly the
   * calibration's own.
   */
  async evaluateHoldout(tables: WorkerTables, spec: ScoringConfigSpec, options: TemporalOptions) {
    const { events, purchases } = need(tables, "evaluate the hold-out", "events", "purchases");
    const calibration = await runTask(tables, "calibrate", [options]) as CalibrationResult;
    return evaluateHoldout(spec, { events, purchases }, calibration, {
      horizonDays: options.horizonDays ?? 30,
      evidence: options.evidence,
    });
  },

  calibrate(tables: WorkerTables, options: TemporalOptions, onProgress: TaskProgress) {
    const { events, purchases } = need(tables, "calibrate", "events", "purchases");
    return calibrateTemporal({ events, purchases, contacts: tables.contacts }, {
      ...options,
      onProgress,
    });
  },

  /**
   * What converters share among contact attributes (gender, age, interests, stage, any other
   * column): the factors of a snapshot calibration. The label is `label`, a contacts column,
   * or, when `null`, whether the contact has any purchase in the data.
   */
  attributeFactors(tables: WorkerTables, label: string | null) {
    const { contacts } = need(tables, "describe contact attributes", "contacts");
    const BOUGHT = "bought (any purchase)";
    let rows = contacts;
    if (label === null) {
      const buyers = new Set((tables.purchases ?? []).map((p) => p.contact_id));
      rows = contacts.map((c) => ({ ...c, [BOUGHT]: buyers.has(c.contact_id) ? 1 : 0 }));
    }
    const result = calibrateSnapshot(rows, {
      label: label ?? BOUGHT,
      holdout: null,
      minIv: 0,
    });
    return { label: label ?? BOUGHT, factors: result.factors, warnings: result.warnings };
  },

  /**
   * One model per product: the global fit and one fit per purchase tag, the tags' rules
   * merged into the global config (scoped `{tag}`). Returns the merged config and, per tag,
   * its rules, proposed tiers and hold-out metrics, rather than every result whole.
   */
  calibratePerTag(tables: WorkerTables, options: PerTagOptions, onProgress: TaskProgress) {
    const { events, purchases } = need(tables, "calibrate per tag", "events", "purchases");
    onProgress?.(0, "fitting one model per tag");
    const result = calibratePerTag({ events, purchases, contacts: tables.contacts }, options);
    onProgress?.(1, "done");
    return {
      config: result.global.config,
      tags: Object.entries(result.tags).map(([tag, r]) => ({
        tag,
        rules: r.config.rules?.length ?? 0,
        tiers: r.config.tiers ?? null,
        holdout: r.holdout?.integer ?? null,
      })),
      skipped: result.skipped,
    };
  },

  /**
   * Contact columns of a few whole numbers (`codeLikeColumns`), offered to be declared
   * categorical before a snapshot calibration on `label`.
   */
  codeColumns(tables: WorkerTables, label: string | null) {
    const { contacts } = need(tables, "list contact columns", "contacts");
    return codeLikeColumns(contacts, { exclude: label ? [label] : [] });
  },

  /**
   * Snapshot calibration on the 0/1 contacts column `label` with `categorical` columns
   * binned as unordered codes. Returns the config and the evidence the page shows (hold-out
   * of the exact fit, the whole points and the plain regression; the selection and its
   * cross-validation curve), not the rows.
   */
  calibrateOnLabel(tables: WorkerTables, label: string, options: { categorical?: string[] }) {
    const { contacts } = need(tables, "calibrate on a label column", "contacts");
    const r = calibrateSnapshot(contacts, {
      label,
      categorical: options.categorical ?? [],
      name: `Snapshot calibration on "${label}"`,
    });
    return {
      config: r.config,
      holdout: r.holdout,
      selection: r.selection,
      refit: r.refit,
      training: r.training,
      warnings: r.warnings,
    };
  },

  /**
   * Recalibration over periods on event data (`calibrateRollingTemporal`): per period, the AUC
   * of the config fitted once before the first period and of the one refitted before it.
   */
  calibrateRolling(
    tables: WorkerTables,
    options: RollingTemporalOptions,
    onProgress: TaskProgress,
  ) {
    const { events, purchases } = need(tables, "recalibrate over periods", "events", "purchases");
    const r = calibrateRollingTemporal({ events, purchases, contacts: tables.contacts }, {
      ...options,
      onProgress,
    });
    return {
      periods: r.periods,
      meanStaticAuc: r.meanStaticAuc,
      meanRollingAuc: r.meanRollingAuc,
      warnings: r.warnings,
    };
  },

  /**
   * Scores every contact at one instant; returns columns (ids, scores, tiers) rather than
   * row objects, so a million contacts cross to the page as a few typed arrays.
   */
  score(tables: WorkerTables, spec: ScoringConfigSpec, asOf: number) {
    const { config, warnings } = resolve(tables, spec);
    const result = scoreStreamed(tables, config, asOf);
    const n = result.rows.length;
    const ids: string[] = new Array(n);
    const scores = new Float64Array(n);
    const scored = new Uint8Array(n);
    const reasons: string[] = new Array(n);
    result.rows.forEach((r, i) => {
      ids[i] = r.contactId;
      scores[i] = r.score;
      scored[i] = r.tier === "unscored" ? 0 : 1;
      reasons[i] = r.reasons.map((x) =>
        `${x.ruleId}:${x.points > 0 ? "+" : ""}${Number(x.points.toFixed(2))}`
      ).join(";");
    });
    return { asOf, ids, scores, scored, reasons, summary: result.summaries[0], warnings };
  },

  replay(
    tables: WorkerTables,
    spec: ScoringConfigSpec,
    options: ReplayOptions,
    onProgress: TaskProgress,
  ) {
    const input = replayInput(tables, "replay the config");
    return replay(resolve(tables, spec).config, input, { ...options, onProgress });
  },

  compareWindows(
    tables: WorkerTables,
    spec: ScoringConfigSpec,
    options: CompareWindowsOptions,
    onProgress: TaskProgress,
  ) {
    const input = replayInput(tables, "compare settings");
    return compareWindows(resolve(tables, spec).config, input, { ...options, onProgress });
  },

  /**
   * Tier cuts chosen from history (`thresholds` of the backtest module) on the replay of
   * `spec` with `options`: the same replay the page asked for, so it comes from the cache.
   */
  async suggestCuts(
    tables: WorkerTables,
    spec: ScoringConfigSpec,
    options: ReplayOptions,
    method: ThresholdMethod,
  ) {
    const result = await runTask(tables, "replay", [spec, options]) as ReplayResult;
    return thresholds(thresholdSample(result), method, { maxRows: 200_000 });
  },

  /**
   * What the audience and verification of `spec` do at `asOf`: contacts in the table, kept by
   * the audience, on the verification list and left out or demoted by it, scored.
   */
  effect(tables: WorkerTables, spec: ScoringConfigSpec, asOf: number) {
    const { config } = resolve(tables, spec);
    const result = scoreStreamed(tables, config, asOf, false);
    const summary = result.summaries[0];
    let verified = 0;
    for (const r of result.rows) if (r.verified) verified++;
    // Per scope (a deal stage, a product tag): how many contacts have points there and what
    // their scores are, beside the global score.
    const scopes = result.scopeColumns.map((scope) => {
      const values = result.rows.map((r) => r.scopes[scope] ?? 0).filter((v) => v !== 0);
      values.sort((a, b) => a - b);
      return {
        scope,
        contacts: values.length,
        mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null,
        median: values.length ? values[Math.floor(values.length / 2)] : null,
        max: values.length ? values[values.length - 1] : null,
      };
    });
    return {
      scopes,
      asOf,
      // The engine's `contacts` are those it scored: after the audience and verification.
      contacts: summary.contacts + summary.excludedByAudience + summary.excludedByVerification,
      keptByAudience: summary.contacts + summary.excludedByVerification,
      excludedByAudience: summary.excludedByAudience,
      verified,
      excludedByVerification: summary.excludedByVerification,
      scored: summary.scored,
    };
  },

  /**
   * The XLSX report (`scoringReportSheets`, the CLI's report) of `spec` replayed with
   * `options`, the contacts' phone and e-mail on the per-contact sheet, and `images` (the
   * charts the page drew) on its Charts sheet.
   */
  async report(
    tables: WorkerTables,
    spec: ScoringConfigSpec,
    options: ReplayOptions,
    images: ReportImage[],
  ) {
    const result = await runTask(tables, "replay", [spec, options]) as ReplayResult;
    const json = toBacktestJson(resolve(tables, spec).config, result);
    const sheets = scoringReportSheets(spec, json, result, {
      contacts: tables.contacts,
      events: tables.events,
      verification: tables.verification,
    });
    return await buildReportWorkbook(sheets, { images });
  },

  /** The audience file of the contacts in `options.tiers` when scored at `asOf`. */
  async audience(
    tables: WorkerTables,
    spec: ScoringConfigSpec,
    asOf: number,
    options: AudienceOptions,
  ) {
    const { config } = resolve(tables, spec);
    const result = scoreStreamed(tables, config, asOf);
    const byId = new Map((tables.contacts ?? []).map((c) => [c.contact_id, c]));
    const file = await buildAudienceFile(
      result.rows.map((r) => ({
        contactId: r.contactId,
        tier: r.tier,
        score: r.score,
        phone: byId.get(r.contactId)?.phone ?? null,
        email: byId.get(r.contactId)?.email ?? null,
      })),
      options,
    );
    return file;
  },

  impactPreview(
    tables: WorkerTables,
    current: ScoringConfigSpec,
    candidate: ScoringConfigSpec,
    options: ImpactPreviewOptions,
  ) {
    const input = replayInput(tables, "preview the impact");
    return impactPreview(
      resolve(tables, current).config,
      resolve(tables, candidate).config,
      input,
      options,
    );
  },
};

export type WorkerTaskName = keyof typeof WORKER_TASKS;

/**
 * Results of recent tasks by task and arguments: pages ask for the same replay or
 * calibration (Tiers, Periods and Export share one), and every task is a pure function of
 * the tables and its arguments. `clearTaskCache` empties it whenever a table changes.
 */
const cache = new Map<string, unknown>();
const CACHE_SIZE = 6;

/** Tasks whose answers are files to save once: not worth keeping, and their arguments are big. */
const UNCACHED = new Set<WorkerTaskName>(["report"]);

export function clearTaskCache(): void {
  cache.clear();
}

/** Runs task `name` with `args` (without the trailing progress callback), through the cache. */
export async function runTask(
  tables: WorkerTables,
  name: WorkerTaskName,
  args: unknown[],
  onProgress?: (fraction: number, phase: string) => void,
): Promise<unknown> {
  const task = WORKER_TASKS[name] as (...a: unknown[]) => unknown;
  if (!task) throw new RangeError(`Unknown task "${name}"`);
  if (UNCACHED.has(name)) return await task(tables, ...args, onProgress);
  const key = JSON.stringify([name, args]);
  if (cache.has(key)) return cache.get(key);
  const result = await task(tables, ...args, onProgress);
  cache.set(key, result);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return result;
}
