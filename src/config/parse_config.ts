/**
 * Checks a config read from JSON against `scorebench.config/v1` and resolves it. Every
 * problem is collected before refusing, so the error lists all of them by JSON path.
 */
import { ConfigError, type ConfigProblem } from "./config_error.ts";
import { parseIsoDate, parseIsoDateEnd } from "../tables/mod.ts";
import {
  type Audience,
  type AudienceSpec,
  CONFIG_FORMAT,
  DEFAULTS,
  type Predicate,
  type Scope,
  type ScopeSpec,
  type ScoringConfig,
  type ScoringConfigSpec,
} from "./types.ts";
import { compilePredicate } from "../engine/match_predicate.ts";

/** Deepest nesting of arrays and objects a config may have (a real one needs under 10). */
export const MAX_CONFIG_DEPTH = 64;
/** Most values (every array element and object member, nested ones included) in a config. */
export const MAX_CONFIG_VALUES = 2_000_000;

// C0 and C1 control characters and DEL: invisible in a terminal, cut SQL at NUL, and a
// carriage return or a line feed would split a CSV line of scores or triggers.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** What `parseConfig` may check the config against. */
export interface ParseConfigOptions {
  /**
   * Event types the data has. When given, a rule whose `on` names another type is
   * reported as a warning that lists these types.
   * @default undefined (no check)
   */
  eventTypes?: Iterable<string>;
  /** File name used in the error message. @default undefined */
  file?: string;
}

/** A config that passed the checks, with the warnings it raised. */
export interface ParsedConfig {
  /** The config with every default filled in. */
  config: ScoringConfig;
  /** Problems that do not refuse the config (an event type the data lacks). */
  warnings: string[];
}

/** Predicate operators (`docs/config.md`), in the order the error messages list them. */
export const PREDICATE_OPERATORS = [
  "eq",
  "neq",
  "in",
  "notIn",
  "prefix",
  "contains",
  "glob",
  "gt",
  "gte",
  "lt",
  "lte",
  "between",
  "exists",
] as const;

const TIER_NAMES = ["high", "medium", "low"];
const VERIFICATION_MODES = ["exclude", "demote", "flag"];

type Json = unknown;

