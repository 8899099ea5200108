/**
 * Replay: one exact config scored at instants T1..Tn over history, each period judged
 * against who actually bought within the horizon after it.
 */
import type { ScoringConfig, TierOrUnscored } from "../config/types.ts";
import type { ContactRow, EventRow, PurchaseRow, VerificationRow } from "../tables/mod.ts";
import { createBatchScorer } from "../engine/mod.ts";
import type { ScoreSummary, TriggerFiring } from "../engine/types.ts";
import { auc, psi } from "../metrics/mod.ts";
import { convertersWithin } from "../tables/mod.ts";
import { type MigrationMatrix, migrationMatrix } from "./migration_matrix.ts";
import { scoreBins } from "./score_bins.ts";
import { tierCode } from "../tables/mod.ts";
import { type TierStats, tierTable } from "./tier_table.ts";

/** The history a config is replayed over. */
export interface ReplayInput {
  /** Events in any order; ties on `ts` keep input order. */
  events?: Iterable<EventRow>;
  /** With contacts, exactly these contacts each period; without, every contact seen in events. */
  contacts?: ContactRow[];
  /** Who converted and when: the label of each period. */
  purchases: Iterable<PurchaseRow>;
  /** Contacts to exclude, demote or flag, as in scoring. */
  verification?: VerificationRow[];
}

/** Instants and horizon of a replay. */
export interface ReplayOptions {
  /** Instants (epoch ms, UTC); sorted ascending, a repeated instant counts once. */
  asOf: number[];
  /** A contact converted at `T` when it has a purchase in `(T, T + horizonDays]`. */
  horizonDays: number;
  /** Quantile bins of the first period's scores for PSI. @default 10 */
  psiBins?: number;
  /** Keep contact ids, per-period scores and tiers and trigger firings in the result. @default true */
  keepContacts?: boolean;
  /**
   * Called with the fraction of instants done and a short label, e.g. `"scoring 3/9 cutoffs"`.
   * @default a no-op
   */
  onProgress?: (fraction: number, phase: string) => void;
}

/** One instant of a replay: sizes, conversion, discrimination and drift. */
export interface ReplayPeriod {
  /** The instant, epoch ms UTC. */
  asOf: number;
  /** Contacts in the scoring output at this instant. */
  contacts: number;
  /** Of those, contacts with a tier other than `unscored`. */
  scored: number;
  /** scored / contacts; `null` with no contacts. */
  coverage: number | null;
  /** Contacts of the period with a purchase in `(asOf, asOf + horizonDays]`. */
  converters: number;
  /** `converters / contacts` (unscored included); `null` with no contacts. */
  conversionRate: number | null;
  /**
   * AUC of the score against conversion over SCORED contacts only: an unscored contact has
   * no measured interest, so ranking it would mix coverage into discrimination.
   * `null` when those contacts hold only one class.
   */
  auc: number | null;
  /** AUC over all contacts with unscored ranked below every scored contact (ties among them). */
  aucAll: number | null;
  /**
   * Population stability of the score distribution on the fixed bins of the first period
   * (see `ReplayResult.psiEdges`; unscored is a bin of its own).
   */
  psi: { previous: number | null; first: number | null };
  /** Contacts, converters, rate, lift and capture per tier. */
  tiers: Record<TierOrUnscored, TierStats>;
  /** Migration from the previous period (`null` for the first). */
  migration: MigrationMatrix | null;
  /** Trigger firings at this instant by trigger id (every configured trigger listed). */
  triggers: Record<string, number>;
  /** The engine's counts at this instant. */
  summary: ScoreSummary;
}

/** What `replay` returns: one period per instant, and per-contact detail when kept. */
export interface ReplayResult {
  /** The replayed config's `name`. */
  configName: string;
  /** The replayed config's tier cuts. */
  tierCuts: { high: number; medium: number };
  /** As given in the options. */
  horizonDays: number;
  /**
   * Inner PSI bin edges, quantiles of the first period's scored contacts (see `scoreBins`);
   * the bins are these plus one bin of unscored contacts.
   */
  psiEdges: number[];
  /** One per instant, ascending. */
  periods: ReplayPeriod[];
  /** Present with `keepContacts`: every contact seen in any period, sorted. */
  contactIds?: string[];
  /** Per period, per contact (index into `contactIds`): tier code (`TIERS`), -1 when absent. */
  tierCodes?: Int8Array[];
  /** Per period, per contact: score, `NaN` when absent. */
  scores?: Float64Array[];
  /** Per period, per contact: 1 when converted within the horizon. */
  converted?: Uint8Array[];
  /** Present with `keepContacts`: every trigger firing of the replay. */
  firings?: TriggerFiring[];
}

