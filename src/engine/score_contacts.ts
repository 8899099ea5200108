import type { ScoringConfig } from "../config/types.ts";
import { createBatchScorer } from "./create_batch_scorer.ts";
import type { ScoreInput, ScoreResult } from "./types.ts";

/** The instants of a batch scoring. */
export interface ScoreContactsOptions {
  /** Instants to score at, epoch milliseconds UTC; sorted and de-duplicated. */
  asOf: number[];
}

/**
 * Scores contacts at each instant per `docs/rules.md`: one row per
 * contact per instant (instants ascending, contacts by id), triggers fired between
 * consecutive instants, and a summary per instant.
 */
export function scoreContacts(
  config: ScoringConfig,
  input: ScoreInput,
  options: ScoreContactsOptions,
): ScoreResult {
  const scorer = createBatchScorer(config, {
    contacts: input.contacts,
    verification: input.verification,
  });
  if (input.events) { for (const e of input.events) scorer.add(e); }
  return scorer.finish(options.asOf);
}
