/**
 * What the batch scorer works out per contact before scoring (facts, audience, verification)
 * and the trigger firings between instants: private to the engine.
 */
import type { ContactRow, TierOrUnscored } from "../tables/mod.ts";
import { tierCode, TIERS } from "../tables/mod.ts";
import {
  attributeMatches,
  type Compiled,
  passesStaticAudience,
  type VerificationIndex,
} from "./_compile.ts";
import type { ContactFacts } from "./_evaluate.ts";
import type { TriggerFiring } from "./types.ts";

/** Small integer ids of stage names, in order of first use. */
export class Interner {
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

/** Shared by contacts that meet no attribute rule (never written to). */
const NO_ATTRS: { index: number; points: number }[] = [];

/**
 * Facts (attributes, audience columns, verification, stage) of every contact, at the
 * positions of `order` (entry `k` is contact `order[k]`; every contact when omitted).
 */
export function contactFacts(
  c: Compiled,
  ids: string[],
  rows: (ContactRow | null)[],
  verification: VerificationIndex | null,
  stages: Interner,
  order: ArrayLike<number> | null = null,
): { facts: ContactFacts[]; staticAudience: Uint8Array; excludedByVerification: Uint8Array } {
  const mode = c.config.verification?.mode ?? "flag";
  const factor = c.config.verification?.factor ?? 1;
  const facts: ContactFacts[] = new Array(ids.length);
  const staticAudience = new Uint8Array(ids.length);
  const excluded = new Uint8Array(ids.length);
  const noAttributes = c.attributes.length === 0;
  for (let k = 0; k < ids.length; k++) {
    const i = order === null ? k : order[k];
    const row = rows[i];
    const verified = verification !== null && verification.has(ids[i], row);
    const st = row?.stage;
    facts[k] = {
      id: ids[i],
      stageId: typeof st === "string" && st !== "" ? stages.get(st) : -1,
      attrs: noAttributes ? NO_ATTRS : attributeMatches(c, row),
      verified,
      factor: verified && mode === "demote" ? factor : 1,
    };
    staticAudience[k] = c.audience === null || passesStaticAudience(c.audience, row) ? 1 : 0;
    excluded[k] = verified && mode === "exclude" ? 1 : 0;
  }
  return { facts, staticAudience, excludedByVerification: excluded };
}

/**
 * Fires triggers between consecutive instants from each contact's tier rank (-1 = absent),
 * contacts taken in `order` (`null`: in the order of `ids`).
 */
export function fireTriggers(
  c: Compiled,
  asOf: number,
  ids: ArrayLike<string>,
  order: ArrayLike<number> | null,
  prev: Int8Array,
  cur: Int8Array,
  first: boolean,
  out: TriggerFiring[],
): void {
  for (const t of c.config.triggers) {
    const reach = tierCode(t.reaches);
    for (let k = 0; k < ids.length; k++) {
      const i = order === null ? k : order[k];
      const before = first ? -1 : prev[i];
      if (cur[i] >= reach && before < reach) {
        out.push({
          triggerId: t.id,
          contactId: ids[i],
          asOf,
          from: before < 0 ? null : TIERS[before] as TierOrUnscored,
          to: TIERS[cur[i]] as TierOrUnscored,
        });
      }
    }
  }
}

/**
 * Sorts contact indices by id in code-unit order, the order of every output. With a million
 * contacts a comparison sort reads two scattered strings per comparison (cache misses, some
 * 20 per id, plus a call each). Here each id is read once and becomes one 64-bit word: the
 * index in its low bits and above it as many leading code units as fit, each as its rank
 * in the alphabet of the ids (0 past the end, so a prefix sorts before a longer id, as `<`
 * orders them). `units` (1 for each code unit some id holds, a superset is fine) saves a
 * pass over the ids. The words are sorted natively, and runs of equal prefixes (rare) are
 * sorted again on the code units that follow.
 */
export function sortedContactOrder(ids: string[], units?: Uint8Array): Uint32Array {
  const n = ids.length;
  if (n < 256) {
    const order = Uint32Array.from(ids.keys());
    return order.sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  }
  // Rank + 1 of each code unit in use (`units` marks them when given).
  const rankOf = new Uint32Array(0x10000);
  if (units !== undefined) rankOf.set(units);
  else {
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      for (let j = 0; j < id.length; j++) rankOf[id.charCodeAt(j)] = 1;
    }
  }
  let symbols = 0;
  for (let u = 0; u < 0x10000; u++) if (rankOf[u] !== 0) rankOf[u] = ++symbols;
  const indexBits = Math.max(1, Math.ceil(Math.log2(n)));
  const lowScale = 2 ** (32 - indexBits), indexScale = 2 ** indexBits;
  const charBits = Math.ceil(Math.log2(symbols + 1)), charScale = 2 ** charBits;
  // Code units a word holds: key and index in 64 bits, the key exact in a double.
  const perWord = Math.max(1, Math.floor(Math.min(52, 64 - indexBits) / charBits));
  const words = new BigUint64Array(n);
  const half = new Uint32Array(words.buffer); // little-endian: low word first
  const indexMask = 2 ** indexBits - 1;
  // The word of id `i` at `at`, keyed on its code units from `from`.
  const put = (at: number, i: number, from: number) => {
    const id = ids[i];
    let key = 0;
    for (let j = from; j < from + perWord; j++) {
      key = key * charScale + (j < id.length ? rankOf[id.charCodeAt(j)] : 0);
    }
    const kl = key % lowScale;
    half[2 * at] = (kl * indexScale + i) >>> 0;
    half[2 * at + 1] = (key - kl) / lowScale;
  };
  for (let i = 0; i < n; i++) put(i, i, 0);
  words.sort();
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = (half[2 * k] & indexMask) >>> 0;
  // Runs with equal keys: ids that agree on their first `perWord` units (and go on, as no
  // two ids are equal), sorted again on the next units.
  const refine = (a: number, b: number, from: number) => {
    for (let k = a; k < b; k++) put(k, order[k], from);
    words.subarray(a, b).sort();
    for (let k = a; k < b; k++) order[k] = (half[2 * k] & indexMask) >>> 0;
    runs(a, b, from + perWord);
  };
  const runs = (a: number, b: number, from: number) => {
    let s = a;
    for (let k = a + 1; k <= b; k++) {
      if (
        k === b || half[2 * k + 1] !== half[2 * s + 1] ||
        Math.floor(half[2 * k] / indexScale) !== Math.floor(half[2 * s] / indexScale)
      ) {
        if (k - s > 1) refine(s, k, from);
        s = k;
      }
    }
  };
  runs(0, n, perWord);
  return order;
}
