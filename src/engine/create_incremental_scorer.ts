/**
 * Incremental scoring for production streams: events arrive one at a time, a contact's
 * current score can be read at any moment, and triggers fire as tiers rise.
 */
import type { ScoringConfig } from "../config/types.ts";
import type { ContactRow, EventRow, VerificationRow } from "../tables/mod.ts";
import {
  attributeMatches,
  checkEvent,
  compileConfig,
  passesStaticAudience,
  VerificationIndex,
} from "./_compile.ts";
import { type ContactFacts, Evaluator } from "./_evaluate.ts";
import { tierCode } from "../tables/mod.ts";
import type { ScoreRow, TriggerFiring } from "./types.ts";

/** The contacts and verification table an incremental scorer scores with. */
export interface IncrementalScorerOptions {
  /** With contacts, only these contacts are scored; events of others are ignored. @default undefined */
  contacts?: ContactRow[];
  /** Verification table. @default undefined */
  verification?: VerificationRow[];
}

/**
 * A scorer for event streams: read any contact's current score, and hear trigger firings as tiers
 * rise.
 */
export interface IncrementalScorer {
  /** Takes one event, re-scores its contact at the latest time seen and fires triggers. */
  add(event: EventRow): void;
  /**
   * A contact's row at `asOf` (default: the latest event time seen), or `null` when the
   * contact is unknown or left out by the audience filter or verification `exclude`.
   */
  score(contactId: string, asOf?: number): ScoreRow | null;
  /** Calls `callback` for each trigger firing; returns a function that unsubscribes. */
  onTrigger(callback: (firing: TriggerFiring) => void): () => void;
  /** Latest event time seen (epoch ms), `-Infinity` before any event. */
  readonly clock: number;
  /** Events ignored because their contact is not in `contacts`. */
  readonly ignoredEvents: number;
}

/** One rule's matches of a contact, by time; a tie keeps arrival order. */
interface RuleMatches {
  rule: number;
  ts: number[];
  stage: number[];
}

interface ContactState {
  facts: ContactFacts;
  staticAudience: boolean;
  excluded: boolean;
  touchedMin: number;
  groups: RuleMatches[];
  /** Tier rank at the last evaluation, `-1` before any or when left out. */
  rank: number;
}

/**
 * Creates an incremental scorer. Reading `score(id, T)` after adding events gives the same
 * row as `scoreContacts` at `T` with the same events. Triggers are checked when an event of
 * the contact arrives, at the latest time seen: a contact whose tier rises to or above a
 * trigger's `reaches` fires it once, and again only after falling below.
 */
export function createIncrementalScorer(
  config: ScoringConfig,
  options: IncrementalScorerOptions = {},
): IncrementalScorer {
  const { contacts, verification } = options;
  const c = compileConfig(config);
  const stageIds = new Map<string, number>();
  const stageNames: string[] = [];
  const stageOf = (s: unknown): number => {
    if (typeof s !== "string" || s === "") return -1;
    let i = stageIds.get(s);
    if (i === undefined) {
      i = stageNames.length;
      stageIds.set(s, i);
      stageNames.push(s);
    }
    return i;
  };
  const vindex = verification ? new VerificationIndex(verification) : null;
  const mode = c.config.verification?.mode ?? "flag";
  const factor = c.config.verification?.factor ?? 1;
  const states = new Map<string, ContactState>();
  const fixed = contacts !== undefined;
  const makeState = (id: string, row: ContactRow | null): ContactState => {
    const verified = vindex !== null && vindex.has(id, row);
    return {
      facts: {
        id,
        stageId: stageOf(row?.stage),
        attrs: attributeMatches(c, row),
        verified,
        factor: verified && mode === "demote" ? factor : 1,
      },
      staticAudience: c.audience === null || passesStaticAudience(c.audience, row),
      excluded: verified && mode === "exclude",
      touchedMin: Infinity,
      groups: [],
      rank: -1,
    };
  };
  for (const row of contacts ?? []) {
    if (states.has(row.contact_id)) {
      throw new RangeError(
        `Cannot score: contact "${row.contact_id}" appears twice in the contacts`,
      );
    }
    states.set(row.contact_id, makeState(row.contact_id, row));
  }
  const evaluator = new Evaluator(c, stageNames);
  const listeners = new Set<(f: TriggerFiring) => void>();
  const touched = c.audience?.touched ?? null;
  let clock = -Infinity;
  let seq = 0;
  let ignored = 0;
  const names = ["unscored", "low", "medium", "high"] as const;

  function evaluate(st: ContactState, T: number): ScoreRow | null {
    if (!st.staticAudience || st.excluded || (touched !== null && !(st.touchedMin <= T))) {
      return null;
    }
    return evaluator.evaluateGroups(T, st.facts, st.groups);
  }

  function insert(st: ContactState, rule: number, e: EventRow): void {
    let g = st.groups.find((x) => x.rule === rule);
    if (!g) {
      g = { rule, ts: [], stage: [] };
      st.groups.push(g);
      st.groups.sort((x, y) => x.rule - y.rule);
    }
    // Keep (time, arrival) order; events mostly arrive in time order, so this is an append.
    let pos = g.ts.length;
    while (pos > 0 && g.ts[pos - 1] > e.ts) pos--;
    g.ts.splice(pos, 0, e.ts);
    g.stage.splice(pos, 0, stageOf(e.stage));
  }

  function add(e: EventRow): void {
    seq++;
    checkEvent(e, seq);
    let st = states.get(e.contact_id);
    if (st === undefined) {
      if (fixed) {
        ignored++;
        return;
      }
      st = makeState(e.contact_id, null);
      states.set(e.contact_id, st);
    }
    const ts = e.ts;
    if (
      touched !== null && ts >= touched.from && ts <= touched.to &&
      (touched.types === null || touched.types.has(e.type)) && ts < st.touchedMin
    ) st.touchedMin = ts;
    for (const matcher of c.matchers.get(e.type) ?? []) {
      let m = matcher.match(e);
      while (m !== 0) {
        const low = m & -m;
        m ^= low;
        insert(st, matcher.rules[31 - Math.clz32(low)].index, e);
      }
    }
    if (ts > clock) clock = ts;
    const row = evaluate(st, clock);
    const rank = row === null ? -1 : tierCode(row.tier);
    if (listeners.size > 0) {
      for (const t of c.config.triggers) {
        const reach = tierCode(t.reaches);
        if (rank >= reach && st.rank < reach) {
          const firing: TriggerFiring = {
            triggerId: t.id,
            contactId: st.facts.id,
            asOf: clock,
            from: st.rank < 0 ? null : names[st.rank],
            to: names[rank],
          };
          for (const cb of listeners) cb(firing);
        }
      }
    }
    st.rank = rank;
  }

  return {
    add,
    score(contactId: string, asOf?: number): ScoreRow | null {
      const st = states.get(contactId);
      if (!st) return null;
      const T = asOf ?? clock;
      if (!Number.isFinite(T)) {
        throw new RangeError(
          `Cannot score contact "${contactId}" as of "${T}": no event seen yet, pass asOf`,
        );
      }
      return evaluate(st, T);
    },
    onTrigger(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    get clock() {
      return clock;
    },
    get ignoredEvents() {
      return ignored;
    },
  };
}
