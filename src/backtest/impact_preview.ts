/** What changes if a candidate config replaces the current one, measured on the same data. */
import type { ScoringConfig, TierOrUnscored } from "../config/types.ts";
import { psi } from "../metrics/mod.ts";
import { type MigrationMatrix, migrationMatrix } from "./migration_matrix.ts";
import { finiteOrNull, isOneShot, replay, type ReplayInput } from "./replay.ts";
import { scoreBins } from "./score_bins.ts";
import { TIERS } from "../tables/mod.ts";

/** Instants and horizon of the comparison. */
export interface ImpactPreviewOptions {
  /** Instants, epoch ms UTC. */
  asOf: number[];
  /** A contact converted at `T` when it bought in `(T, T + horizonDays]`. */
  horizonDays: number;
  /** @default 10 */
  /** Quantile bins of the current scores for PSI. */
  psiBins?: number;
}

/** One tier under the current and the candidate config. */
export interface TierImpact {
  /** Contacts in the tier under the current config. */
  currentContacts: number;
  /** Contacts in the tier under the candidate. */
  candidateContacts: number;
  /** Converters in the tier under the current config. */
  currentConverters: number;
  /** Converters in the tier under the candidate. */
  candidateConverters: number;
  /** Converters in this tier under the candidate but not under the current config. */
  convertersGained: number;
  /** Converters in this tier under the current config but not under the candidate. */
  convertersLost: number;
}

/** The comparison at one instant. */
export interface ImpactPeriod {
  /** The instant, epoch ms UTC. */
  asOf: number;
  /** `matrix[current tier][candidate tier]` counts of contacts. */
  tierChange: MigrationMatrix;
  /** Per tier: contacts and converters under both configs. */
  tiers: Record<TierOrUnscored, TierImpact>;
  /** PSI of the candidate's scores against the current ones (bins from the current). */
  psi: number | null;
  /** AUC of the current config over its scored contacts. */
  currentAuc: number | null;
  /** AUC of the candidate over its scored contacts. */
  candidateAuc: number | null;
}

/** What `impactPreview` returns. */
export interface ImpactPreview {
  /** One per instant, ascending. */
  periods: ImpactPeriod[];
  /** Sums over periods. */
  total: Record<TierOrUnscored, TierImpact>;
}

function emptyImpact(): TierImpact {
  return {
    currentContacts: 0,
    candidateContacts: 0,
    currentConverters: 0,
    candidateConverters: 0,
    convertersGained: 0,
    convertersLost: 0,
  };
}

/**
 * Scores the same `input` with `current` and `candidate` at each instant and compares:
 * tier-change matrix, converters gained and lost per tier, PSI of the score distributions.
 */
export function impactPreview(
  current: ScoringConfig,
  candidate: ScoringConfig,
  input: ReplayInput,
  options: ImpactPreviewOptions,
): ImpactPreview {
  const { asOf, horizonDays, psiBins = 10 } = options;
  const events = input.events && isOneShot(input.events) ? [...input.events] : input.events;
  const purchases = Array.isArray(input.purchases) ? input.purchases : [...input.purchases];
  const shared = { ...input, events, purchases };
  const a = replay(current, shared, { asOf, horizonDays, psiBins });
  const b = replay(candidate, shared, { asOf, horizonDays, psiBins });
  // Both runs see the same contacts unless the audience filters differ; align by id.
  const ids = [...new Set([...a.contactIds!, ...b.contactIds!])].sort((x, y) =>
    x < y ? -1 : x > y ? 1 : 0
  );
  const align = (r: typeof a) => {
    const pos = new Map(r.contactIds!.map((id, i) => [id, i]));
    const at = ids.map((id) => pos.get(id) ?? -1);
    return r.periods.map((_, k) => ({
      tiers: Int8Array.from(at, (i) => (i < 0 ? -1 : r.tierCodes![k][i])),
      scores: Float64Array.from(at, (i) => (i < 0 ? NaN : r.scores![k][i])),
      converted: Uint8Array.from(at, (i) => (i < 0 ? 0 : r.converted![k][i])),
    }));
  };
  const ca = align(a);
  const cb = align(b);
  const total = Object.fromEntries(TIERS.map((t) => [t, emptyImpact()])) as Record<
    TierOrUnscored,
    TierImpact
  >;
  const periods = a.periods.map((pa, k): ImpactPeriod => {
    const x = ca[k], y = cb[k];
    const tiers = Object.fromEntries(TIERS.map((t) => [t, emptyImpact()])) as Record<
      TierOrUnscored,
      TierImpact
    >;
    for (let i = 0; i < ids.length; i++) {
      const conv = x.converted[i] || y.converted[i];
      const ta = x.tiers[i] >= 0 ? TIERS[x.tiers[i]] : null;
      const tb = y.tiers[i] >= 0 ? TIERS[y.tiers[i]] : null;
      if (ta) {
        tiers[ta].currentContacts++;
        if (conv) tiers[ta].currentConverters++;
      }
      if (tb) {
        tiers[tb].candidateContacts++;
        if (conv) tiers[tb].candidateConverters++;
      }
      if (conv && ta !== tb) {
        if (tb) tiers[tb].convertersGained++;
        if (ta) tiers[ta].convertersLost++;
      }
    }
    for (const t of TIERS) {
      for (const key of Object.keys(total[t]) as (keyof TierImpact)[]) {
        total[t][key] += tiers[t][key];
      }
    }
    const sa = x.scores.filter((_s, i) => x.tiers[i] > 0);
    const sb = y.scores.filter((_s, i) => y.tiers[i] > 0);
    const edges = scoreBins(sa, { bins: psiBins });
    return {
      asOf: pa.asOf,
      tierChange: migrationMatrix(x.tiers, y.tiers),
      tiers,
      psi: sa.length && sb.length ? finiteOrNull(psi(sa, sb, { edges }).psi) : null,
      currentAuc: pa.auc,
      candidateAuc: b.periods[k].auc,
    };
  });
  return { periods, total };
}