function isObject(x: Json): x is Record<string, Json> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function describe(x: Json): string {
  if (x === null) return "null";
  if (x === undefined) return "undefined";
  if (Array.isArray(x)) return "an array";
  if (typeof x === "string") return `string ${JSON.stringify(x)}`;
  if (typeof x === "number") return `number ${x}`;
  if (typeof x === "object") return "an object";
  return `${typeof x} ${String(x)}`;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Appends a key to a JSON path the way a person would write it in JavaScript. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  if (IDENT.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

/** `YYYY-MM-DD` or an ISO 8601 instant; returns epoch ms or `null` when not a real date. */
export const parseConfigDate: (text: string) => number | null = parseIsoDate;

class Checker {
  problems: ConfigProblem[] = [];

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  keys(obj: Record<string, Json>, path: string, allowed: readonly string[]): void {
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k)) {
        this.add(joinPath(path, k), `unknown key; expected one of ${allowed.join(", ")}`);
      }
    }
  }

  object(x: Json, path: string): x is Record<string, Json> {
    if (isObject(x)) return true;
    this.add(path, `expected object, got ${describe(x)}`);
    return false;
  }

  string(x: Json, path: string, { nonEmpty = false } = {}): x is string {
    if (typeof x !== "string") {
      this.add(path, `expected string, got ${describe(x)}`);
      return false;
    }
    if (nonEmpty && x.trim() === "") {
      this.add(path, "expected a non-empty string");
      return false;
    }
    return true;
  }

  /** A name that reaches outputs and SQL (an id, an event type, a column): no control characters. */
  name(x: Json, path: string): x is string {
    if (!this.string(x, path, { nonEmpty: true })) return false;
    const m = CONTROL.exec(x);
    if (m) {
      this.add(
        path,
        `contains the control character U+${
          m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")
        } at position ${m.index}; names may not contain control characters`,
      );
      return false;
    }
    return true;
  }

  number(x: Json, path: string): x is number {
    if (typeof x !== "number" || !Number.isFinite(x)) {
      this.add(path, `expected number, got ${describe(x)}`);
      return false;
    }
    return true;
  }

  positiveInteger(x: Json, path: string): void {
    if (typeof x !== "number" || !Number.isInteger(x) || x < 1) {
      this.add(path, `expected an integer >= 1, got ${describe(x)}`);
    }
  }

  scalar(x: Json, path: string): boolean {
    if (typeof x === "string" || typeof x === "boolean") return true;
    if (typeof x === "number" && Number.isFinite(x)) return true;
    this.add(path, `expected string, number or boolean, got ${describe(x)}`);
    return false;
  }

  stringArray(x: Json, path: string): x is string[] {
    if (!Array.isArray(x)) {
      this.add(path, `expected array of strings, got ${describe(x)}`);
      return false;
    }
    let ok = true;
    x.forEach((v, i) => {
      ok = this.string(v, joinPath(path, i)) && ok;
    });
    return ok;
  }

  predicate(x: Json, path: string): void {
    if (!this.object(x, path)) return;
    const keys = Object.keys(x);
    if (keys.length === 0) {
      this.add(path, `expected at least one operator (${PREDICATE_OPERATORS.join(", ")})`);
      return;
    }
    const before = this.problems.length;
    this.operators(x, path, keys);
    if (this.problems.length > before) return;
    // What passes here is what the engine runs: one check for both.
    try {
      compilePredicate(x as Predicate);
    } catch (err) {
      this.add(path, `the engine cannot run this predicate: ${(err as Error).message}`);
    }
  }

  operators(x: Record<string, Json>, path: string, keys: string[]): void {
    for (const op of keys) {
      const p = joinPath(path, op);
      const v = x[op];
      switch (op) {
        case "eq":
        case "neq":
          this.scalar(v, p);
          break;
        case "in":
        case "notIn":
          if (!Array.isArray(v)) this.add(p, `expected array, got ${describe(v)}`);
          else v.forEach((e, i) => this.scalar(e, joinPath(p, i)));
          break;
        case "prefix":
        case "contains":
        case "glob":
          this.string(v, p);
          break;
        case "gt":
        case "gte":
        case "lt":
        case "lte":
          if (typeof v !== "string" && (typeof v !== "number" || !Number.isFinite(v))) {
            this.add(p, `expected number or string, got ${describe(v)}`);
          }
          break;
        case "between":
          this.between(v, p);
          break;
        case "exists":
          if (typeof v !== "boolean") this.add(p, `expected boolean, got ${describe(v)}`);
          break;
        default:
          this.add(p, `unknown operator; expected one of ${PREDICATE_OPERATORS.join(", ")}`);
      }
    }
  }

  between(v: Json, p: string): void {
    if (!Array.isArray(v) || v.length !== 2) {
      this.add(p, `expected a pair [low, high], got ${describe(v)}`);
      return;
    }
    const [lo, hi] = v;
    const bothNumbers = typeof lo === "number" && typeof hi === "number" &&
      Number.isFinite(lo) && Number.isFinite(hi);
    const bothStrings = typeof lo === "string" && typeof hi === "string";
    if (!bothNumbers && !bothStrings) {
      this.add(p, `expected two numbers or two strings, got [${describe(lo)}, ${describe(hi)}]`);
    } else if (lo > hi) {
      this.add(p, `low ${JSON.stringify(lo)} is above high ${JSON.stringify(hi)}`);
    }
  }

  scopes(x: Json, path: string): void {
    if (!Array.isArray(x)) {
      this.add(path, `expected array, got ${describe(x)}`);
      return;
    }
    if (x.length === 0) this.add(path, "expected at least one scope");
    const seen = new Set<string>();
    x.forEach((s, i) => {
      const p = joinPath(path, i);
      let key: string | null = null;
      if (s === "global" || s === "stage") key = s;
      else if (isObject(s)) {
        this.keys(s, p, ["tag"]);
        if (this.name(s.tag, joinPath(p, "tag"))) key = `tag:${s.tag}`;
      } else this.add(p, `expected "global", "stage" or {"tag": "..."}, got ${describe(s)}`);
      if (key !== null) {
        if (seen.has(key)) this.add(p, `duplicate scope ${JSON.stringify(s)}`);
        seen.add(key);
      }
    });
  }

  date(x: Json, path: string): number | null {
    if (!this.string(x, path)) return null;
    const t = parseConfigDate(x);
    if (t === null) {
      this.add(path, `expected a date "YYYY-MM-DD" or an ISO 8601 instant, got ${describe(x)}`);
    }
    return t;
  }
}

