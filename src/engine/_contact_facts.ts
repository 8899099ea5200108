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
          from: before < 0 ? null : TIERS[before] as TierOrUnscored,
          to: TIERS[cur[i]] as TierOrUnscored,
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
