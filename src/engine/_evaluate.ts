/**
 * The scoring rules of `docs/rules.md` for one contact at one
 * instant, shared by the batch and the incremental scorer so both agree exactly.
 */
import type { Compiled } from "./_compile.ts";
import { DAY_MS } from "./_compile.ts";
import type { Reason, ScoreRow } from "./types.ts";
import { tierOf } from "../tables/mod.ts";
import type { RowColumns } from "./row_columns.ts";

/** What is known of a contact apart from its events. */
export interface ContactFacts {
  id: string;
  /** Interned stage of the contact, `-1` when it has none. */
  stageId: number;
  attrs: { index: number; points: number }[];
  verified: boolean;
  /** Global score multiplier: the demote factor for verified contacts under `demote`, else 1. */
  factor: number;
}

/**
 * A contact's kept-to-be matches, grouped by rule: group `g` is rule `groupRule[g]` with
 * matches `groupStart[g] .. groupEnd[g]-1` of `ts`/`stage`, sorted by time then input order.
 */
export interface ContactMatches {
  groupRule: ArrayLike<number>;
  groupStart: ArrayLike<number>;
  groupEnd: ArrayLike<number>;
  from: number;
  to: number;
  ts: ArrayLike<number>;
  /** Interned stage of each match's event, `-1` when it has none; `null` when no rule needs it. */
  stage: ArrayLike<number> | null;
}

