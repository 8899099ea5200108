/** How contacts move between tiers from one instant to the next. */
import type { TierOrUnscored } from "../config/types.ts";
import { TIERS, TIERS_HIGH_FIRST } from "../tables/mod.ts";

/** `"absent"` marks a contact missing at one of the two instants, so nobody is dropped. */
export type MigrationState = TierOrUnscored | "absent";

/** `matrix[from][to]` = contacts in tier `from` at the earlier instant and `to` at the later. */
export type MigrationMatrix = Record<MigrationState, Record<MigrationState, number>>;

/** Rows and columns of a migration matrix, highest tier first, `absent` last. */
export const MIGRATION_STATES: readonly MigrationState[] = [...TIERS_HIGH_FIRST, "absent"];

function emptyMatrix(): MigrationMatrix {
  const m = {} as MigrationMatrix;
  for (const a of MIGRATION_STATES) {
    m[a] = {} as Record<MigrationState, number>;
    for (const b of MIGRATION_STATES) m[a][b] = 0;
  }
  return m;
}

/**
 * Tier migration between two instants. Both sides are tier codes (see `TIERS`) indexed by a
 * contact index; `-1` or a missing entry means the contact was not in that period's output.
 */
export function migrationMatrix(
  before: ArrayLike<number>,
  after: ArrayLike<number>,
): MigrationMatrix {
  const m = emptyMatrix();
  const n = Math.max(before.length, after.length);
  for (let i = 0; i < n; i++) {
    const a = i < before.length && before[i] >= 0 ? TIERS[before[i]] : "absent";
    const b = i < after.length && after[i] >= 0 ? TIERS[after[i]] : "absent";
    if (a === "absent" && b === "absent") continue;
    m[a][b]++;
  }
  return m;
}

/** Migration between two tier assignments keyed by contact id. */
export function migrationBetween(
  before: Map<string, TierOrUnscored>,
  after: Map<string, TierOrUnscored>,
): MigrationMatrix {
  const m = emptyMatrix();
  for (const [id, a] of before) m[a][after.get(id) ?? "absent"]++;
  for (const [id, b] of after) if (!before.has(id)) m.absent[b]++;
  return m;
}
