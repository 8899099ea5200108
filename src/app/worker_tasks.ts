/**
 * The heavy work a page asks for, run inside the data worker on the tables it holds:
 * calibration, scoring, replays, window comparison and impact previews. Each task calls the
 * shared module that owns the maths; this file only adapts inputs and outputs.
 */
import type { ContactRow, EventRow, PurchaseRow, VerificationRow } from "../data/types.ts";
import type { ScoringConfigSpec } from "../config/types.ts";
import { parseConfig } from "../config/mod.ts";
import { scoreContacts } from "../engine/mod.ts";
import {
  compareWindows,
  type CompareWindowsOptions,
  impactPreview,
  type ImpactPreviewOptions,
  periodInstants,
  type PeriodInstantsOptions,
  replay,
  type ReplayOptions,
} from "../backtest/mod.ts";
import { calibrateTemporal, type TemporalOptions } from "../calibrate/calibrate_temporal.ts";
import { type AudienceOptions, buildAudienceFile } from "../export/audience_file.ts";
import type { ThresholdMethod } from "../backtest/mod.ts";
import { thresholds, thresholdSample } from "../backtest/mod.ts";

/** The tables the worker holds, by kind. */
export interface WorkerTables {
  contacts?: ContactRow[];
  events?: EventRow[];
  purchases?: PurchaseRow[];
  verification?: VerificationRow[];
}

type Progress = ((fraction: number) => void) | undefined;

function need<K extends keyof WorkerTables>(
  tables: WorkerTables,
  task: string,
  ...kinds: K[]
): Required<Pick<WorkerTables, K>> {
  const missing = kinds.filter((k) => !tables[k]?.length);
  if (missing.length) {
    throw new RangeError(`Cannot ${task}: load ${missing.join(" and ")} first (Data page)`);
  }
  return tables as Required<Pick<WorkerTables, K>>;
}

function eventTypes(tables: WorkerTables): Set<string> {
  return new Set((tables.events ?? []).map((e) => e.type));
}

/** A config spec checked against the schema (throws `ConfigError` listing every problem). */
function resolve(tables: WorkerTables, spec: ScoringConfigSpec) {
  return parseConfig(spec, { eventTypes: eventTypes(tables) });
}

export const WORKER_TASKS = {
  /** First and last event and purchase instants, and the event types with counts. */
  span(tables: WorkerTables) {
    let min = Infinity;
    let max = -Infinity;
    const types: Record<string, number> = {};
    for (const e of tables.events ?? []) {
      if (e.ts < min) min = e.ts;
      if (e.ts > max) max = e.ts;
      types[e.type] = (types[e.type] ?? 0) + 1;
    }
    let purchasesMax = -Infinity;
    for (const p of tables.purchases ?? []) if (p.ts > purchasesMax) purchasesMax = p.ts;
    return {
      eventsFrom: Number.isFinite(min) ? min : null,
      eventsTo: Number.isFinite(max) ? max : null,
      purchasesTo: Number.isFinite(purchasesMax) ? purchasesMax : null,
      eventTypes: types,
      contacts: tables.contacts?.length ?? 0,
    };
  },

  /** Instants every week or month between two instants (see `periodInstants`). */
  instants(_tables: WorkerTables, from: number, to: number, options: PeriodInstantsOptions) {
    return periodInstants(from, to, options);
  },

  calibrate(tables: WorkerTables, options: TemporalOptions) {
    const { events, purchases } = need(tables, "calibrate", "events", "purchases");
    return calibrateTemporal({ events, purchases, contacts: tables.contacts }, options);
  },

  /**
   * Scores every contact at one instant; returns columns (ids, scores, tiers) rather than
   * row objects, so a million contacts cross to the page as a few typed arrays.
   */
  score(tables: WorkerTables, spec: ScoringConfigSpec, asOf: number) {
    const { config, warnings } = resolve(tables, spec);
    const result = scoreContacts(config, {
      events: tables.events,
      contacts: tables.contacts,
      verification: tables.verification,
    }, { asOf: [asOf] });
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
    onProgress: Progress,
  ) {
    const { events, purchases } = need(tables, "replay the config", "events", "purchases");
    const { config } = resolve(tables, spec);
    return replay(config, {
      events,
      purchases,
      contacts: tables.contacts,
      verification: tables.verification,
    }, {
      ...options,
      onProgress,
    });
  },

  compareWindows(
    tables: WorkerTables,
    spec: ScoringConfigSpec,
    options: CompareWindowsOptions,
    onProgress: Progress,
  ) {
    const { events, purchases } = need(tables, "compare settings", "events", "purchases");
    const { config } = resolve(tables, spec);
    return compareWindows(config, {
      events,
      purchases,
      contacts: tables.contacts,
      verification: tables.verification,
    }, {
      ...options,
      onProgress,
    });
  },

  /**
   * Tier cuts chosen from history (`thresholds` of the backtest module) on a replay of
   * `spec`, with bootstrap intervals.
   */
  suggestCuts(
    tables: WorkerTables,
    spec: ScoringConfigSpec,
    options: ReplayOptions,
    method: ThresholdMethod,
  ) {
    const { events, purchases } = need(tables, "suggest tier cuts", "events", "purchases");
    const { config } = resolve(tables, spec);
    const result = replay(config, {
      events,
      purchases,
      contacts: tables.contacts,
      verification: tables.verification,
    }, options);
    return thresholds(thresholdSample(result), method, { maxRows: 200_000 });
  },

  /** The audience file of the contacts in `options.tiers` when scored at `asOf`. */
  async audience(
    tables: WorkerTables,
    spec: ScoringConfigSpec,
    asOf: number,
    options: AudienceOptions,
  ) {
    const { config } = resolve(tables, spec);
    const result = scoreContacts(config, {
      events: tables.events,
      contacts: tables.contacts,
      verification: tables.verification,
    }, { asOf: [asOf] });
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
    const { events, purchases } = need(tables, "preview the impact", "events", "purchases");
    return impactPreview(resolve(tables, current).config, resolve(tables, candidate).config, {
      events,
      purchases,
      contacts: tables.contacts,
      verification: tables.verification,
    }, options);
  },
};

export type WorkerTaskName = keyof typeof WORKER_TASKS;