function withoutUndefined(x: Json): Json {
  if (Array.isArray(x)) return x.map(withoutUndefined);
  if (!isObject(x)) return x;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(x)) if (v !== undefined) out[k] = withoutUndefined(v);
  return out;
}

/** The first value past `MAX_CONFIG_DEPTH` (by path), or too many values; null when within bounds. */
function checkBounds(input: unknown): ConfigProblem | null {
  const stack: [unknown, string, number][] = [[input, "", 0]];
  let values = 0;
  while (stack.length) {
    const [x, path, depth] = stack.pop()!;
    if (typeof x !== "object" || x === null) continue;
    if (depth >= MAX_CONFIG_DEPTH) {
      return {
        path,
        message: `nested over ${MAX_CONFIG_DEPTH} levels deep; a config needs far fewer`,
      };
    }
    const entries: [string | number, unknown][] = Array.isArray(x)
      ? x.map((v, i) => [i, v])
      : Object.entries(x);
    values += entries.length;
    if (values > MAX_CONFIG_VALUES) {
      return { path, message: `over ${MAX_CONFIG_VALUES} values; a config needs far fewer` };
    }
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, v] = entries[i];
      if (typeof v === "object" && v !== null) stack.push([v, joinPath(path, k), depth + 1]);
    }
  }
  return null;
}

const ROOT_KEYS = [
  "format",
  "name",
  "window",
  "rules",
  "attributes",
  "tiers",
  "audience",
  "verification",
  "triggers",
  "provenance",
] as const;
const RULE_KEYS = ["id", "on", "where", "points", "maxPerDay", "maxCount", "scopes", "description"];
const ATTRIBUTE_KEYS = ["id", "field", "where", "points", "description"];

/**
 * Lists every problem of `json` as a `scorebench.config/v1` config; an empty list means
 * it is valid.
 */