/** First index in `[lo, hi)` whose `ts` is above `x` (`hi` when none). */
function upperBound(ts: ArrayLike<number>, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sorts a short list of distinct rule indices in place (a handful per contact). */
function sortSmall(a: number[]): void {
  if (a.length > 32) {
    a.sort((x, y) => x - y);
    return;
  }
  for (let i = 1; i < a.length; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > x) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
}

export class Evaluator {
  readonly #c: Compiled;
  readonly #stageNames: string[];
  /** `stage:<name>` per stage id, built once (stages may be added as events arrive). */
  readonly #stageKeys: string[] = [];
  readonly #contrib: Float64Array;
  readonly #touchedRules: number[] = [];

  constructor(compiled: Compiled, stageNames: string[]) {
    this.#c = compiled;
    this.#stageNames = stageNames;
    this.#contrib = new Float64Array(compiled.rules.length + compiled.attributes.length);
  }

  // Sums of the contact being evaluated (reset by #begin).
  #global = 0;
  #matched = 0;
  #scopes: Record<string, number> | null = null;

  /** The contact's row at instant `T` (epoch ms), matches in the flat layout of the batch. */
  evaluate(T: number, facts: ContactFacts, m: ContactMatches | null): ScoreRow {
    this.#begin();
    if (m) {
      for (let g = m.from; g < m.to; g++) {
        this.#group(T, facts, m.groupRule[g], m.ts, m.stage, m.groupStart[g], m.groupEnd[g]);
      }
    }
    return this.#finish(T, facts);
  }

  /**
   * `evaluate`, with the row written into `out` (typed arrays) instead of an object, for
   * outputs of millions of rows. Returns the row's tier code (`TIERS`).
   */
  evaluateInto(
    T: number,
    facts: ContactFacts,
    m: ContactMatches | null,
    contact: number,
    out: RowColumns,
  ): number {
    this.#begin();
    if (m) {
      for (let g = m.from; g < m.to; g++) {
        this.#group(T, facts, m.groupRule[g], m.ts, m.stage, m.groupStart[g], m.groupEnd[g]);
      }
    }
    return this.#finishInto(facts, contact, out);
  }

  /** The same, with each rule's matches in arrays of their own (the incremental scorer). */
  evaluateGroups(
    T: number,
    facts: ContactFacts,
    groups: readonly { rule: number; ts: ArrayLike<number>; stage: ArrayLike<number> }[],
  ): ScoreRow {
    this.#begin();
    for (const g of groups) this.#group(T, facts, g.rule, g.ts, g.stage, 0, g.ts.length);
    return this.#finish(T, facts);
  }

  #begin(): void {
    this.#touchedRules.length = 0;
    this.#global = 0;
    this.#matched = 0;
    this.#scopes = null;
  }

  /** Adds the kept matches of one rule (`ts[s..e)`, sorted) at instant `T`. */
  #group(
    T: number,
    facts: ContactFacts,
    ruleIndex: number,
    ts: ArrayLike<number>,
    stage: ArrayLike<number> | null,
    s: number,
    e: number,
  ): void {
    const c = this.#c;
    const rule = c.rules[ruleIndex];
    const hl = c.halfLifeMs;
    // Window: T - lookback < ts <= T.
    const a = upperBound(ts, s, e, T - c.lookbackMs);
    const b = upperBound(ts, a, e, T);
    if (a >= b) return;
    const perDay = rule.maxPerDay;
    let skip: number; // kept matches to drop from the oldest end (maxCount keeps the newest)
    if (perDay === Infinity) {
      skip = rule.maxCount === Infinity ? 0 : Math.max(0, b - a - rule.maxCount);
    } else {
      let kept = 0, day = NaN, n = 0;
      for (let i = a; i < b; i++) {
        const d = Math.floor(ts[i] / DAY_MS);
        if (d !== day) {
          day = d;
          n = 0;
        }
        if (n < perDay) {
          n++;
          kept++;
        }
      }
      skip = rule.maxCount === Infinity ? 0 : Math.max(0, kept - rule.maxCount);
    }
    let ruleSum = 0;
    let matched = 0;
    let day = NaN, n = 0;
    for (let i = a; i < b; i++) {
      if (perDay !== Infinity) {
        const d = Math.floor(ts[i] / DAY_MS);
        if (d !== day) {
          day = d;
          n = 0;
        }
        if (n >= perDay) continue;
        n++;
      }
      if (skip > 0) {
        skip--;
        continue;
      }
      const w = hl === null ? rule.points : rule.points * Math.pow(0.5, (T - ts[i]) / hl);
      matched++;
      if (rule.global) ruleSum += w;
      if (rule.stage) {
        const sid = stage !== null && stage[i] >= 0 ? stage[i] : facts.stageId;
        if (sid >= 0) {
          const scopes = this.#scopes ??= {};
          const key = this.#stageKeys[sid] ??= `stage:${this.#stageNames[sid]}`;
          scopes[key] = (scopes[key] ?? 0) + w;
        }
      }
      for (const key of rule.tagKeys) {
        const scopes = this.#scopes ??= {};
        scopes[key] = (scopes[key] ?? 0) + w;
      }
    }
    this.#matched += matched;
    if (rule.global) {
      if (this.#contrib[rule.index] === 0) this.#touchedRules.push(rule.index);
      this.#contrib[rule.index] += ruleSum;
      this.#global += ruleSum;
    }
  }

  /** `#finish` into columns: the same sums, the same reasons, no objects kept. */
  #finishInto(facts: ContactFacts, contact: number, out: RowColumns): number {
    const c = this.#c;
    const contrib = this.#contrib;
    const touched = this.#touchedRules;
    const matched = this.#matched;
    const scopes = this.#scopes;
    let global = this.#global;
    const scored = !c.hasEventRules || matched > 0;
    const row = out.next(contact);
    out.verified[row] = facts.verified ? 1 : 0;
    const r0 = row * 3;
    const rule = out.reasonRule, pts = out.reasonPoints;
    rule[r0] = rule[r0 + 1] = rule[r0 + 2] = -1;
    if (!scored) {
      for (const i of touched) contrib[i] = 0;
      out.score[row] = 0;
      out.tier[row] = 0;
      out.matched[row] = 0;
      out.endScopes();
      return 0;
    }
    for (const at of facts.attrs) {
      if (contrib[at.index] === 0) touched.push(at.index);
      contrib[at.index] += at.points;
      global += at.points;
    }
    const f = facts.factor;
    const score = global * f;
    // The three largest absolute contributions, ties in rule order: the first three of a
    // stable sort by size, as `#finish` takes them.
    sortSmall(touched);
    let kept = 0;
    for (const i of touched) {
      const v = contrib[i] * f;
      contrib[i] = 0;
      if (v === 0) continue;
      const a = Math.abs(v);
      let p = kept;
      while (p > 0 && Math.abs(pts[r0 + p - 1]) < a) p--;
      if (p >= 3) continue;
      for (let k = Math.min(kept, 2); k > p; k--) {
        rule[r0 + k] = rule[r0 + k - 1];
        pts[r0 + k] = pts[r0 + k - 1];
      }
      rule[r0 + p] = i;
      pts[r0 + p] = v;
      if (kept < 3) kept++;
    }
    out.score[row] = score;
    const tier = tierOf(score, c.config.tiers);
    const code = tier === "high" ? 3 : tier === "medium" ? 2 : 1;
    out.tier[row] = code;
    out.matched[row] = matched;
    if (scopes !== null) { for (const key in scopes) out.addScope(key, scopes[key]); }
    out.endScopes();
    return code;
  }

  #finish(T: number, facts: ContactFacts): ScoreRow {
    const c = this.#c;
    const contrib = this.#contrib;
    const touched = this.#touchedRules;
    const matched = this.#matched;
    const scopes = this.#scopes;
    let global = this.#global;
    const scored = !c.hasEventRules || matched > 0;
    if (!scored) {
      for (const i of touched) contrib[i] = 0;
      return {
        asOf: T,
        contactId: facts.id,
        score: 0,
        tier: "unscored",
        matchedEvents: 0,
        verified: facts.verified,
        reasons: [],
        scopes: {},
      };
    }
    for (const at of facts.attrs) {
      if (contrib[at.index] === 0) touched.push(at.index);
      contrib[at.index] += at.points;
      global += at.points;
    }
    const f = facts.factor;
    const score = global * f;
    // Reasons: largest absolute contribution first; ties keep the config's rule order.
    const reasons: Reason[] = [];
    sortSmall(touched);
    for (const i of touched) {
      const v = contrib[i] * f;
      contrib[i] = 0;
      if (v === 0) continue;
      const ruleId = i < c.rules.length ? c.rules[i].id : c.attributes[i - c.rules.length].id;
      reasons.push({ ruleId, points: v });
    }
    reasons.sort((x, y) => Math.abs(y.points) - Math.abs(x.points));
    if (reasons.length > 3) reasons.length = 3;
    return {
      asOf: T,
      contactId: facts.id,
      score,
      tier: tierOf(score, c.config.tiers),
      matchedEvents: matched,
      verified: facts.verified,
      reasons,
      scopes: scopes ?? {},
    };
  }
}
