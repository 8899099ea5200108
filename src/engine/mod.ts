/**
 * The rule engine: scores contacts with a `scorebench.config/v1` config in batch,
 * streaming or incrementally, and writes the `scores.csv` of the CLI contract.
 *
 * @module
 */
export * from "./types.ts";
export { scoreContacts, type ScoreContactsOptions } from "./score_contacts.ts";
export {
  type BatchScorer,
  type BatchScorerOptions,
  createBatchScorer,
} from "./create_batch_scorer.ts";
export {
  createIncrementalScorer,
  type IncrementalScorer,
  type IncrementalScorerOptions,
} from "./create_incremental_scorer.ts";
export {
  csvField,
  formatInstant,
  formatReasons,
  formatScoresCsv,
  formatTriggersCsv,
} from "./format_scores_csv.ts";
export { compilePredicate, matchesPredicate, type PredicateValue } from "./match_predicate.ts";
export { TIER_RANK, tierOf } from "./tier_of.ts";
export { formatNumber } from "./format_number.ts";
export { emailKey, phoneKey } from "./verification_keys.ts";
