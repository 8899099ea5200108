/**
 * Types of the scoring config (`scorebench.config/v1`), as written by a person or
 * exported by the workbench (`ScoringConfigSpec`, optional fields), and as the engine
 * runs it (`ScoringConfig`, every default filled in by `toScoringConfig`).
 *
 * The contract is `docs/config.md`; extensions are additive.
 */

/** The `format` string of every v1 config; a config with another value is refused. */
export const CONFIG_FORMAT = "scorebench.config/v1";

/** A scalar read from an event or contact column. */
export type { Scalar } from "../tables/mod.ts";
import type { Scalar, TierName } from "../tables/mod.ts";

/**
 * One predicate on a column. Exactly one operator key per predicate object is the
 * usual case; several keys all have to hold.
 */
export interface Predicate {
  /** The value equals this (a number equals text that spells it). */
  eq?: Scalar;
  /** The value differs from this; holds on a missing value. */
  neq?: Scalar;
  /** The value equals one of these. */
  in?: Scalar[];
  /** The value equals none of these; holds on a missing value. */
  notIn?: Scalar[];
  /** The value, as text, starts with this. */
  prefix?: string;
  /** The value, as text, contains this. */
  contains?: string;
  /** `*` any run, `?` one char, whole value, case-sensitive. */
  glob?: string;
  /** Above the bound: numerically for a number bound, in text order for a text bound. */
  gt?: number | string;
  /** At or above the bound (compared as for `gt`). */
  gte?: number | string;
  /** Below the bound (compared as for `gt`). */
  lt?: number | string;
  /** At or below the bound (compared as for `gt`). */
  lte?: number | string;
  /** Inclusive pair. */
  between?: [number | string, number | string];
  /** `true`: the value is present; `false`: it is missing. */
  exists?: boolean;
}

/** `"global"`, `"stage"` or `{ tag: X }`. */
export type ScopeSpec = "global" | "stage" | { tag: string };

/**
 * An event rule as written: points for each event of type `on` whose columns satisfy `where`
 * (`docs/config.md`, "Event rules").
 */
export interface EventRuleSpec {
  /** Names the rule in reasons and messages; unique among event and attribute rules. */
  id: string;
  /** Event type this rule matches. */
  on: string;
  /** Column name to predicate; every predicate must hold. */
  where?: Record<string, Predicate>;
  /** Points per kept match before decay; negative points lower the score. */
  points: number;
  /** At most this many matches per UTC day are kept, the earliest. @default unlimited */
  maxPerDay?: number;
  /** Of the matches left by `maxPerDay`, only this many most recent are kept. @default unlimited */
  maxCount?: number;
  /** Sums the rule adds to: `"global"` (the score), `"stage"`, `{tag}`. @default ["global"] */
  scopes?: ScopeSpec[];
  /** Free text for people; ignored by the engine. */
  description?: string;
}

/**
 * An attribute rule as written: points added once to a scored contact whose column `field`
 * satisfies `where`.
 */
export interface AttributeRuleSpec {
  /** Names the rule in reasons and messages; unique among event and attribute rules. */
  id: string;
  /** Contact column. */
  field: string;
  /** The condition on the contact's column. */
  where: Predicate;
  /** Points added once, without decay. */
  points: number;
  /** Free text for people; ignored by the engine. */
  description?: string;
}

/** How far back events count and how fast their points fade. */
export interface WindowSpec {
  /**
   * An event counts at `T` when `T - lookbackDays days < ts <= T`. @default 90 when `window` is
   * left out
   */
  lookbackDays: number;
  /** Points halve with every this many days of age. @default no decay */
  halfLifeDays?: number;
}

/** Score cuts of the tiers, `medium <= high`. */
export interface TiersSpec {
  /** From this score up, a scored contact is `high`. @default 60 */
  high: number;
  /** From this score up (below `high`), a scored contact is `medium`. @default 25 */
  medium: number;
}

/** An audience condition on history: at least one event in `[from, to]`. */
export interface TouchedSpec {
  /** First instant of the period: a date (its midnight UTC) or an ISO 8601 instant. */
  from: string;
  /** Last instant of the period, included; a bare date covers its whole day. */
  to: string;
  /** Event types that count as a touch. @default any type */
  types?: string[];
}

/**
 * Which contacts are scored at all; a contact that fails a condition, or lacks its column, is left
 * out.
 */
export interface AudienceSpec {
  /** The contact's `gender` is one of these. */
  gender?: string[];
  /** Inclusive range. */
  age?: [number, number];
  /** At least one of the contact's `interests` is one of these. */
  interests?: string[];
  /** The contact's `stage` is one of these. */
  stage?: string[];
  /** The contact has an event in a period. */
  touched?: TouchedSpec;
}

