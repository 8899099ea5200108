import { toScoringConfig } from "../../src/config/to_scoring_config.ts";
import type { ScoringConfig, ScoringConfigSpec } from "../../src/config/types.ts";
import type { EventRow } from "../../src/data/types.ts";

export const HOUR = 3_600_000;
/** 2024-03-31T00:00:00Z */
export const T = Date.UTC(2024, 2, 31);

export function config(spec: Omit<ScoringConfigSpec, "format">): ScoringConfig {
  return toScoringConfig({ format: "scorebench.config/v1", ...spec });
}

export function ev(
  contact_id: string,
  ts: number,
  type: string,
  extra: Partial<EventRow> = {},
): EventRow {
  return { contact_id, ts, type, ...extra };
}

/** Seeded generator for reproducible random data. */
import { seededRng as rng } from "../../src/metrics/seeded_rng.ts";
export { DAY_MS as DAY } from "../../src/tables/mod.ts";
export { rng };

export function assertClose(actual: number, expected: number, what: string, rel = 1e-12): void {
  const tol = rel * Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${what}: expected ${expected}, got ${actual}`);
  }
}
