/**
 * Rule scopes as a page edits them: per event rule, whether it adds to the global score, to a
 * sum per deal stage, and to which tag sums. Checked by the config parser, as a config file is.
 */
import type { ScopeSpec, ScoringConfigSpec } from "../config/types.ts";
import { ConfigError, parseConfig } from "../config/mod.ts";
import { splitList } from "../tables/mod.ts";
import { applyChange } from "./config_versions.ts";

/** One rule's scopes as form fields. */
export interface ScopeDraft {
  global: boolean;
  stage: boolean;
  /** Tag names as typed: `loans, deposits` or `loans; deposits`. */
  tags: string;
}

/** The form fields of every event rule of `spec`, by rule id. */
export function scopeDraftOf(spec: ScoringConfigSpec): Record<string, ScopeDraft> {
  return Object.fromEntries((spec.rules ?? []).map((r) => {
    const scopes = r.scopes ?? ["global"];
    return [r.id, {
      global: scopes.includes("global"),
      stage: scopes.includes("stage"),
      tags: scopes.flatMap((s) => (typeof s === "object" ? [s.tag] : [])).join(", "),
    }];
  }));
}

/**
 * The scopes of `drafts` for `spec`'s rules, and the config parser's problems with the config
 * they would make (each naming its JSON path, e.g. `rules[2].scopes: …`). A rule left with no
 * scope at all is a problem too: it would score nothing.
 */
export function scopesFromDraft(
  spec: ScoringConfigSpec,
  drafts: Record<string, ScopeDraft>,
): { scopes: Record<string, ScopeSpec[]>; problems: string[] } {
  const scopes: Record<string, ScopeSpec[]> = {};
  const problems: string[] = [];
  (spec.rules ?? []).forEach((rule, i) => {
    const d = drafts[rule.id];
    if (!d) return;
    const out: ScopeSpec[] = [];
    if (d.global) out.push("global");
    if (d.stage) out.push("stage");
    for (const tag of splitList(d.tags)) out.push({ tag });
    if (!out.length) {
      problems.push(`rules[${i}].scopes: rule "${rule.id}" needs at least one scope`);
    }
    scopes[rule.id] = out;
  });
  if (problems.length) return { scopes, problems };
  try {
    parseConfig(applyChange(spec, { scopes }));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const mine = err.problems.filter((p) => /^rules\[\d+\]\.scopes/.test(p.path ?? ""));
    const shown = mine.length ? mine : err.problems;
    problems.push(...shown.map((p) => `${p.path ? `${p.path}: ` : ""}${p.message}`));
  }
  return { scopes, problems };
}
