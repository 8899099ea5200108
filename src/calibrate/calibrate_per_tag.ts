/**
 * Per-tag calibration: the global temporal fit (any purchase) plus one fit per product tag
 * (a purchase of that tag), written as tag-scoped rules (`scopes: [{ tag }]`, ids
 * prefixed with the tag) beside the global rules, so `scores.csv` gains a `tag:<name>`
 * column per product while tiers stay on the global score.
 */
import type { PurchaseRow } from "../tables/mod.ts";
import {
  calibrateTemporal,
  type TemporalInput,
  type TemporalOptions,
} from "./calibrate_temporal.ts";
import type { CalibrationResult } from "./types.ts";

/** Options for `calibratePerTag`. */
export interface PerTagOptions extends Omit<TemporalOptions, "tag"> {
  /** Tags to fit. @default every tag on at least `minConverters` training purchases */
  tags?: string[];
  /** Fewest purchases a tag needs to be fitted. @default 30 */
  minPurchases?: number;
}

/** The global result, whose config holds every tag's rules too, and each tag's own result. */
export interface PerTagResult {
  /** The fit on every purchase; its config also holds each tag's rules. */
  global: CalibrationResult;
  /** Each fitted tag's own result. */
  tags: Record<string, CalibrationResult>;
  /** Tags not fitted, with the reason. */
  skipped: Record<string, string>;
}

/** Tags present on purchases, with their counts, most frequent first. */
export function purchaseTags(purchases: PurchaseRow[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const p of purchases) if (p.tag) counts.set(p.tag, (counts.get(p.tag) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Runs the global fit and one fit per tag, and merges the tag rules into the global config. */
export function calibratePerTag(input: TemporalInput, options: PerTagOptions): PerTagResult {
  const { tags, minPurchases = 30, ...rest } = options;
  const global = calibrateTemporal(input, rest);
  const skipped: Record<string, string> = {};
  const out: Record<string, CalibrationResult> = {};
  const available = purchaseTags(input.purchases);
  const wanted = tags ?? available.filter(([, n]) => n >= minPurchases).map(([t]) => t);
  for (const [t, n] of available) {
    if (!tags && n < minPurchases) skipped[t] = `only ${n} purchases (< ${minPurchases})`;
  }
  for (const tag of wanted) {
    try {
      out[tag] = calibrateTemporal(input, { ...rest, tag });
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      skipped[tag] = err.message;
    }
  }
  const rules = [...(global.config.rules ?? [])];
  for (const [tag, r] of Object.entries(out)) {
    rules.push(...(r.config.rules ?? []));
    global.warnings.push(...r.warnings.map((w) => `[${tag}] ${w}`));
  }
  for (const [tag, why] of Object.entries(skipped)) {
    global.warnings.push(`Tag "${tag}" not fitted: ${why}`);
  }
  global.config.rules = rules;
  return { global, tags: out, skipped };
}
