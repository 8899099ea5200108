/** A resolved config prepared for the hot loop: rules by event type, predicates compiled. */
import type { ScoringConfig } from "../config/types.ts";
import type { ContactRow, EventRow, VerificationRow } from "../tables/mod.ts";
import {
  type CompiledPredicate,
  compilePredicate,
  type PredicateValue,
} from "./match_predicate.ts";
import { canGenerate } from "../_can_generate.ts";
import {
  compileEventMatcher,
  compileTypeMatchers,
  MAX_RULES,
  type TypeMatcher,
} from "./_type_matcher.ts";
import { emailKey, phoneKey } from "./verification_keys.ts";
import { DAY_MS, splitList } from "../tables/mod.ts";
export { DAY_MS } from "../tables/mod.ts";

export interface CompiledRule {
  index: number;
  id: string;
  points: number;
  maxPerDay: number;
  maxCount: number;
  global: boolean;
  stage: boolean;
  /** Bucket names of the rule's tag scopes (`tag:X`). */
  tagKeys: string[];
}

export interface CompiledAudience {
  gender: Set<string> | null;
  age: [number, number] | null;
  interests: Set<string> | null;
  stage: Set<string> | null;
  touched: { from: number; to: number; types: Set<string> | null } | null;
}

export interface Compiled {
  config: ScoringConfig;
  rules: CompiledRule[];
  byType: Map<string, CompiledRule[]>;
  /** Per event type, matchers returning a bit mask of the rules that hold. */
  matchers: Map<string, TypeMatcher<CompiledRule>[]>;
  /**
   * Where code may be generated and the config has at most 31 event rules, one function
   * for every type: bit `i` of `matchAll(e, e.type)` is rule `i`; else `null`.
   */
  matchAll: ((event: EventRow, type: string) => number) | null;
  hasEventRules: boolean;
  anyStageScope: boolean;
  lookbackMs: number;
  halfLifeMs: number | null;
  attributes: {
    index: number;
    id: string;
    field: string;
    points: number;
    test: CompiledPredicate;
  }[];
  audience: CompiledAudience | null;
}

export function compileConfig(
  config: ScoringConfig,
  matcherOptions: { generated?: boolean } = {},
): Compiled {
  if (config.rules.length > 65_535) {
    throw new RangeError(`Cannot score with ${config.rules.length} event rules: at most 65535`);
  }
  const rules: CompiledRule[] = config.rules.map((r, index) => ({
    index,
    id: r.id,
    points: r.points,
    maxPerDay: r.maxPerDay,
    maxCount: r.maxCount,
    global: r.scopes.some((s) => s.kind === "global"),
    stage: r.scopes.some((s) => s.kind === "stage"),
    tagKeys: r.scopes.flatMap((s) => s.kind === "tag" ? [`tag:${s.tag}`] : []),
  }));
  const byType = new Map<string, CompiledRule[]>();
  for (const r of rules) {
    const on = config.rules[r.index].on;
    const list = byType.get(on);
    if (list) list.push(r);
    else byType.set(on, [r]);
  }
  const a = config.audience;
  let audience: CompiledAudience | null = null;
  if (a) {
    audience = {
      gender: a.gender ? new Set(a.gender) : null,
      age: a.age ? [a.age[0], a.age[1]] : null,
      interests: a.interests ? new Set(a.interests) : null,
      stage: a.stage ? new Set(a.stage) : null,
      touched: a.touched
        ? {
          from: a.touched.from,
          to: a.touched.to,
          types: a.touched.types ? new Set(a.touched.types) : null,
        }
        : null,
    };
  }
  const h = config.window.halfLifeDays;
  const generated = matcherOptions.generated ?? canGenerate();
  return {
    config,
    rules,
    byType,
    matchers: new Map(
      [...byType].map(([type, list]) => [
        type,
        compileTypeMatchers(list, list.map((r) => config.rules[r.index].where), {
          ...matcherOptions,
          indexOf: (r) => r.index,
        }),
      ]),
    ),
    matchAll: generated && rules.length <= MAX_RULES
      ? compileEventMatcher(
        [...byType].map(([type, list]) => [
          type,
          list.map((r) => ({ index: r.index, where: config.rules[r.index].where })),
        ]),
      )
      : null,
    hasEventRules: rules.length > 0,
    anyStageScope: rules.some((r) => r.stage),
    lookbackMs: config.window.lookbackDays * DAY_MS,
    halfLifeMs: h === null ? null : h * DAY_MS,
    attributes: config.attributes.map((r, i) => ({
      index: rules.length + i,
      id: r.id,
      field: r.field,
      points: r.points,
      test: compilePredicate(r.where),
    })),
    audience,
  };
}

