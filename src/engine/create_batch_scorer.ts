/**
 * Streaming batch scoring: events are matched once as they arrive and only compact match
 * records (contact, rule, time, stage) are kept in typed arrays, so millions of events can
 * be scored from a file without holding the rows.
 */
import type { ScoringConfig } from "../config/types.ts";
import type { ContactRow, EventRow, VerificationRow } from "../tables/mod.ts";
import {
  attributeMatches,
  compileConfig,
  type Compiled,
  passesStaticAudience,
  refuseEvent,
  VerificationIndex,
} from "./_compile.ts";
import { type ContactFacts, type ContactMatches, Evaluator } from "./_evaluate.ts";
import { tierCode } from "../tables/mod.ts";
import type { ScoreResult, ScoreRow, ScoreSummary, TriggerFiring } from "./types.ts";

/** The contacts and verification table a batch scorer scores with. */
export interface BatchScorerOptions {
  /**
   * With contacts, exactly these contacts are scored and events of others are ignored
   * (and counted); without, every contact seen in the events.
   * @default undefined
   */
  contacts?: ContactRow[];
  /** Verification table. @default undefined */
  verification?: VerificationRow[];
}

/** How `finish` hands over the rows. */
export interface FinishOptions {
  /**
   * Takes each instant's rows (contacts sorted by id) and summary as soon as the instant is
   * scored; the rows are then left out of the result (`rows` is empty), so many instants
   * over many contacts need the memory of one instant's rows.
   * @default undefined
   */
  onInstant?: (asOf: number, rows: ScoreRow[], summary: ScoreSummary) => void;
}

/** A streaming scorer: `add` every event, then `finish` once. */
export interface BatchScorer {
  /** Takes one event; ties on `ts` keep the order of `add` calls. */
  add(event: EventRow): void;
  /** Events taken so far. */
  readonly eventCount: number;
  /** Kept match records so far (one per matching rule per event). */
  readonly matchCount: number;
  /** Scores every contact at each instant (epoch ms); the scorer can finish only once. */
  finish(asOf: number[], options?: FinishOptions): ScoreResult;
}

/** Instants sorted ascending without repeats; refuses a non-finite one. */
export function checkInstants(asOf: number[]): number[] {
  if (asOf.length === 0) throw new RangeError("Cannot score: no instant given (asOf is empty)");
  for (const t of asOf) {
    if (typeof t !== "number" || !Number.isFinite(t)) {
      throw new TypeError(`Cannot score as of "${t}": expected epoch milliseconds`);
    }
  }
  return [...new Set(asOf)].sort((a, b) => a - b);
}

class Interner {
  ids = new Map<string, number>();
  names: string[] = [];
  get(name: string): number {
    let i = this.ids.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.ids.set(name, i);
      this.names.push(name);
    }
    return i;
  }
}

/** Facts (attributes, audience columns, verification, stage) of every contact. */
export function contactFacts(
  c: Compiled,
  ids: string[],
  rows: (ContactRow | null)[],
  verification: VerificationIndex | null,
  stages: Interner,
): { facts: ContactFacts[]; staticAudience: Uint8Array; excludedByVerification: Uint8Array } {
  const mode = c.config.verification?.mode ?? "flag";
  const factor = c.config.verification?.factor ?? 1;
  const facts: ContactFacts[] = new Array(ids.length);
  const staticAudience = new Uint8Array(ids.length);
  const excluded = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const row = rows[i];
    const verified = verification !== null && verification.has(ids[i], row);
    const st = row?.stage;
    facts[i] = {
      id: ids[i],
      stageId: typeof st === "string" && st !== "" ? stages.get(st) : -1,
      attrs: attributeMatches(c, row),
      verified,
      factor: verified && mode === "demote" ? factor : 1,
    };
    staticAudience[i] = c.audience === null || passesStaticAudience(c.audience, row) ? 1 : 0;
    excluded[i] = verified && mode === "exclude" ? 1 : 0;
  }
  return { facts, staticAudience, excludedByVerification: excluded };
}

