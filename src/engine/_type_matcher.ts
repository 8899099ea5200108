/**
 * Matching an event against every rule on its type in one call that returns a bit mask of
 * the rules that hold (with at most 31 rules in all, one call covers every type). In Deno
 * the call is generated code with fixed-name column reads, the common predicates inlined
 * and text-scan results cached per distinct value, as the engine runs it on every event; in
 * a browser it loops over compiled closures (same results, checked by the tests).
 */
import type { Predicate } from "../config/types.ts";
import type { EventRow } from "../tables/mod.ts";
import { canGenerate } from "../_can_generate.ts";
import { type CompiledPredicate, compilePredicate } from "./match_predicate.ts";

/** Up to 31 rules of one event type; bit `k` of `match(e)` is `rules[k]`. */
export interface TypeMatcher<R> {
  rules: R[];
  /** `indexOf(rules[k])` as given by the caller, for the hot loop. */
  ruleIndex: Uint16Array;
  match: (event: EventRow) => number;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Rules one mask can hold (bits 0..30 of a small integer). */
export const MAX_RULES = 31;

function literal(x: string | number): string {
  return typeof x === "string" ? JSON.stringify(x) : String(x);
}

/** A JavaScript condition on variable `v` equivalent to `general(v)` for `predicate`. */
function condition(v: string, predicate: Predicate, g: string): string {
  const ops = Object.keys(predicate);
  if (ops.length !== 1) return g;
  const op = ops[0];
  const x = (predicate as Record<string, unknown>)[op];
  // Text is tested inline (empty text is a missing value); anything else takes `g`.
  const onText = (test: string) => `(typeof ${v} === "string" ? ${v} !== "" && ${test} : ${g})`;
  switch (op) {
    case "eq":
      return typeof x === "string" && x !== "" ? onText(`${v} === ${literal(x)}`) : g;
    case "in":
      if (
        Array.isArray(x) && x.length > 0 && x.length <= 8 && x.every((e) => typeof e === "string")
      ) {
        return onText(`(${x.map((e) => `${v} === ${literal(e)}`).join(" || ")})`);
      }
      return g;
    case "prefix":
      return onText(`${v}.startsWith(${literal(x as string)})`);
    case "contains":
      return onText(`${v}.includes(${literal(x as string)})`);
    case "glob": {
      const glob = x as string;
      const lead = glob.startsWith("*"), trail = glob.length > 1 && glob.endsWith("*");
      const core = glob.slice(lead ? 1 : 0, trail ? -1 : undefined);
      if (/[*?]/.test(core)) return g;
      const c = literal(core);
      if (lead && trail) return onText(`${v}.includes(${c})`);
      if (lead) return onText(`${v}.endsWith(${c})`);
      if (trail) return onText(`${v}.startsWith(${c})`);
      return onText(`${v} === ${c}`);
    }
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      if (typeof x !== "number") return g;
      const sym = { gt: ">", gte: ">=", lt: "<", lte: "<=" }[op];
      return `(typeof ${v} === "number" ? ${v} ${sym} ${literal(x)} : ${g})`;
    }
    default:
      return g;
  }
}

/**
 * Distinct values of one column whose predicate results are kept. Event columns such as
 * `url` repeat a few hundred values over millions of events, so a map lookup replaces
 * several substring searches; the bound keeps memory flat on columns that never repeat.
 */
const CACHE_SIZE = 4096;

/** Whether a predicate is tested by scanning text (worth caching per distinct value). */
function scans(predicate: Predicate, inline: string, g: string): boolean {
  return inline.includes(g) || "prefix" in predicate || "contains" in predicate ||
    "glob" in predicate;
}

/**
 * Statements that return a mask with `bits[k]` set for each of `wheres[k]` that holds on
 * `e`; what they need outside the function goes to `decls` (column caches) and `helpers`
 * (compiled predicates). Columns tested by text scans take their predicate results from a
 * cache keyed by the string value: predicates are pure functions of the value, so a cached
 * mask is exact. A cache whose hit rate falls under a half when it fills stops caching for
 * good (values that never repeat would pay a map insert on every event).
 */