function listOf(v: unknown): string[] | null {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === "string") return splitList(v);
  return null;
}

/** Audience checks that need only the contact's own columns (not its events). */
export function passesStaticAudience(aud: CompiledAudience, row: ContactRow | null): boolean {
  if (aud.gender && !(typeof row?.gender === "string" && aud.gender.has(row.gender))) return false;
  if (aud.age) {
    const raw: unknown = row?.age;
    const age = typeof raw === "number"
      ? raw
      : typeof raw === "string" && raw.trim() !== ""
      ? Number(raw)
      : NaN;
    if (Number.isNaN(age) || age < aud.age[0] || age > aud.age[1]) return false;
  }
  if (aud.interests) {
    const list = listOf(row?.interests);
    if (!list || !list.some((x) => aud.interests!.has(x))) return false;
  }
  if (aud.stage && !(typeof row?.stage === "string" && aud.stage.has(row.stage))) return false;
  return true;
}

/** Global points and per-rule contributions of the attribute rules a contact meets. */
export function attributeMatches(
  c: Compiled,
  row: ContactRow | null,
): { index: number; points: number }[] {
  const out: { index: number; points: number }[] = [];
  if (!row) {
    for (const a of c.attributes) {
      if (a.test(undefined)) out.push({ index: a.index, points: a.points });
    }
    return out;
  }
  for (const a of c.attributes) {
    if (a.test(row[a.field] as PredicateValue)) out.push({ index: a.index, points: a.points });
  }
  return out;
}

/** Matches contacts to the verification table by id, normalised phone or e-mail. */
export class VerificationIndex {
  ids = new Set<string>();
  phones = new Set<string>();
  emails = new Set<string>();

  constructor(rows: Iterable<VerificationRow>) {
    for (const r of rows) {
      if (r.contact_id !== null && r.contact_id !== undefined && r.contact_id !== "") {
        this.ids.add(String(r.contact_id));
      }
      const p = phoneKey(r.phone);
      if (p) this.phones.add(p);
      const e = emailKey(r.email);
      if (e) this.emails.add(e);
    }
  }

  has(id: string, row: ContactRow | null): boolean {
    if (this.ids.has(id)) return true;
    if (!row) return false;
    const p = phoneKey(row.phone);
    if (p && this.phones.has(p)) return true;
    const e = emailKey(row.email);
    return e !== null && this.emails.has(e);
  }
}

/** Whether an event can be placed in time and attached to a contact (kept small to inline). */
export function isUsableEvent(e: EventRow): boolean {
  const id = e.contact_id, ts = e.ts;
  return typeof id === "string" && id !== "" && typeof ts === "number" && ts - ts === 0 &&
    typeof e.type === "string";
}

/** Throws the error that names what is wrong with an event `isUsableEvent` refused. */
export function refuseEvent(e: EventRow, position: number): never {
  if (typeof e.contact_id !== "string" || e.contact_id === "") {
    throw new TypeError(
      `Cannot score event #${position}: contact_id must be a non-empty string, got "${e.contact_id}"`,
    );
  }
  if (typeof e.ts !== "number" || !Number.isFinite(e.ts)) {
    throw new TypeError(
      `Cannot score event #${position} of contact "${e.contact_id}": ts must be epoch milliseconds, got "${e.ts}"`,
    );
  }
  throw new TypeError(
    `Cannot score event #${position} of contact "${e.contact_id}": type must be a string, got "${e.type}"`,
  );
}

/** Refuses an event the engine cannot place in time or attach to a contact. */
export function checkEvent(e: EventRow, position: number): void {
  if (!isUsableEvent(e)) refuseEvent(e, position);
}
