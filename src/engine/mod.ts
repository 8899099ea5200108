/**
 * The rule engine: scores contacts with a `scorebench.config/v1` config in batch,
 * streaming or incrementally, and writes the `scores.csv` of the CLI contract.
 *
 * Where a first reading of the rules could go either way, the engine reads them so (each point
 * is stated in `docs/rules.md`):
 * - Limits apply to the matches inside the window: `maxPerDay` counts a day's matches with
 *   `T - lookback < ts <= T`, then `maxCount` keeps the newest (later input wins a tie).
 * - A missing value is absent, `null`, `NaN`, empty text or an empty list. A number equals
 *   text that spells it; order operators compare numbers with a number bound and text with
 *   a text bound. On a list (`interests`, `tags`) an operator holds when some element
 *   holds; `neq`/`notIn` when no element is equal.
 * - `reasons` are per-rule contributions to the final global score (after `demote`),
 *   largest absolute first, ties in config order, zero contributions left out.
 * - Audience `touched`: a bare `to` date covers that whole day; only events up to `T` are
 *   read, so the same contact can enter the audience at a later instant.
 * - A verification table with no `verification` section in the config only flags.
 * - Triggers: a contact left out at an instant counts as below every tier there, and a
 *   firing's `from` is `null` at the first instant it is seen. The incremental scorer
 *   checks triggers when an event of the contact arrives, at the latest time seen.
 *
 * @module
 */
export * from "./types.ts";
export { scoreContacts, type ScoreContactsOptions } from "./score_contacts.ts";
export {
  type BatchScorer,
  type BatchScorerOptions,
  createBatchScorer,
  type CsvFinish,
  type FinishOptions,
} from "./create_batch_scorer.ts";
export { RowColumns } from "./row_columns.ts";
export {
  createIncrementalScorer,
  type IncrementalScorer,
  type IncrementalScorerOptions,
  type IncrementalState,
} from "./create_incremental_scorer.ts";
export {
  csvField,
  formatInstant,
  formatReasons,
  formatScoresCsv,
  formatTriggersCsv,
  scoresCsvChunks,
} from "./format_scores_csv.ts";
export {
  type CompiledPredicate,
  compilePredicate,
  matchesPredicate,
  type PredicateValue,
} from "./match_predicate.ts";
export { tierCode, tierOf } from "../tables/mod.ts";
export { formatNumber } from "./format_number.ts";
export { emailKey, phoneKey } from "./verification_keys.ts";
