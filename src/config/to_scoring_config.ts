/** Spec (what a person writes) -> resolved config (what the engine runs). */
import { ConfigError } from "./config_error.ts";
import { checkConfig } from "./parse_config.ts";
import {
  type AudienceSpec,
  CONFIG_FORMAT,
  DEFAULTS,
  type Scope,
  type ScopeSpec,
  type ScoringConfig,
  type ScoringConfigSpec,
} from "./types.ts";

function toScope(s: ScopeSpec): Scope {
  if (s === "global") return { kind: "global" };
  if (s === "stage") return { kind: "stage" };
  return { kind: "tag", tag: s.tag };
}

/** Deep copy of plain JSON data, so the resolved config never aliases the caller's spec. */
function copy<T>(x: T): T {
  return structuredClone(x);
}

/** Resolves a spec already known to be valid. */
export function resolveConfig(spec: ScoringConfigSpec): ScoringConfig {
  const audience: AudienceSpec | null = spec.audience ? copy(spec.audience) : null;
  return {
    format: CONFIG_FORMAT,
    name: spec.name ?? DEFAULTS.name,
    window: {
      lookbackDays: spec.window?.lookbackDays ?? DEFAULTS.lookbackDays,
      halfLifeDays: spec.window?.halfLifeDays ?? null,
    },
    rules: (spec.rules ?? []).map((r) => ({
      id: r.id,
      on: r.on,
      where: copy(r.where ?? {}),
      points: r.points,
      maxPerDay: r.maxPerDay ?? Infinity,
      maxCount: r.maxCount ?? Infinity,
      scopes: (r.scopes ?? ["global"]).map(toScope),
      description: r.description ?? "",
    })),
    attributes: (spec.attributes ?? []).map((a) => ({
      id: a.id,
      field: a.field,
      where: copy(a.where),
      points: a.points,
      description: a.description ?? "",
    })),
    tiers: spec.tiers
      ? { high: spec.tiers.high, medium: spec.tiers.medium }
      : { ...DEFAULTS.tiers },
    audience,
    verification: spec.verification
      ? { mode: spec.verification.mode, factor: spec.verification.factor ?? DEFAULTS.demoteFactor }
      : null,
    triggers: copy(spec.triggers ?? []),
    provenance: copy(spec.provenance ?? {}),
  };
}

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
