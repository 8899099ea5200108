/** Spec (what a person writes) -> resolved config (what the engine runs). */
import { ConfigError } from "./config_error.ts";
import { checkConfig, resolveConfig } from "./parse_config.ts";
import type { ScoringConfig, ScoringConfigSpec } from "./types.ts";

/**
 * Fills every default of a spec: 90-day window without decay, `["global"]` scopes,
 * unlimited `maxPerDay`/`maxCount` (`Infinity`), tiers 60/25, demote factor 0.5.
 * Throws `ConfigError` listing every problem when the spec is not a valid config.
 */
export function toScoringConfig(spec: ScoringConfigSpec): ScoringConfig {
  const problems = checkConfig(spec);
  if (problems.length > 0) throw new ConfigError(problems);
  return resolveConfig(spec);
}
