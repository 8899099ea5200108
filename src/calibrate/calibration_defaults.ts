/**
 * The settings a calibration starts from when a person gives none, shared by the CLI and the
 * workbench so both fit the same model on the same data.
 */
export const CALIBRATION_DEFAULTS = {
  /** Days of events before each cutoff that count. */
  lookbackDays: 90,
  /** Days after a cutoff in which a purchase counts as converting. */
  horizonDays: 30,
  /** The ridge penalty is chosen by cross-validation. */
  l2: "cv",
  /** Points to double the odds. */
  pdo: 20,
  /** Temporal hold-out: the last cutoff, out of time. */
  holdoutPeriods: 1,
} as const;
