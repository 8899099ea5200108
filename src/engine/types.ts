/** Inputs and outputs of the rule engine (`scoreContacts`, `createIncrementalScorer`). */
import type { TierOrUnscored } from "../config/types.ts";
import type { ContactRow, EventRow, VerificationRow } from "../tables/mod.ts";

export interface ScoreInput {
  /** Any order; ties on `ts` keep input order. */
  events?: Iterable<EventRow>;
  /** With contacts, exactly these contacts are scored; without, every contact seen in events. */
  contacts?: ContactRow[];
  verification?: VerificationRow[];
}

/** One rule's contribution to a contact's global score, for `reasons`. */
export interface Reason {
  ruleId: string;
  points: number;
}

export interface ScoreRow {
  /** Epoch milliseconds, UTC. */
  asOf: number;
  contactId: string;
  /** Final global score (after verification demotion). */
  score: number;
  tier: TierOrUnscored;
  matchedEvents: number;
  verified: boolean;
  /** Up to three rules that moved the global score most, largest absolute first. */
  reasons: Reason[];
  /** Non-global scope sums keyed `stage:<name>` or `tag:<name>`. */
  scopes: Record<string, number>;
}

export interface TriggerFiring {
  triggerId: string;
  contactId: string;
  /** The instant at which the tier was first seen at or above `reaches`. */
  asOf: number;
  from: TierOrUnscored | null;
  to: TierOrUnscored;
}

export interface ScoreSummary {
  contacts: number;
  scored: number;
  coverage: number;
  /** Events whose contact is not in the contacts table (only with `contacts`). */
  ignoredEvents: number;
  excludedByAudience: number;
  excludedByVerification: number;
}

export interface ScoreResult {
  /** One row per contact per instant, instants in ascending order, contacts sorted by id. */
  rows: ScoreRow[];
  triggers: TriggerFiring[];
  /** One summary per instant, same order as the instants. */
  summaries: ScoreSummary[];
  /** Sorted names of the non-global scopes present (`stage:lead`, `tag:a`). */
  scopeColumns: string[];
}
