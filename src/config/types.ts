/**
 * Types of the scoring config (`scorebench.config/v1`), as written by a person or
 * exported by the workbench (`ScoringConfigSpec`, optional fields), and as the engine
 * runs it (`ScoringConfig`, every default filled in by `toScoringConfig`).
 *
 * The contract is `docs/config.md`; extensions are additive.
 */

export const CONFIG_FORMAT = "scorebench.config/v1";

/** A scalar read from an event or contact column. */
export type { Scalar } from "../tables/mod.ts";
import type { Scalar, TierName } from "../tables/mod.ts";

/**
 * One predicate on a column. Exactly one operator key per predicate object is the
 * usual case; several keys all have to hold.
 */
export interface Predicate {
  eq?: Scalar;
  neq?: Scalar;
  in?: Scalar[];
  notIn?: Scalar[];
  prefix?: string;
  contains?: string;
  /** `*` any run, `?` one char, whole value, case-sensitive. */
  glob?: string;
  gt?: number | string;
  gte?: number | string;
  lt?: number | string;
  lte?: number | string;
  /** Inclusive pair. */
  between?: [number | string, number | string];
  exists?: boolean;
}

/** `"global"`, `"stage"` or `{ tag: X }`. */
export type ScopeSpec = "global" | "stage" | { tag: string };

export interface EventRuleSpec {
  id: string;
  /** Event type this rule matches. */
  on: string;
  /** Column name to predicate; every predicate must hold. */
  where?: Record<string, Predicate>;
  points: number;
  maxPerDay?: number;
  maxCount?: number;
  /** @default ["global"] */
  scopes?: ScopeSpec[];
  /** Free text for people; ignored by the engine. */
  description?: string;
}

export interface AttributeRuleSpec {
  id: string;
  /** Contact column. */
  field: string;
  where: Predicate;
  points: number;
  description?: string;
}

export interface WindowSpec {
  lookbackDays: number;
  halfLifeDays?: number;
}

export interface TiersSpec {
  high: number;
  medium: number;
}

export interface TouchedSpec {
  from: string;
  to: string;
  types?: string[];
}

export interface AudienceSpec {
  gender?: string[];
  /** Inclusive range. */
  age?: [number, number];
  interests?: string[];
  stage?: string[];
  touched?: TouchedSpec;
}

export type VerificationMode = "exclude" | "demote" | "flag";

export interface VerificationSpec {
  mode: VerificationMode;
  /** Multiplier of the global score for `demote`, in 0..1. @default 0.5 */
  factor?: number;
}

export type { TierName, TierOrUnscored } from "../tables/mod.ts";

export interface TriggerSpec {
  id: string;
  reaches: TierName;
  action?: { type: string; [key: string]: unknown };
}

/** What a person writes in JSON: every field but `format` may be left out. */
export interface ScoringConfigSpec {
  format: typeof CONFIG_FORMAT;
  name?: string;
  window?: WindowSpec;
  rules?: EventRuleSpec[];
  attributes?: AttributeRuleSpec[];
  tiers?: TiersSpec;
  audience?: AudienceSpec;
  verification?: VerificationSpec;
  triggers?: TriggerSpec[];
  provenance?: Record<string, unknown>;
}

/** A scope after resolution: `{kind: "global"}`, `{kind: "stage"}` or `{kind: "tag", tag}`. */
export type Scope =
  | { kind: "global" }
  | { kind: "stage" }
  | { kind: "tag"; tag: string };

export interface EventRule {
  id: string;
  on: string;
  where: Record<string, Predicate>;
  points: number;
  /** `Infinity` when unlimited. */
  maxPerDay: number;
  /** `Infinity` when unlimited. */
  maxCount: number;
  scopes: Scope[];
  description: string;
}

export interface AttributeRule {
  id: string;
  field: string;
  where: Predicate;
  points: number;
  description: string;
}

/** The `touched` period resolved: instants (epoch ms, UTC), `to` inclusive. */
export interface Touched {
  from: number;
  /** The last instant covered: a bare `to` date covers its whole UTC day. */
  to: number;
  /** Event types that count; `null` for any type. */
  types: string[] | null;
  /** The dates as written, so the config serializes back as it was given. */
  written: { from: string; to: string };
}

/** The audience as the engine runs it: as written, with `touched` resolved. */
export interface Audience extends Omit<AudienceSpec, "touched"> {
  touched?: Touched;
}

/** The config as the engine runs it: no optional fields but `audience` and `verification`. */
export interface ScoringConfig {
  format: typeof CONFIG_FORMAT;
  name: string;
  window: { lookbackDays: number; halfLifeDays: number | null };
  rules: EventRule[];
  attributes: AttributeRule[];
  tiers: TiersSpec;
  audience: Audience | null;
  verification: { mode: VerificationMode; factor: number } | null;
  triggers: TriggerSpec[];
  provenance: Record<string, unknown>;
}

/** Defaults applied by `toScoringConfig` where the spec leaves a field out. */
export const DEFAULTS = {
  name: "Untitled scoring",
  lookbackDays: 90,
  tiers: { high: 60, medium: 25 } as TiersSpec,
  demoteFactor: 0.5,
} as const;