/** `NaN` (undefined metric) as `null`, so results survive JSON. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function checkOptions(options: ReplayOptions): number[] {
  const { asOf, horizonDays, psiBins = 10 } = options;
  if (!Array.isArray(asOf) || asOf.length === 0) {
    throw new RangeError("Cannot replay: at least one as-of instant is needed");
  }
  asOf.forEach((t, i) => {
    if (typeof t !== "number" || !Number.isFinite(t)) {
      throw new TypeError(`Cannot replay: asOf[${i}] "${t}" is not an instant`);
    }
  });
  if (typeof horizonDays !== "number" || !(horizonDays > 0) || !Number.isFinite(horizonDays)) {
    throw new RangeError(`Cannot replay: horizonDays "${horizonDays}" must be a positive number`);
  }
  if (!Number.isInteger(psiBins) || psiBins < 1) {
    throw new RangeError(`Cannot replay: psiBins "${psiBins}" must be a positive integer`);
  }
  return [...new Set(asOf)].sort((a, b) => a - b);
}

/** An iterator that is its own iterable (a generator) can be walked only once. */
export function isOneShot(xs: Iterable<unknown>): boolean {
  return typeof (xs as { next?: unknown }).next === "function";
}

interface PeriodRows {
  /** Index into the contacts seen so far (`seen`), one per output row. */
  ids: Int32Array;
  scores: Float64Array;
  tiers: Uint8Array;
}

/**
 * Scores `input` with `config` at every instant of `options.asOf` and measures each period:
 * coverage, tier sizes, converters within `horizonDays` by tier, conversion rate, lift,
 * capture, AUC, PSI against the previous and the first period, tier migration, triggers.
 *
 * @example
 * ```ts
 * const result = replay(config, { events, purchases }, { asOf: periodInstants(t0, t1), horizonDays: 30 });
 * result.periods[0].tiers.high.lift;
 * ```
 */
