/** Inputs and outputs of the rule engine (`scoreContacts`, `createIncrementalScorer`). */
import type { TierOrUnscored } from "../config/types.ts";
import type { ContactRow, EventRow, VerificationRow } from "../tables/mod.ts";

/** The tables a batch scoring reads. */
export interface ScoreInput {
  /** Any order; ties on `ts` keep input order. */
  events?: Iterable<EventRow>;
  /** With contacts, exactly these contacts are scored; without, every contact seen in events. */
  contacts?: ContactRow[];
  /** Contacts to exclude, demote or flag, matched by id, phone or e-mail. */
  verification?: VerificationRow[];
}

/** One rule's contribution to a contact's global score, for `reasons`. */
export interface Reason {
  /** The rule's `id`. */
  ruleId: string;
  /** Its contribution to the final score (after `demote`). */
  points: number;
}

/** One contact at one instant: a line of `scores.csv`. */
export interface ScoreRow {
  /** Epoch milliseconds, UTC. */
  asOf: number;
  /** The contact. */
  contactId: string;
  /** Final global score (after verification demotion). */
  score: number;
  /** `high`, `medium`, `low`, or `unscored` when no event rule kept a match. */
  tier: TierOrUnscored;
  /** Kept (rule, event) matches in the window over all rules and scopes. */
  matchedEvents: number;
  /** The contact is in the verification table. */
  verified: boolean;
  /** Up to three rules that moved the global score most, largest absolute first. */
  reasons: Reason[];
  /** Non-global scope sums keyed `stage:<name>` or `tag:<name>`. */
  scopes: Record<string, number>;
}

/** One firing of a trigger for a contact: a line of `triggers.csv`. */
export interface TriggerFiring {
  /** The trigger's `id`. */
  triggerId: string;
  /** The contact. */
  contactId: string;
  /** The instant at which the tier was first seen at or above `reaches`. */
  asOf: number;
  /**
   * The tier at the previous instant; `null` at the first instant or when the contact was not in
   * the output.
   */
  from: TierOrUnscored | null;
  /** The tier reached. */
  to: TierOrUnscored;
}

/** Counts of one instant, for the command's summary line and `backtest.json`. */
export interface ScoreSummary {
  /** Contacts in the output (after audience and verification `exclude`). */
  contacts: number;
  /** Of those, contacts with a tier other than `unscored`. */
  scored: number;
  /** `scored / contacts`, 0 when there are no contacts. */
  coverage: number;
  /** Events whose contact is not in the contacts table (only with `contacts`). */
  ignoredEvents: number;
  /** Contacts the audience left out. */
  excludedByAudience: number;
  /** Contacts verification `exclude` left out. */
  excludedByVerification: number;
}

/** What a batch scoring returns. */
export interface ScoreResult {
  /** One row per contact per instant, instants in ascending order, contacts sorted by id. */
  rows: ScoreRow[];
  /** Firings by instant, then trigger in config order, then contact id. */
  triggers: TriggerFiring[];
  /** One summary per instant, same order as the instants. */
  summaries: ScoreSummary[];
  /** Sorted names of the non-global scopes present (`stage:lead`, `tag:a`). */
  scopeColumns: string[];
}
