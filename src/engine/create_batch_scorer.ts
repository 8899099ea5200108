/**
 * Streaming batch scoring: events are matched once as they arrive and only compact match
 * records (contact, rule, time, stage) are kept in typed arrays, so millions of events can
 * be scored from a file without holding the rows.
 */
import type { ScoringConfig } from "../config/types.ts";
import type { ContactRow, EventRow, VerificationRow } from "../tables/mod.ts";
import { compileConfig, refuseEvent, VerificationIndex } from "./_compile.ts";
import { type ContactMatches, Evaluator } from "./_evaluate.ts";
import { contactFacts, fireTriggers, Interner, sortedContactOrder } from "./_contact_facts.ts";
import { RowColumns } from "./row_columns.ts";
import { formatInstant, textField } from "./format_scores_csv.ts";
import { formatNumber } from "./format_number.ts";
import { CsvBytes, encode } from "./_csv_bytes.ts";
import type { TierOrUnscored } from "../config/types.ts";
import { ContactTable } from "./_contact_table.ts";
import { checkInstants, tierCode } from "../tables/mod.ts";
import type { ScoreResult, ScoreRow, ScoreSummary, TriggerFiring } from "./types.ts";

/** The contacts and verification table a batch scorer scores with. */
export interface BatchScorerOptions {
  /**
   * The instants `finish` will be given (or a superset): matches outside every one of their
   * windows are dropped as events arrive instead of kept to the end. `finish` then refuses
   * an instant not listed here.
   * @default undefined (every match is kept)
   */
  asOf?: number[];
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
  /**
   * Writes every row into these columns instead of making `ScoreRow` objects (`rows` of the
   * result is empty; `onInstant` gets no rows).
   * @default undefined
   */
  columns?: RowColumns;
}

/** What `finishCsv` returns: the result less its rows, with the tier counts per instant. */
export interface CsvFinish extends Omit<ScoreResult, "rows"> {
  /** Instants scored, ascending. */
  instants: number[];
  /** Rows written. */
  rows: number;
  /** Rows per tier at each instant. */
  tiers: Record<TierOrUnscored, number>[];
}