/**
 * What happens to a contact found in the verification table: left out, its score multiplied by
 * `factor`, or only marked.
 */
export type VerificationMode = "exclude" | "demote" | "flag";

/** What to do with contacts in the verification table. */
export interface VerificationSpec {
  /** `exclude`, `demote` or `flag`. */
  mode: VerificationMode;
  /** Multiplier of the global score for `demote`, in 0..1. @default 0.5 */
  factor?: number;
}

export type { TierName, TierOrUnscored } from "../tables/mod.ts";

/**
 * A trigger: fires for a contact whose tier rises to or above `reaches` between two consecutive
 * instants.
 */
export interface TriggerSpec {
  /** Names the trigger in `triggers.csv` and reports; unique among triggers. */
  id: string;
  /** The tier to reach. */
  reaches: TierName;
  /**
   * What the receiving system should do; free-form apart from `type`. Never performed by the
   * engine.
   */
  action?: { type: string; [key: string]: unknown };
}

/** What a person writes in JSON: every field but `format` may be left out. */
export interface ScoringConfigSpec {
  /** Always `"scorebench.config/v1"`. */
  format: typeof CONFIG_FORMAT;
  /** A name for people. @default "Untitled scoring" */
  name?: string;
  /** How far back events count and how fast they fade. @default a 90-day look-back without decay */
  window?: WindowSpec;
  /** Points per matching event. @default [] */
  rules?: EventRuleSpec[];
  /** Points per contact attribute. @default [] */
  attributes?: AttributeRuleSpec[];
  /** Score cuts of the tiers. @default high 60, medium 25 */
  tiers?: TiersSpec;
  /** Which contacts are scored. @default every contact */
  audience?: AudienceSpec;
  /** What to do with verified contacts. @default a verification table only flags */
  verification?: VerificationSpec;
  /** Firings on tier rises. @default [] */
  triggers?: TriggerSpec[];
  /** Where the config came from; kept as written, never read by the engine. @default {} */
  provenance?: Record<string, unknown>;
}

/** A scope after resolution: `{kind: "global"}`, `{kind: "stage"}` or `{kind: "tag", tag}`. */
export type Scope =
  | { kind: "global" }
  | { kind: "stage" }
  | { kind: "tag"; tag: string };

/** An event rule with every default filled in. */
export interface EventRule {
  /** As in `EventRuleSpec.id`. */
  id: string;
  /** The event type matched. */
  on: string;
  /** Column name to predicate, `{}` for every event of the type. */
  where: Record<string, Predicate>;
  /** Points per kept match before decay. */
  points: number;
  /** `Infinity` when unlimited. */
  maxPerDay: number;
  /** `Infinity` when unlimited. */
  maxCount: number;
  /** Sums the rule adds to, `[{kind: "global"}]` when the spec left them out. */
  scopes: Scope[];
  /** `""` when the spec left it out. */
  description: string;
}

/** An attribute rule with every default filled in. */
export interface AttributeRule {
  /** As in `AttributeRuleSpec.id`. */
  id: string;
  /** The contact column tested. */
  field: string;
  /** The condition on that column. */
  where: Predicate;
  /** Points added once. */
  points: number;
  /** `""` when the spec left it out. */
  description: string;
}

/** The `touched` period resolved: instants (epoch ms, UTC), `to` inclusive. */
export interface Touched {
  /** The first instant covered. */
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
  /** The `touched` period as instants. */
  touched?: Touched;
}

/** The config as the engine runs it: no optional fields but `audience` and `verification`. */
export interface ScoringConfig {
  /** Always `"scorebench.config/v1"`. */
  format: typeof CONFIG_FORMAT;
  /** The spec's name, or `"Untitled scoring"`. */
  name: string;
  /** Look-back in days, and the half-life in days or `null` for no decay. */
  window: { lookbackDays: number; halfLifeDays: number | null };
  /** Event rules in config order. */
  rules: EventRule[];
  /** Attribute rules in config order. */
  attributes: AttributeRule[];
  /** Tier cuts, 60/25 when the spec left them out. */
  tiers: TiersSpec;
  /** `null` when every contact is scored. */
  audience: Audience | null;
  /** `null` without a `verification` section (a verification table then only flags). */
  verification: { mode: VerificationMode; factor: number } | null;
  /** Triggers in config order. */
  triggers: TriggerSpec[];
  /** As written, `{}` when left out. */
  provenance: Record<string, unknown>;
}

/** Defaults applied by `toScoringConfig` where the spec leaves a field out. */
export const DEFAULTS = {
  name: "Untitled scoring",
  lookbackDays: 90,
  tiers: { high: 60, medium: 25 } as TiersSpec,
  demoteFactor: 0.5,
} as const;