export function checkConfig(input: unknown): ConfigProblem[] {
  // Bounds first, without recursion: a value nested 10,000 deep must give its path, not
  // overflow the stack of the checks below.
  const bounds = checkBounds(input);
  if (bounds) return [bounds];
  // A key set to `undefined` (a spec built in code) is the same as a key left out.
  const json = withoutUndefined(input);
  const c = new Checker();
  if (!c.object(json, "")) return c.problems;
  c.keys(json, "", ROOT_KEYS);

  if (!("format" in json)) c.add("format", `missing; expected "${CONFIG_FORMAT}"`);
  else if (json.format !== CONFIG_FORMAT) {
    c.add("format", `expected "${CONFIG_FORMAT}", got ${describe(json.format)}`);
  }
  if ("name" in json) c.string(json.name, "name");

  if ("window" in json && c.object(json.window, "window")) {
    const w = json.window;
    c.keys(w, "window", ["lookbackDays", "halfLifeDays"]);
    if (!("lookbackDays" in w)) c.add("window.lookbackDays", "missing; expected a number > 0");
    else if (c.number(w.lookbackDays, "window.lookbackDays") && w.lookbackDays <= 0) {
      c.add("window.lookbackDays", `expected a number > 0, got ${w.lookbackDays}`);
    }
    if ("halfLifeDays" in w && c.number(w.halfLifeDays, "window.halfLifeDays")) {
      if (w.halfLifeDays <= 0) {
        c.add("window.halfLifeDays", `expected a number > 0, got ${w.halfLifeDays}`);
      }
    }
  }

  const ids = new Map<string, string>();
  const checkId = (x: Json, path: string) => {
    if (!c.name(x, path)) return;
    const first = ids.get(x);
    if (first !== undefined) c.add(path, `duplicate rule id "${x}" (first used at ${first})`);
    else ids.set(x, path);
  };

  if ("rules" in json) {
    if (!Array.isArray(json.rules)) c.add("rules", `expected array, got ${describe(json.rules)}`);
    else {
      json.rules.forEach((r, i) => {
        const p = joinPath("rules", i);
        if (!c.object(r, p)) return;
        c.keys(r, p, RULE_KEYS);
        for (const req of ["id", "on", "points"]) {
          if (!(req in r)) c.add(joinPath(p, req), "missing");
        }
        if ("id" in r) checkId(r.id, joinPath(p, "id"));
        if ("on" in r) c.name(r.on, joinPath(p, "on"));
        if ("points" in r) c.number(r.points, joinPath(p, "points"));
        if ("where" in r && c.object(r.where, joinPath(p, "where"))) {
          for (const [col, pred] of Object.entries(r.where)) {
            const cp = joinPath(joinPath(p, "where"), col);
            if (c.name(col, cp)) c.predicate(pred, cp);
          }
        }
        if ("maxPerDay" in r) c.positiveInteger(r.maxPerDay, joinPath(p, "maxPerDay"));
        if ("maxCount" in r) c.positiveInteger(r.maxCount, joinPath(p, "maxCount"));
        if ("scopes" in r) c.scopes(r.scopes, joinPath(p, "scopes"));
        if ("description" in r) c.string(r.description, joinPath(p, "description"));
      });
    }
  }

  if ("attributes" in json) {
    if (!Array.isArray(json.attributes)) {
      c.add("attributes", `expected array, got ${describe(json.attributes)}`);
    } else {
      json.attributes.forEach((r, i) => {
        const p = joinPath("attributes", i);
        if (!c.object(r, p)) return;
        c.keys(r, p, ATTRIBUTE_KEYS);
        for (const req of ["id", "field", "where", "points"]) {
          if (!(req in r)) c.add(joinPath(p, req), "missing");
        }
        if ("id" in r) checkId(r.id, joinPath(p, "id"));
        if ("field" in r) c.name(r.field, joinPath(p, "field"));
        if ("where" in r) c.predicate(r.where, joinPath(p, "where"));
        if ("points" in r) c.number(r.points, joinPath(p, "points"));
        if ("description" in r) c.string(r.description, joinPath(p, "description"));
      });
    }
  }

  if ("tiers" in json && c.object(json.tiers, "tiers")) {
    const t = json.tiers;
    c.keys(t, "tiers", ["high", "medium"]);
    const okHigh = "high" in t
      ? c.number(t.high, "tiers.high")
      : (c.add("tiers.high", "missing"), false);
    const okMedium = "medium" in t
      ? c.number(t.medium, "tiers.medium")
      : (c.add("tiers.medium", "missing"), false);
    if (okHigh && okMedium && (t.medium as number) > (t.high as number)) {
      c.add("tiers.medium", `${t.medium} is above tiers.high ${t.high}`);
    }
  }

  if ("audience" in json && c.object(json.audience, "audience")) {
    const a = json.audience;
    c.keys(a, "audience", ["gender", "age", "interests", "stage", "touched"]);
    if ("gender" in a) c.stringArray(a.gender, "audience.gender");
    if ("interests" in a) c.stringArray(a.interests, "audience.interests");
    if ("stage" in a) c.stringArray(a.stage, "audience.stage");
    if ("age" in a) {
      const age = a.age;
      if (
        !Array.isArray(age) || age.length !== 2 ||
        !age.every((v) => typeof v === "number" && Number.isFinite(v))
      ) {
        c.add("audience.age", `expected a pair of numbers [from, to], got ${describe(age)}`);
      } else if (age[0] > age[1]) {
        c.add("audience.age", `from ${age[0]} is above to ${age[1]}`);
      }
    }
    if ("touched" in a && c.object(a.touched, "audience.touched")) {
      const t = a.touched;
      c.keys(t, "audience.touched", ["from", "to", "types"]);
      const from = "from" in t
        ? c.date(t.from, "audience.touched.from")
        : (c.add("audience.touched.from", "missing"), null);
      const to = "to" in t
        ? c.date(t.to, "audience.touched.to")
        : (c.add("audience.touched.to", "missing"), null);
      if (from !== null && to !== null && from > to) {
        c.add(
          "audience.touched.to",
          `${JSON.stringify(t.to)} is before from ${JSON.stringify(t.from)}`,
        );
      }
      if ("types" in t) c.stringArray(t.types, "audience.touched.types");
    }
  }

  if ("verification" in json && c.object(json.verification, "verification")) {
    const v = json.verification;
    c.keys(v, "verification", ["mode", "factor"]);
    if (!("mode" in v)) {
      c.add("verification.mode", `missing; expected one of ${VERIFICATION_MODES.join(", ")}`);
    } else if (typeof v.mode !== "string" || !VERIFICATION_MODES.includes(v.mode)) {
      c.add(
        "verification.mode",
        `expected one of ${VERIFICATION_MODES.join(", ")}, got ${describe(v.mode)}`,
      );
    }
    if ("factor" in v && c.number(v.factor, "verification.factor")) {
      if (v.factor < 0 || v.factor > 1) {
        c.add("verification.factor", `expected a number in 0..1, got ${v.factor}`);
      }
    }
  }

  if ("triggers" in json) {
    if (!Array.isArray(json.triggers)) {
      c.add("triggers", `expected array, got ${describe(json.triggers)}`);
    } else {
      const triggerIds = new Map<string, string>();
      json.triggers.forEach((t, i) => {
        const p = joinPath("triggers", i);
        if (!c.object(t, p)) return;
        c.keys(t, p, ["id", "reaches", "action"]);
        if (!("id" in t)) c.add(joinPath(p, "id"), "missing");
        else if (c.name(t.id, joinPath(p, "id"))) {
          const first = triggerIds.get(t.id);
          if (first !== undefined) {
            c.add(joinPath(p, "id"), `duplicate trigger id "${t.id}" (first used at ${first})`);
          } else triggerIds.set(t.id, joinPath(p, "id"));
        }
        if (!("reaches" in t)) c.add(joinPath(p, "reaches"), "missing");
        else if (typeof t.reaches !== "string" || !TIER_NAMES.includes(t.reaches)) {
          c.add(
            joinPath(p, "reaches"),
            `expected one of ${TIER_NAMES.join(", ")}, got ${describe(t.reaches)}`,
          );
        }
        if ("action" in t && c.object(t.action, joinPath(p, "action"))) {
          const ap = joinPath(joinPath(p, "action"), "type");
          if (!("type" in t.action)) c.add(ap, "missing");
          else c.name(t.action.type, ap);
        }
      });
    }
  }

  if ("provenance" in json) c.object(json.provenance, "provenance");
  return c.problems;
}