function body(
  wheres: Record<string, Predicate>[],
  bits: number[],
  helpers: CompiledPredicate[],
  decls: string[],
): string {
  const columns = new Map<string, { predicate: Predicate; rule: number }[]>();
  wheres.forEach((where, k) => {
    for (const [column, predicate] of Object.entries(where)) {
      const list = columns.get(column);
      if (list) list.push({ predicate, rule: k });
      else columns.set(column, [{ predicate, rule: k }]);
    }
  });
  const conds: string[][] = wheres.map(() => []);
  const reads: string[] = [];
  for (const [column, list] of columns) {
    const v = `c${decls.length}`;
    decls.push("");
    const slot = decls.length - 1;
    reads.push(
      `const ${v} = ${IDENT.test(column) ? `e.${column}` : `e[${JSON.stringify(column)}]`};`,
    );
    const tests = list.map(({ predicate }) => {
      helpers.push(compilePredicate(predicate));
      const g = `h[${helpers.length - 1}]`;
      return { inline: condition("v", predicate, `${g}(v)`), g, predicate };
    });
    if (!tests.some((t) => scans(t.predicate, t.inline, t.g)) || list.length > MAX_RULES) {
      list.forEach(({ predicate, rule }, j) => {
        conds[rule].push(condition(v, predicate, `${tests[j].g}(${v})`));
      });
      continue;
    }
    // bit j of `u` is whether the column's j-th predicate holds on its value.
    const u = `u${slot}`, map = `k${slot}`, n = `n${slot}`, on = `on${slot}`;
    decls[slot] = `const ${map} = new Map(); let ${n} = 0, ${on} = true; ` +
      `function b${slot}(v) { let u = 0; ${
        tests.map((t, j) => `if (${t.inline}) u |= ${1 << j};`).join(" ")
      } return u; } ` +
      // When the cache fills, keep caching only if at least half the lookups were hits.
      `function miss${slot}(v) { const u = b${slot}(v); if (${map}.size >= ${CACHE_SIZE}) { ` +
      `${on} = ${n} >= ${2 * CACHE_SIZE}; ${map}.clear(); ${n} = 0; } ` +
      `if (${on}) ${map}.set(v, u); return u; }`;
    reads.push(
      `let ${u}; if (typeof ${v} === "string" && ${on}) { ${n}++; ${u} = ${map}.get(${v}); ` +
        `if (${u} === undefined) ${u} = miss${slot}(${v}); } else ${u} = b${slot}(${v});`,
    );
    list.forEach(({ rule }, j) => conds[rule].push(`(${u} & ${1 << j}) !== 0`));
  }
  const lines = conds.map((cs, k) =>
    cs.length ? `if (${cs.join(" && ")}) m |= ${bits[k]};` : `m |= ${bits[k]};`
  );
  return `${reads.join(" ")} let m = 0; ${lines.join(" ")} return m;`;
}

function generate<R>(rules: R[], wheres: Record<string, Predicate>[]): TypeMatcher<R> {
  const helpers: CompiledPredicate[] = [];
  const decls: string[] = [];
  const src = body(wheres, wheres.map((_, k) => 1 << k), helpers, decls);
  const match = new Function(
    "h",
    `"use strict"; ${decls.join(" ")} return function match(e) { ${src} };`,
  )(helpers) as (e: EventRow) => number;
  return { rules, ruleIndex: new Uint16Array(0), match };
}

/**
 * One generated function matching an event of any type against every rule (at most 31 in
 * all): bit `i` of `match(e, e.type)` is rule `i` of the config. A switch on the type
 * replaces a map lookup and a call per type, which the engine would pay on every event.
 */
export function compileEventMatcher(
  byType: Iterable<[string, { index: number; where: Record<string, Predicate> }[]]>,
): (event: EventRow, type: string) => number {
  const helpers: CompiledPredicate[] = [];
  const decls: string[] = [];
  const cases: string[] = [];
  for (const [type, rules] of byType) {
    for (const r of rules) {
      if (r.index >= MAX_RULES) {
        throw new RangeError(
          `Cannot compile one matcher for rule #${r.index}: at most ${MAX_RULES} rules fit a mask`,
        );
      }
    }
    const src = body(rules.map((r) => r.where), rules.map((r) => 1 << r.index), helpers, decls);
    cases.push(`case ${JSON.stringify(type)}: { ${src} }`);
  }
  return new Function(
    "h",
    `"use strict"; ${decls.join(" ")} return function match(e, type) { switch (type) { ${
      cases.join(" ")
    } default: return 0; } };`,
  )(helpers) as (e: EventRow, type: string) => number;
}

function closures<R>(rules: R[], wheres: Record<string, Predicate>[]): TypeMatcher<R> {
  const compiled = wheres.map((w) =>
    Object.entries(w).map(([column, p]) => [column, compilePredicate(p)] as const)
  );
  return {
    rules,
    ruleIndex: new Uint16Array(0),
    match(e) {
      let m = 0;
      for (let k = 0; k < compiled.length; k++) {
        if (compiled[k].every(([column, test]) => test(e[column]))) m |= 1 << k;
      }
      return m;
    },
  };
}

/**
 * Matchers for the rules of one event type, 31 rules each (the bits of a small integer).
 * `generated: false` forces the closure version (tests compare the two).
 */
export function compileTypeMatchers<R>(
  rules: R[],
  wheres: Record<string, Predicate>[],
  { generated = canGenerate(), indexOf = () => 0 }: {
    generated?: boolean;
    indexOf?: (rule: R) => number;
  } = {},
): TypeMatcher<R>[] {
  const out: TypeMatcher<R>[] = [];
  for (let i = 0; i < rules.length; i += MAX_RULES) {
    const r = rules.slice(i, i + MAX_RULES), w = wheres.slice(i, i + MAX_RULES);
    const matcher = generated ? generate(r, w) : closures(r, w);
    matcher.ruleIndex = Uint16Array.from(r, indexOf);
    out.push(matcher);
  }
  return out;
}