/** A streaming scorer: `add` every event, then `finish` once. */
export interface BatchScorer {
  /** Takes one event; ties on `ts` keep the order of `add` calls. */
  add(event: EventRow): void;
  /** Events taken so far. */
  readonly eventCount: number;
  /** Kept match records so far (one per matching rule per event). */
  readonly matchCount: number;
  /** Events outside every window of the declared instants (`asOf` option), not matched. */
  readonly droppedEvents: number;
  /** Scores every contact at each instant (epoch ms); the scorer can finish only once. */
  finish(asOf: number[], options?: FinishOptions): ScoreResult;
  /**
   * `finish`, with `scores.csv` (the exact text of `scoresCsvChunks`) handed to `write` in
   * pieces of whole lines, written straight from typed arrays: no object per row.
   */
  finishCsv(
    asOf: number[],
    write: (text: string) => Promise<void> | void,
    options?: { chunkChars?: number },
  ): Promise<CsvFinish>;
  /**
   * `finishCsv`, with `scores.csv` as UTF-8 bytes (chunks of whole lines, about `chunkBytes`
   * each, handed over: `write` may keep them): what a file takes, without a string between.
   */
  finishCsvBytes(
    asOf: number[],
    write: (bytes: Uint8Array) => Promise<void> | void,
    options?: { chunkBytes?: number },
  ): Promise<CsvFinish>;
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
  const table = new ContactTable();
  const ids = table.ids;
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
      const before = table.size;
      table.getOrAdd(id);
      if (table.size === before) {
        throw new RangeError(`Cannot score: contact "${id}" appears twice in the contacts`);
      }
      rows.push(row);
    });
  }
  // Declared instants: a match counts only when some instant T has T - lookback < ts <= T.
  const declared = options.asOf === undefined ? null : checkInstants(options.asOf, "score");
  const lookbackMs = c.lookbackMs;
  function inSomeWindow(ts: number): boolean {
    const list = declared!;
    let lo = 0, hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid] < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length && ts > list[lo] - lookbackMs;
  }
  let dropped = 0;
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
    if (fixedContacts) return table.get(id);
    const before = table.size;
    const ci = table.getOrAdd(id);
    if (table.size !== before) {
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
    if (declared !== null && !inSomeWindow(ts)) {
      dropped++;
      return;
    }
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
    const { onInstant, columns } = options;
    if (finished) throw new Error("Cannot finish twice: the scorer has finished");
    const instants = checkInstants(asOfInput, "score");
    if (declared !== null) {
      const missing = instants.find((t) => !declared.includes(t));
      if (missing !== undefined) {
        throw new RangeError(
          `Cannot finish as of ${
            new Date(missing).toISOString()
          }: the scorer was created for other instants (its asOf option)`,
        );
      }
    }
    finished = true;
    const nContacts = ids.length;
    const nRules = c.rules.length;
    // Contacts are renumbered in output order (sorted by id) before anything else, so every
    // per-contact array below is read front to back at each instant: with a million
    // contacts in arrival order each read would be a cache miss.
    const order = sortedContactOrder(ids, table.units);
    const sortedIds: string[] = new Array(nContacts);
    let rank: Uint32Array | null = new Uint32Array(nContacts);
    for (let k = 0; k < nContacts; k++) {
      rank[order[k]] = k;
      sortedIds[k] = ids[order[k]];
    }

    // Group matches by (contact, rule) keeping input order: two stable counting sorts.
    let byRule: Uint32Array | null = new Uint32Array(n);
    {
      const count = new Uint32Array(nRules + 1);
      for (let i = 0; i < n; i++) count[mRule[i] + 1]++;
      for (let r = 0; r < nRules; r++) count[r + 1] += count[r];
      for (let i = 0; i < n; i++) byRule[count[mRule[i]]++] = i;
    }
    // Each record's contact position, in place of its contact index.
    for (let i = 0; i < n; i++) mContact[i] = rank[mContact[i]];
    rank = null;
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
      order,
    );
    let touchedAt: Float64Array | null = null;
    if (touched !== null) {
      touchedAt = new Float64Array(nContacts);
      for (let k = 0; k < nContacts; k++) touchedAt[k] = touchedMin[order[k]];
    }
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
    columns?.reserve(columns.size + nContacts * instants.length);
    instants.forEach((T, ti) => {
      const rows = onInstant ? [] : out;
      cur.fill(-1);
      let inAudience = 0, byAudience = 0, byVerification = 0, scored = 0;
      for (let k = 0; k < nContacts; k++) {
        if (!staticAudience[k] || (touchedAt !== null && !(touchedAt[k] <= T))) {
          byAudience++;
          continue;
        }
        if (excludedByVerification[k]) {
          byVerification++;
          continue;
        }
        inAudience++;
        view.from = contactGroups[k];
        view.to = contactGroups[k + 1];
        if (columns) {
          const code = evaluator.evaluateInto(T, facts[k], view, order[k], columns);
          if (code !== 0) scored++;
          cur[k] = code;
          continue;
        }
        const row = evaluator.evaluate(T, facts[k], view);
        if (row.tier !== "unscored") scored++;
        for (const key in row.scopes) scopeNames.add(key);
        cur[k] = tierCode(row.tier);
        rows.push(row);
      }
      fireTriggers(c, T, sortedIds, null, prev, cur, ti === 0, triggers);
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
    if (columns) { for (const key of columns.keys) scopeNames.add(key); }
    return { rows: out, triggers, summaries, scopeColumns: [...scopeNames].sort() };
  }

  async function finishCsvBytes(
    asOfInput: number[],
    write: (bytes: Uint8Array) => Promise<void> | void,
    options: { chunkBytes?: number } = {},
  ): Promise<CsvFinish> {
    const { chunkBytes = 1 << 20 } = options;
    const cols = new RowColumns();
    const result = finish(asOfInput, { columns: cols });
    const instants = checkInstants(asOfInput, "score");
    const names = [...c.rules.map((r) => r.id), ...c.attributes.map((a) => a.id)];
    const scopeColumns = result.scopeColumns;
    const width = scopeColumns.length;
    // Column of each scope key id, and a row's values by column (NaN: not in the row).
    const colOf = Int32Array.from(cols.keys, (k) => scopeColumns.indexOf(k));
    const values = new Float64Array(width).fill(NaN);
    const tierNames = ["unscored", "low", "medium", "high"] as const;
    const tierBytes = tierNames.map((t) => encode(`,${t},`));
    const verifiedBytes = [encode(",false,"), encode(",true,")];
    const out = new CsvBytes(chunkBytes + (chunkBytes >> 2));
    out.text(
      [
        "as_of",
        "contact_id",
        "score",
        "tier",
        "matched_events",
        "verified",
        "reasons",
        ...scopeColumns,
      ].map((f) => textField(f)).join(",") + "\n",
    );
    const tiers: Record<TierOrUnscored, number>[] = [];
    // Reasons are rule ids and numbers: when no id needs quoting or a guard, neither does
    // their joined text, which is then written piece by piece; else as formatReasons does.
    const plainReasons = names.every((name) =>
      name !== "" && !/^['=+\-@\t\r]/.test(name) && !/[,;:"\r\n]/.test(name)
    );
    const nameBytes = names.map((name) => encode(name));
    const reasonRule = cols.reasonRule, reasonPoints = cols.reasonPoints;
    let row = 0;
    for (let ti = 0; ti < instants.length; ti++) {
      const asOfBytes = encode(`${formatInstant(instants[ti])},`);
      const counts = { unscored: 0, low: 0, medium: 0, high: 0 };
      const end = row + result.summaries[ti].contacts;
      for (; row < end; row++) {
        const tier = cols.tier[row];
        counts[tierNames[tier]]++;
        out.bytes(asOfBytes);
        const id = ids[cols.contact[row]];
        if (!out.plainField(id)) out.text(textField(id));
        out.byte(44); // ,
        out.number(cols.score[row]);
        out.bytes(tierBytes[tier]);
        out.number(cols.matched[row]);
        out.bytes(verifiedBytes[cols.verified[row]]);
        if (plainReasons) {
          for (let k = 0; k < 3; k++) {
            const rule = reasonRule[row * 3 + k];
            if (rule < 0) break;
            const p = reasonPoints[row * 3 + k];
            if (k > 0) out.byte(59); // ;
            out.bytes(nameBytes[rule]);
            out.byte(58); // :
            if (p > 0) out.byte(43); // +
            out.number(p);
          }
        } else {
          let reasons = "";
          for (let k = 0; k < 3; k++) {
            const rule = reasonRule[row * 3 + k];
            if (rule < 0) break;
            const p = reasonPoints[row * 3 + k];
            reasons += `${k ? ";" : ""}${names[rule]}:${p > 0 ? "+" : ""}${formatNumber(p)}`;
          }
          out.text(textField(reasons));
        }
        if (width > 0) {
          const a = cols.scopeStart[row], b = cols.scopeStart[row + 1];
          for (let j = a; j < b; j++) values[colOf[cols.scopeKey[j]]] = cols.scopeValue[j];
          for (let k = 0; k < width; k++) {
            const v = values[k];
            out.byte(44); // ,
            if (v === v) out.number(v);
            else out.byte(48); // 0
            values[k] = NaN;
          }
        }
        out.byte(10); // \n
        if (out.length >= chunkBytes) await write(out.take());
      }
      tiers.push(counts);
    }
    if (out.length > 0) await write(out.take());
    return {
      instants,
      rows: row,
      tiers,
      triggers: result.triggers,
      summaries: result.summaries,
      scopeColumns,
    };
  }

  function finishCsv(
    asOfInput: number[],
    write: (text: string) => Promise<void> | void,
    options: { chunkChars?: number } = {},
  ): Promise<CsvFinish> {
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    return finishCsvBytes(asOfInput, (bytes) => write(decoder.decode(bytes)), {
      chunkBytes: options.chunkChars,
    });
  }

  return {
    add,
    finish,
    finishCsv,
    finishCsvBytes,
    get eventCount() {
      return events;
    },
    get matchCount() {
      return n;
    },
    get droppedEvents() {
      return dropped;
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