/**
 * Checks `json` as a `scorebench.config/v1` config and resolves it with every default
 * filled in. Throws `ConfigError` listing every problem by JSON path; warns (without
 * refusing) about rules on event types the data does not have.
 */
export function parseConfig(json: unknown, options: ParseConfigOptions = {}): ParsedConfig {
  const { eventTypes, file } = options;
  const problems = checkConfig(json);
  if (problems.length > 0) throw new ConfigError(problems, file ?? null);
  const config = resolveConfig(json as ScoringConfigSpec);
  const warnings = eventTypes === undefined ? [] : unknownEventTypeWarnings(config, eventTypes);
  return { config, warnings };
}

/**
 * Warnings for rules whose `on` names an event type the data does not have (such a rule
 * matches nothing), each listing the types the data does have.
 */
export function unknownEventTypeWarnings(
  config: ScoringConfig,
  eventTypes: Iterable<string>,
): string[] {
  const known = new Set(eventTypes);
  const listed = [...known].sort();
  const warnings: string[] = [];
  config.rules.forEach((r, i) => {
    if (!known.has(r.on)) {
      warnings.push(
        `rules[${i}].on: event type "${r.on}" is not in the data, so rule "${r.id}" matches nothing (the data has: ${
          listed.length ? listed.join(", ") : "no events"
        })`,
      );
    }
  });
  return warnings;
}

function toScope(s: ScopeSpec): Scope {
  if (s === "global") return { kind: "global" };
  if (s === "stage") return { kind: "stage" };
  return { kind: "tag", tag: s.tag };
}

/** Deep copy of plain JSON data, so the resolved config never aliases the caller's spec. */
function copy<T>(x: T): T {
  return structuredClone(x);
}

/** Resolves a spec already known to be valid (see `toScoringConfig`). */
export function resolveConfig(spec: ScoringConfigSpec): ScoringConfig {
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
    audience: spec.audience ? resolveAudience(spec.audience) : null,
    verification: spec.verification
      ? { mode: spec.verification.mode, factor: spec.verification.factor ?? DEFAULTS.demoteFactor }
      : null,
    triggers: copy(spec.triggers ?? []),
    provenance: copy(spec.provenance ?? {}),
  };
}

/** The audience with its `touched` period as instants: a bare `to` date covers its day. */
function resolveAudience(spec: AudienceSpec): Audience {
  const { touched, ...rest } = copy(spec);
  const out: Audience = rest;
  if (touched) {
    out.touched = {
      from: parseIsoDate(touched.from)!,
      to: parseIsoDateEnd(touched.to)!,
      types: touched.types ?? null,
      written: { from: touched.from, to: touched.to },
    };
  }
  return out;
}
