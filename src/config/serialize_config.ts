/** Config -> JSON text with a stable key order, as the workbench exports it. */
import type {
  AttributeRuleSpec,
  Audience,
  AudienceSpec,
  EventRuleSpec,
  Scope,
  ScopeSpec,
  ScoringConfig,
  ScoringConfigSpec,
  Touched,
  TouchedSpec,
} from "./types.ts";

function isResolvedScope(s: Scope | ScopeSpec): s is Scope {
  return typeof s === "object" && "kind" in s;
}

function scopeSpec(s: Scope | ScopeSpec): ScopeSpec {
  if (!isResolvedScope(s)) return s;
  return s.kind === "tag" ? { tag: s.tag } : s.kind;
}

function audienceSpec(a: AudienceSpec | Audience): AudienceSpec {
  const { touched, ...rest } = structuredClone(a);
  const out: AudienceSpec = rest;
  if (touched) {
    const t = touched as TouchedSpec | Touched;
    if ("written" in t) {
      out.touched = { ...t.written };
      if (t.types) out.touched.types = [...t.types];
    } else out.touched = t;
  }
  return out;
}

/**
 * Turns a spec, or a resolved config, back into a minimal spec: defaults and `Infinity`
 * limits are left out so the file reads as a person would write it.
 */
export function toConfigSpec(config: ScoringConfigSpec | ScoringConfig): ScoringConfigSpec {
  const out: ScoringConfigSpec = { format: config.format };
  if (config.name !== undefined) out.name = config.name;
  if (config.window) {
    out.window = { lookbackDays: config.window.lookbackDays };
    const h = config.window.halfLifeDays;
    if (h !== undefined && h !== null) out.window.halfLifeDays = h;
  }
  if (config.rules) {
    out.rules = config.rules.map((r) => {
      const rule = { id: r.id, on: r.on } as EventRuleSpec;
      if (r.where && Object.keys(r.where).length > 0) rule.where = structuredClone(r.where);
      rule.points = r.points;
      if (r.maxPerDay !== undefined && Number.isFinite(r.maxPerDay)) rule.maxPerDay = r.maxPerDay;
      if (r.maxCount !== undefined && Number.isFinite(r.maxCount)) rule.maxCount = r.maxCount;
      const scopes = (r.scopes as (Scope | ScopeSpec)[] | undefined)?.map(scopeSpec);
      if (scopes && !(scopes.length === 1 && scopes[0] === "global")) rule.scopes = scopes;
      if (r.description) rule.description = r.description;
      return rule;
    });
  }
  if (config.attributes) {
    out.attributes = config.attributes.map((a) => {
      const attr: AttributeRuleSpec = {
        id: a.id,
        field: a.field,
        where: structuredClone(a.where),
        points: a.points,
      };
      if (a.description) attr.description = a.description;
      return attr;
    });
  }
  if (config.tiers) out.tiers = { high: config.tiers.high, medium: config.tiers.medium };
  if (config.audience) out.audience = audienceSpec(config.audience);
  if (config.verification) {
    out.verification = { mode: config.verification.mode };
    if (config.verification.factor !== undefined) {
      out.verification.factor = config.verification.factor;
    }
  }
  if (config.triggers && config.triggers.length > 0) {
    out.triggers = structuredClone(config.triggers);
  }
  if (config.provenance) {
    out.provenance = structuredClone(config.provenance);
  }
  return out;
}

/**
 * JSON text of a config (spec or resolved), two-space indented with a final newline,
 * keys in the order of `docs/config.md`; reads back through `parseConfig` unchanged.
 */
export function serializeConfig(config: ScoringConfigSpec | ScoringConfig): string {
  return JSON.stringify(toConfigSpec(config), null, 2) + "\n";
}
