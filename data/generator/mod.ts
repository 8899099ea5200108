/**
 * Seeded synthetic lead base with a known ground truth: contacts, a year of multi-channel
 * events, purchases that follow a logistic model of the event counts, and a verification
 * list. Calibration must recover the weights written to `ground_truth.json`.
 *
 * In memory: `generateDataset({ contacts: 2000, seed: 7 })`. As files, streamed row by row:
 * `writeDataset(dir, { contacts: 5000, seed: 1 })`, or the script `data/generate.ts`.
 * The model is described in `data/README.md`.
 *
 * @module
 */
export {
  EVENT_TYPES,
  type EventType,
  PRICING_URL,
  SNAPSHOT_EFFECTS,
  SNAPSHOT_INTERCEPT,
  TEMPORAL_INTERCEPT,
  TEMPORAL_WEIGHTS,
} from "./model.ts";
export type { GenerateOptions } from "./resolve_options.ts";
export type { GroundTruth } from "./ground_truth.ts";
export { type Dataset, generateDataset } from "./generate_dataset.ts";
export { COLUMNS } from "./columns.ts";
export { writeDataset, type WriteOptions, type WriteSummary } from "./write_dataset.ts";
