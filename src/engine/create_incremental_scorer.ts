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
import { ContactTable } from "./_contact_table.ts";
import { tierCode } from "../tables/mod.ts";
import type { ScoreRow, TriggerFiring } from "./types.ts";

/** The contacts and verification table an incremental scorer scores with. */
export interface IncrementalScorerOptions {
  /** With contacts, only these contacts are scored; events of others are ignored. @default undefined */
  contacts?: ContactRow[];
  /** Verification table. @default undefined */
  verification?: VerificationRow[];
  /**
   * Starts from a state taken by `exportState()` of a scorer with the same config (and the
   * same tables), as if the events it had seen were added again. @default undefined
   */
  state?: IncrementalState;
}

/**
 * What an incremental scorer has learned from its events, in flat arrays (so a snapshot can
 * be written and read without a record per match): per contact, per rule, the times and
 * stages of the matches; each contact's earliest `touched` event and last tier.
 */
export interface IncrementalState {
  /** Event rule ids of the config, in order: a state only fits the config it came from. */
  ruleIds: string[];
  /** Latest event time seen (`-Infinity` before any). */
  clock: number;
  /** Events added. */
  seq: number;
  /** Events ignored (contact not in the contacts table). */
  ignored: number;
  /** Stage names by id, as the stage arrays below number them. */
  stageNames: string[];
  /** Contact ids, in the order the scorer first saw them. */
  ids: string[];
  /** Per contact: earliest event inside the audience's `touched` window (`Infinity` if none). */
  touchedMin: Float64Array;
  /** Per contact: tier code at its last evaluation, `-1` before any or when left out. */
  rank: Int8Array;
  /** Per contact: how many rules it has matches of. */
  groupCount: Int32Array;
  /** Per group (contact by contact): the rule index. */
  groupRule: Int32Array;
  /** Per group: how many matches. */
  groupLength: Int32Array;
  /** Per match (group by group, in time order): the event time. */
  ts: Float64Array;
  /** Per match: the event's stage id (`-1` for none). */
  stage: Int32Array;
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
  /** A copy of what the scorer has learned, for `IncrementalScorerOptions.state`. */
  exportState(): IncrementalState;
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
  const { contacts, verification, state } = options;
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
  // Contact id -> index in `states`, on typed arrays (see `ContactTable`).
  const index = new ContactTable();
  const states: ContactState[] = [];
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
    if (index.getOrAdd(row.contact_id) !== states.length) {
      throw new RangeError(
        `Cannot score: contact "${row.contact_id}" appears twice in the contacts`,
      );
    }
    states.push(makeState(row.contact_id, row));
  }
  const evaluator = new Evaluator(c, stageNames);
  const listeners = new Set<(f: TriggerFiring) => void>();
  const touched = c.audience?.touched ?? null;
  let clock = -Infinity;
  let seq = 0;
  let ignored = 0;
  if (state !== undefined) {
    const ruleIds = c.config.rules.map((r) => r.id);
    if (state.ruleIds.join("\n") !== ruleIds.join("\n")) {
      throw new RangeError(
        `Cannot restore the scorer: the state was taken with rules "${
          state.ruleIds.join(", ")
        }", the config has "${ruleIds.join(", ")}"`,
      );
    }
    ({ clock, seq, ignored } = state);
    // Stage ids of this scorer may differ (another contacts table): map them.
    const remap = state.stageNames.map((name) => stageOf(name));
    let g = 0, m = 0;
    for (let i = 0; i < state.ids.length; i++) {
      const id = state.ids[i];
      const at = index.get(id);
      let st = at < 0 ? undefined : states[at];
      if (st === undefined) {
        if (fixed) {
          g += state.groupCount[i];
          for (let k = 0; k < state.groupCount[i]; k++) m += state.groupLength[g - 1 - k];
          continue;
        }
        st = makeState(id, null);
        index.getOrAdd(id);
        states.push(st);
      }
      st.touchedMin = state.touchedMin[i];
      st.rank = state.rank[i];
      for (let k = 0; k < state.groupCount[i]; k++, g++) {
        const n = state.groupLength[g];
        const stages = new Array<number>(n);
        for (let j = 0; j < n; j++) {
          const sid = state.stage[m + j];
          stages[j] = sid < 0 ? -1 : remap[sid];
        }
        st.groups.push({
          rule: state.groupRule[g],
          ts: Array.from(state.ts.subarray(m, m + n)),
          stage: stages,
        });
        m += n;
      }
    }
  }
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
    let st: ContactState;
    if (fixed) {
      const i = index.get(e.contact_id);
      if (i < 0) {
        ignored++;
        return;
      }
      st = states[i];
    } else {
      const i = index.getOrAdd(e.contact_id);
      if (i === states.length) states.push(makeState(e.contact_id, null));
      st = states[i];
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
      const i = typeof contactId === "string" ? index.get(contactId) : -1;
      if (i < 0) return null;
      const st = states[i];
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
    exportState(): IncrementalState {
      const n = states.length;
      let groups = 0, matches = 0;
      for (const st of states) {
        groups += st.groups.length;
        for (const g of st.groups) matches += g.ts.length;
      }
      const out: IncrementalState = {
        ruleIds: c.config.rules.map((r) => r.id),
        clock,
        seq,
        ignored,
        stageNames: [...stageNames],
        ids: new Array<string>(n),
        touchedMin: new Float64Array(n),
        rank: new Int8Array(n),
        groupCount: new Int32Array(n),
        groupRule: new Int32Array(groups),
        groupLength: new Int32Array(groups),
        ts: new Float64Array(matches),
        stage: new Int32Array(matches),
      };
      let i = 0, g = 0, m = 0;
      for (const st of states) {
        out.ids[i] = st.facts.id;
        out.touchedMin[i] = st.touchedMin;
        out.rank[i] = st.rank;
        out.groupCount[i] = st.groups.length;
        for (const grp of st.groups) {
          out.groupRule[g] = grp.rule;
          out.groupLength[g] = grp.ts.length;
          out.ts.set(grp.ts, m);
          out.stage.set(grp.stage, m);
          m += grp.ts.length;
          g++;
        }
        i++;
      }
      return out;
    },
  };
}
