/**
 * A deliberately plain reading of `docs/rules.md`, one contact and
 * one instant at a time, sorting and filtering arrays. Tests compare the engine to it.
 */
import type { ScoringConfig } from "../../src/config/types.ts";
import type { ContactRow, EventRow } from "../../src/data/types.ts";
import { matchesPredicate } from "../../src/engine/match_predicate.ts";
import { DAY_MS as DAY } from "../../src/tables/mod.ts";

export interface ReferenceRow {
  score: number;
  tier: string;
  matched: number;
  scopes: Record<string, number>;
  contrib: Record<string, number>;
}

export function referenceScore(
  config: ScoringConfig,
  events: EventRow[],
  contact: ContactRow | null,
  contactId: string,
  T: number,
  factor = 1,
): ReferenceRow {
  const lookback = config.window.lookbackDays * DAY;
  const hl = config.window.halfLifeDays;
  const mine = events
    .map((e, seq) => ({ e, seq }))
    .filter(({ e }) => e.contact_id === contactId && e.ts > T - lookback && e.ts <= T);
  let score = 0;
  let matched = 0;
  const scopes: Record<string, number> = {};
  const contrib: Record<string, number> = {};
  for (const rule of config.rules) {
    let list = mine
      .filter(({ e }) =>
        e.type === rule.on &&
        Object.entries(rule.where).every(([col, p]) => matchesPredicate(e[col], p))
      )
      .sort((a, b) => a.e.ts - b.e.ts || a.seq - b.seq);
    if (Number.isFinite(rule.maxPerDay)) {
      const perDay = new Map<number, number>();
      list = list.filter(({ e }) => {
        const d = Math.floor(e.ts / DAY);
        const n = perDay.get(d) ?? 0;
        perDay.set(d, n + 1);
        return n < rule.maxPerDay;
      });
    }
    if (Number.isFinite(rule.maxCount)) list = list.slice(Math.max(0, list.length - rule.maxCount));
    for (const { e } of list) {
      const w = hl === null ? rule.points : rule.points * 0.5 ** ((T - e.ts) / (hl * DAY));
      matched++;
      for (const s of rule.scopes) {
        if (s.kind === "global") {
          score += w;
          contrib[rule.id] = (contrib[rule.id] ?? 0) + w;
        } else if (s.kind === "tag") {
          scopes[`tag:${s.tag}`] = (scopes[`tag:${s.tag}`] ?? 0) + w;
        } else {
          const st = e.stage || contact?.stage;
          if (st) scopes[`stage:${st}`] = (scopes[`stage:${st}`] ?? 0) + w;
        }
      }
    }
  }
  if (config.rules.length > 0 && matched === 0) {
    return { score: 0, tier: "unscored", matched: 0, scopes: {}, contrib: {} };
  }
  for (const a of config.attributes) {
    if (matchesPredicate(contact ? contact[a.field] as never : undefined, a.where)) {
      score += a.points;
      contrib[a.id] = (contrib[a.id] ?? 0) + a.points;
    }
  }
  score *= factor;
  const tier = score >= config.tiers.high
    ? "high"
    : score >= config.tiers.medium
    ? "medium"
    : "low";
  return { score, tier, matched, scopes, contrib };
}