/** Fires triggers between consecutive instants from each contact's tier rank (-1 = absent). */
export function fireTriggers(
  c: Compiled,
  asOf: number,
  ids: string[],
  order: ArrayLike<number>,
  prev: Int8Array,
  cur: Int8Array,
  first: boolean,
  out: TriggerFiring[],
): void {
  const names = ["unscored", "low", "medium", "high"] as const;
  for (const t of c.config.triggers) {
    const reach = tierCode(t.reaches);
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      const before = first ? -1 : prev[i];
      if (cur[i] >= reach && before < reach) {
        out.push({
          triggerId: t.id,
          contactId: ids[i],
          asOf,
          from: before < 0 ? null : names[before],
          to: names[cur[i]],
        });
      }
    }
  }
}

/** Sorts contact indices by id in code-unit order, the order of every output. */
export function sortedContactOrder(ids: string[]): Uint32Array {
  const order = Uint32Array.from(ids.keys());
  return order.sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
}

/**
 * A streaming scorer: `add` every event (any order), then `finish(asOf)`. Equivalent to
 * `scoreContacts(config, { events, contacts, verification }, { asOf })`.
 */
export function createBatchScorer(
  config: ScoringConfig,
  options: BatchScorerOptions = {},
): BatchScorer {
  const { contacts, verification } = options;
  const c = compileConfig(config);
  const contactIndex = new Map<string, number>();
  const ids: string[] = [];
  const rows: (ContactRow | null)[] = [];
  const fixedContacts = contacts !== undefined;
  if (contacts) {
    contacts.forEach((row, i) => {
      const id = row.contact_id;
      if (typeof id !== "string" || id === "") {
        throw new TypeError(
          `Cannot score contact #${i + 1}: contact_id must be a non-empty string, got "${id}"`,
        );
      }
      if (contactIndex.has(id)) {
        throw new RangeError(`Cannot score: contact "${id}" appears twice in the contacts`);
      }
      contactIndex.set(id, ids.length);
      ids.push(id);
      rows.push(row);
    });
  }
  const stages = new Interner();
  const needStage = c.anyStageScope;
  const touched = c.audience?.touched ?? null;
  let touchedMin = new Float64Array(Math.max(16, ids.length)).fill(Infinity);

  let cap = 1 << 20;
  let mContact = new Int32Array(cap);
  let mRule = new Uint16Array(cap);
  let mTs = new Float64Array(cap);
  let mStage = needStage ? new Int32Array(cap) : null;
  let n = 0;
  let events = 0;
  let ignored = 0;
  let finished = false;

  function grow(): void {
    cap *= 2;
    const c2 = new Int32Array(cap);
    c2.set(mContact);
    mContact = c2;
    const r2 = new Uint16Array(cap);
    r2.set(mRule);
    mRule = r2;
    const t2 = new Float64Array(cap);
    t2.set(mTs);
    mTs = t2;
    if (mStage) {
      const s2 = new Int32Array(cap);
      s2.set(mStage);
      mStage = s2;
    }
  }

  // Files usually list a contact's events together: remember the last lookup.
  let lastId = "";
  let lastIndex = -1;

  function lookup(id: string): number {
    let ci = contactIndex.get(id);
    if (ci === undefined) {
      if (fixedContacts) return -1;
      ci = ids.length;
      contactIndex.set(id, ci);
      ids.push(id);
      rows.push(null);
      if (ci >= touchedMin.length) {
        const t2 = new Float64Array(touchedMin.length * 2).fill(Infinity);
        t2.set(touchedMin);
        touchedMin = t2;
      }
    }
    return ci;
  }

  const matchAll = c.matchAll;
  let lastStage: unknown = undefined;
  let lastStageId = -1;

  function add(e: EventRow): void {
    if (finished) throw new Error("Cannot add an event: the scorer has finished");
    events++;
    const id = e.contact_id, ts = e.ts, type = e.type;
    // Inline check (see isUsableEvent): a finite ts, a non-empty id, a type.
    if (
      typeof id !== "string" || id === "" || typeof ts !== "number" || ts - ts !== 0 ||
      typeof type !== "string"
    ) refuseEvent(e, events);
    let ci: number;
    if (id === lastId) ci = lastIndex;
    else {
      ci = lookup(id);
      lastId = id;
      lastIndex = ci;
    }
    if (ci < 0) {
      ignored++;
      return;
    }
    if (
      touched !== null && ts >= touched.from && ts <= touched.to &&
      (touched.types === null || touched.types.has(type)) && ts < touchedMin[ci]
    ) touchedMin[ci] = ts;
    if (matchAll !== null) {
      let m = matchAll(e, type);
      if (m === 0) return;
      // One check per event: an event adds at most 31 records.
      if (n + 31 > cap) grow();
      const first = n;
      do {
        const low = m & -m;
        m ^= low;
        mContact[n] = ci;
        mRule[n] = 31 - Math.clz32(low);
        mTs[n] = ts;
        n++;
      } while (m !== 0);
      if (mStage !== null) {
        const st = e.stage;
        if (st !== lastStage) {
          lastStage = st;
          lastStageId = typeof st === "string" && st !== "" ? stages.get(st) : -1;
        }
        for (let k = first; k < n; k++) mStage[k] = lastStageId;
      }
      return;
    }
    const matchers = c.matchers.get(type);
    if (matchers === undefined) return;
    for (let j = 0; j < matchers.length; j++) {
      const matcher = matchers[j];
      let m = matcher.match(e);
      if (m === 0) continue;
      const ruleIndex = matcher.ruleIndex;
      do {
        const low = m & -m;
        m ^= low;
        if (n === cap) grow();
        mContact[n] = ci;
        mRule[n] = ruleIndex[31 - Math.clz32(low)];
        mTs[n] = ts;
        if (mStage !== null) {
          const st = e.stage;
          if (st !== lastStage) {
            lastStage = st;
            lastStageId = typeof st === "string" && st !== "" ? stages.get(st) : -1;
          }
          mStage[n] = lastStageId;
        }
        n++;
      } while (m !== 0);
    }
  }

  function finish(asOfInput: number[], options: FinishOptions = {}): ScoreResult {
    const { onInstant } = options;
    if (finished) throw new Error("Cannot finish twice: the scorer has finished");
    const instants = checkInstants(asOfInput);
    finished = true;
    const nContacts = ids.length;
    const nRules = c.rules.length;

    // Group matches by (contact, rule) keeping input order: two stable counting sorts.
    let byRule: Uint32Array | null = new Uint32Array(n);
    {
      const count = new Uint32Array(nRules + 1);
      for (let i = 0; i < n; i++) count[mRule[i] + 1]++;
      for (let r = 0; r < nRules; r++) count[r + 1] += count[r];
      for (let i = 0; i < n; i++) byRule[count[mRule[i]]++] = i;
    }
    let perm: Uint32Array | null = new Uint32Array(n);
    const contactStart = new Uint32Array(nContacts + 1);
    for (let i = 0; i < n; i++) contactStart[mContact[i] + 1]++;
    for (let k = 0; k < nContacts; k++) contactStart[k + 1] += contactStart[k];
    {
      const pos = contactStart.slice(0, nContacts);
      for (let j = 0; j < n; j++) {
        const i = byRule[j];
        perm[pos[mContact[i]]++] = i;
      }
    }
    byRule = null;
    const sTs = new Float64Array(n);
    const sRule = new Uint16Array(n);
    const sStage = mStage ? new Int32Array(n) : null;
    for (let j = 0; j < n; j++) {
      const i = perm[j];
      sTs[j] = mTs[i];
      sRule[j] = mRule[i];
      if (sStage) sStage[j] = mStage![i];
    }
    // The raw records are no longer needed: let them go before the per-contact work.
    mContact = new Int32Array(0);
    mRule = new Uint16Array(0);
    mTs = new Float64Array(0);
    mStage = null;
    // Groups: runs of one rule inside a contact; sort each by time (input order on ties).
    const maxGroups = Math.min(n, nContacts * nRules);
    const groupRule = new Uint16Array(maxGroups);
    const groupStart = new Uint32Array(maxGroups);
    const groupEnd = new Uint32Array(maxGroups);
    const contactGroups = new Uint32Array(nContacts + 1);
    let nGroups = 0;
    for (let k = 0; k < nContacts; k++) {
      contactGroups[k] = nGroups;
      let j = contactStart[k];
      const end = contactStart[k + 1];
      while (j < end) {
        const r = sRule[j];
        let e = j + 1;
        let sorted = true;
        while (e < end && sRule[e] === r) {
          if (sTs[e] < sTs[e - 1]) sorted = false;
          e++;
        }
        if (!sorted) sortRun(sTs, sStage, perm, j, e);
        groupRule[nGroups] = r;
        groupStart[nGroups] = j;
        groupEnd[nGroups] = e;
        nGroups++;
        j = e;
      }
    }
    contactGroups[nContacts] = nGroups;
    perm = null;

    const vindex = verification ? new VerificationIndex(verification) : null;
    const { facts, staticAudience, excludedByVerification } = contactFacts(
      c,
      ids,
      rows,
      vindex,
      stages,
    );
    const order = sortedContactOrder(ids);
    const evaluator = new Evaluator(c, stages.names);
    const view: ContactMatches = {
      groupRule,
      groupStart,
      groupEnd,
      from: 0,
      to: 0,
      ts: sTs,
      stage: sStage,
    };
    const out: ScoreRow[] = [];
    const triggers: TriggerFiring[] = [];
    const summaries: ScoreSummary[] = [];
    const scopeNames = new Set<string>();
    let prev = new Int8Array(nContacts).fill(-1);
    let cur = new Int8Array(nContacts);
    instants.forEach((T, ti) => {
      const rows = onInstant ? [] : out;
      cur.fill(-1);
      let inAudience = 0, byAudience = 0, byVerification = 0, scored = 0;
      for (let k = 0; k < nContacts; k++) {
        const i = order[k];
        if (!staticAudience[i] || (touched !== null && !(touchedMin[i] <= T))) {
          byAudience++;
          continue;
        }
        if (excludedByVerification[i]) {
          byVerification++;
          continue;
        }
        inAudience++;
        view.from = contactGroups[i];
        view.to = contactGroups[i + 1];
        const row = evaluator.evaluate(T, facts[i], view);
        if (row.tier !== "unscored") scored++;
        for (const key in row.scopes) scopeNames.add(key);
        cur[i] = tierCode(row.tier);
        rows.push(row);
      }
      fireTriggers(c, T, ids, order, prev, cur, ti === 0, triggers);
      [prev, cur] = [cur, prev];
      const summary: ScoreSummary = {
        contacts: inAudience,
        scored,
        coverage: inAudience === 0 ? 0 : scored / inAudience,
        ignoredEvents: ignored,
        excludedByAudience: byAudience,
        excludedByVerification: byVerification,
      };
      summaries.push(summary);
      onInstant?.(T, rows, summary);
    });
    return { rows: out, triggers, summaries, scopeColumns: [...scopeNames].sort() };
  }

  return {
    add,
    finish,
    get eventCount() {
      return events;
    },
    get matchCount() {
      return n;
    },
  };
}

/** Sorts positions `[a, b)` by time, then by input order (the original record index). */
function sortRun(
  ts: Float64Array,
  stage: Int32Array | null,
  perm: Uint32Array,
  a: number,
  b: number,
): void {
  const idx = Array.from({ length: b - a }, (_, k) => a + k);
  idx.sort((x, y) => ts[x] - ts[y] || perm[x] - perm[y]);
  const t2 = idx.map((j) => ts[j]);
  const p2 = idx.map((j) => perm[j]);
  const s2 = stage ? idx.map((j) => stage[j]) : null;
  for (let k = 0; k < idx.length; k++) {
    ts[a + k] = t2[k];
    perm[a + k] = p2[k];
    if (stage && s2) stage[a + k] = s2[k];
  }
}
