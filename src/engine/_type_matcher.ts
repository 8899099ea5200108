/**
 * Matching an event against every rule on its type in one call that returns a bit mask of
 * the rules that hold. In Deno the call is generated code with fixed-name column reads and
 * the common predicates inlined, as the engine runs it on every event; in a browser it
 * loops over compiled closures (same results, checked by the tests).
 */
import type { Predicate } from "../config/types.ts";
import type { EventRow } from "../data/types.ts";
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
const MAX_RULES = 31;

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

function generate<R>(rules: R[], wheres: Record<string, Predicate>[]): TypeMatcher<R> {
  const helpers: CompiledPredicate[] = [];
  const vars = new Map<string, string>();
  const reads: string[] = [];
  const lines: string[] = [];
  wheres.forEach((where, k) => {
    const conds: string[] = [];
    for (const [column, predicate] of Object.entries(where)) {
      let v = vars.get(column);
      if (v === undefined) {
        v = `c${vars.size}`;
        vars.set(column, v);
        reads.push(
          `const ${v} = ${IDENT.test(column) ? `e.${column}` : `e[${JSON.stringify(column)}]`};`,
        );
      }
      helpers.push(compilePredicate(predicate));
      conds.push(condition(v, predicate, `h[${helpers.length - 1}](${v})`));
    }
    lines.push(conds.length ? `if (${conds.join(" && ")}) m |= ${1 << k};` : `m |= ${1 << k};`);
  });
  const src = `"use strict"; return function match(e) { ${reads.join(" ")} let m = 0; ${
    lines.join(" ")
  } return m; };`;
  const match = new Function("h", src)(helpers) as (e: EventRow) => number;
  return { rules, ruleIndex: new Uint16Array(0), match };
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