export function replay(
  config: ScoringConfig,
  input: ReplayInput,
  options: ReplayOptions,
): ReplayResult {
  const instants = checkOptions(options);
  const { horizonDays, psiBins = 10, keepContacts = true, onProgress } = options;
  const conversions = convertersWithin(input.purchases, instants, horizonDays);

  const periodRows: PeriodRows[] = [];
  // Contacts interned once, so a period costs a few typed arrays, not a million strings.
  const seenIndex = new Map<string, number>();
  const seen: string[] = [];
  const firings: TriggerFiring[] = [];
  const triggerCounts: Record<string, number>[] = instants.map(() =>
    Object.fromEntries(config.triggers.map((t) => [t.id, 0]))
  );
  // One pass over the events serves every instant: each instant's rows are turned into
  // typed arrays as soon as they are scored, so only one instant's rows exist at a time.
  const scorer = createBatchScorer(config, {
    contacts: input.contacts,
    verification: input.verification,
  });
  if (input.events) { for (const e of input.events) scorer.add(e); }
  const scored = scorer.finish(instants, {
    onInstant(_asOf, rows) {
      const n = rows.length;
      const p: PeriodRows = {
        ids: new Int32Array(n),
        scores: new Float64Array(n),
        tiers: new Uint8Array(n),
      };
      for (let k = 0; k < n; k++) {
        const row = rows[k];
        let j = seenIndex.get(row.contactId);
        if (j === undefined) {
          j = seen.length;
          seenIndex.set(row.contactId, j);
          seen.push(row.contactId);
        }
        p.ids[k] = j;
        p.scores[k] = row.score;
        p.tiers[k] = tierCode(row.tier);
      }
      periodRows.push(p);
      onProgress?.(
        periodRows.length / instants.length,
        `scoring ${periodRows.length}/${instants.length} cutoffs`,
      );
    },
  });
  const summaries: ScoreSummary[] = scored.summaries;
  for (const f of scored.triggers) {
    const k = instants.indexOf(f.asOf);
    if (k >= 0) triggerCounts[k][f.triggerId] = (triggerCounts[k][f.triggerId] ?? 0) + 1;
    if (keepContacts) firings.push(f);
  }

  // One index over every contact seen, sorted by id, so periods line up for migration and
  // dynamics: position[j] is where seen contact j sits in `contactIds`.
  const order = Int32Array.from(seen, (_, j) => j).sort((a, b) =>
    seen[a] < seen[b] ? -1 : seen[a] > seen[b] ? 1 : 0
  );
  const contactIds = Array.from(order, (j) => seen[j]);
  const position = new Int32Array(seen.length);
  order.forEach((j, i) => (position[j] = i));
  const tierCodes: Int8Array[] = [];
  const scoresAll: Float64Array[] = [];
  const convertedAll: Uint8Array[] = [];

  const scoredOf = (p: PeriodRows) => {
    const s: number[] = [];
    for (let i = 0; i < p.ids.length; i++) if (p.tiers[i] !== 0) s.push(p.scores[i]);
    return s;
  };
  const psiEdges = scoreBins(periodRows.length ? scoredOf(periodRows[0]) : [], { bins: psiBins });
  // Unscored contacts form a bin of their own below every score, so a change in coverage
  // shows in the PSI as well as a change in the scores.
  let lowest = psiEdges.length ? psiEdges[0] : 0;
  for (const p of periodRows) for (const s of p.scores) if (s < lowest) lowest = s;
  const unscoredValue = lowest - 1;
  const psiInput = (p: PeriodRows) =>
    Float64Array.from(p.scores, (s, i) => (p.tiers[i] === 0 ? unscoredValue : s));
  const psiEdgesWithUnscored = [unscoredValue, ...psiEdges];
  const stability = (expected: Float64Array, actual: Float64Array) =>
    expected.length && actual.length
      ? finiteOrNull(psi(expected, actual, { edges: psiEdgesWithUnscored }).psi)
      : null;
  const firstValues = psiInput(periodRows[0]);
  let previousValues = firstValues;
  let previousTiers: Int8Array | null = null;

  const periods: ReplayPeriod[] = periodRows.map((p, k) => {
    const conv = conversions[k];
    const converted = Uint8Array.from(p.ids, (j) => (conv.has(seen[j]) ? 1 : 0));
    const table = tierTable(p.tiers, converted);
    const scored = p.tiers.reduce((a, t) => a + (t !== 0 ? 1 : 0), 0);
    const sScored: number[] = [];
    const yScored: number[] = [];
    let minScored = Infinity;
    for (let i = 0; i < p.ids.length; i++) {
      if (p.tiers[i] === 0) continue;
      sScored.push(p.scores[i]);
      yScored.push(converted[i]);
      if (p.scores[i] < minScored) minScored = p.scores[i];
    }
    const below = Number.isFinite(minScored) ? minScored - 1 : 0;
    const sAll = Float64Array.from(p.scores, (s, i) => (p.tiers[i] === 0 ? below : s));
    const values = psiInput(p);
    const codes = new Int8Array(contactIds.length).fill(-1);
    const scoresFull = new Float64Array(contactIds.length).fill(NaN);
    const convFull = new Uint8Array(contactIds.length);
    for (let i = 0; i < p.ids.length; i++) {
      const j = position[p.ids[i]];
      codes[j] = p.tiers[i];
      scoresFull[j] = p.scores[i];
      convFull[j] = converted[i];
    }
    const period: ReplayPeriod = {
      asOf: instants[k],
      contacts: p.ids.length,
      scored,
      coverage: p.ids.length ? scored / p.ids.length : null,
      converters: table.converters,
      conversionRate: table.conversionRate,
      auc: finiteOrNull(auc(sScored, yScored)),
      aucAll: finiteOrNull(auc(sAll, converted)),
      psi: {
        previous: k === 0 ? null : stability(previousValues, values),
        first: k === 0 ? null : stability(firstValues, values),
      },
      tiers: table.tiers,
      migration: previousTiers ? migrationMatrix(previousTiers, codes) : null,
      triggers: triggerCounts[k],
      summary: summaries[k],
    };
    previousValues = values;
    previousTiers = codes;
    if (keepContacts) {
      tierCodes.push(codes);
      scoresAll.push(scoresFull);
      convertedAll.push(convFull);
    }
    return period;
  });

  const result: ReplayResult = {
    configName: config.name,
    tierCuts: { high: config.tiers.high, medium: config.tiers.medium },
    horizonDays,
    psiEdges,
    periods,
  };
  if (keepContacts) {
    Object.assign(result, {
      contactIds,
      tierCodes,
      scores: scoresAll,
      converted: convertedAll,
      firings,
    });
  }
  return result;
}
