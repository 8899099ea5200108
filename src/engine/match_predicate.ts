/**
 * Predicates of `where` clauses, with the missing-value rule of `docs/rules.md`: a missing value
 * (absent, `null`, `NaN`, empty text or an empty list) fails every operator but
 * `exists: false`, `neq` and `notIn`.
 *
 * Values of different types compare the way a file would be read: a number equals text
 * that spells the same number (`5` and `"5"`), a boolean equals its text (`"true"`).
 * Order operators (`gt`, `between`, ...) compare numerically when the bound is a number
 * (text that is not a number fails) and as text when the bound is text (ISO dates sort).
 * On a list value (a contact's `interests` or `tags`) an operator holds when it holds for
 * some element, and `neq`/`notIn` hold when no element is equal.
 */
import type { Predicate, Scalar } from "../config/types.ts";
import { compileGlob } from "./compile_glob.ts";

export { compileGlob };

/** What a predicate reads: a column of an event or a contact. */
export type PredicateValue = Scalar | null | undefined | readonly Scalar[];

/** A predicate compiled once, then tested against many values. */
export type CompiledPredicate = (value: PredicateValue) => boolean;

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || v === "" ||
    (typeof v === "number" && Number.isNaN(v)) || (Array.isArray(v) && v.length === 0);
}

function numericText(s: string): number {
  return s.trim() === "" ? NaN : Number(s);
}

/** Equality of two present scalars across number/text/boolean as described above. */
export function scalarEquals(v: Scalar, x: Scalar): boolean {
  if (v === x) return true;
  const tv = typeof v, tx = typeof x;
  if (tv === tx) return false;
  if (tv === "number" && tx === "string") return numericText(x as string) === v;
  if (tv === "string" && tx === "number") return numericText(v as string) === x;
  return String(v) === String(x);
}

type ScalarTest = (v: Scalar) => boolean;

/**
 * A glob as a plain string test when its only wildcards are a leading and/or trailing `*`
 * (`*\/pricing*` is "contains /pricing"), which is most of them and several times faster
 * than a regular expression on every event.
 */
function globTest(glob: string): ScalarTest {
  const lead = glob.startsWith("*"), trail = glob.length > 1 && glob.endsWith("*");
  const core = glob.slice(lead ? 1 : 0, trail ? -1 : undefined);
  if (!/[*?]/.test(core)) {
    if (lead && trail) return (v) => text(v).includes(core);
    if (lead) return (v) => text(v).endsWith(core);
    if (trail) return (v) => text(v).startsWith(core);
    return (v) => text(v) === core;
  }
  const test = compileGlob(glob);
  return (v) => test(text(v));
}

function orderTest(bound: number | string, cmp: (d: number) => boolean): ScalarTest {
  if (typeof bound === "number") {
    return (v) => {
      const n = typeof v === "number" ? v : typeof v === "string" ? numericText(v) : NaN;
      return !Number.isNaN(n) && cmp(n - bound);
    };
  }
  return (v) => typeof v === "string" && cmp(v < bound ? -1 : v > bound ? 1 : 0);
}

const text = (v: Scalar): string => typeof v === "string" ? v : String(v);

/**
 * Compiles a predicate once into a function of the value; the engine calls it for every
 * event, so each operator's constants are prepared here.
 */
export function compilePredicate(predicate: Predicate): CompiledPredicate {
  // Positive tests hold on a list when some element holds; negative ones when none is equal.
  const positive: ScalarTest[] = [];
  const negative: ScalarTest[] = [];
  let exists: boolean | undefined;
  for (const [op, x] of Object.entries(predicate)) {
    switch (op) {
      case "eq": {
        const e = x as Scalar;
        positive.push(
          typeof e === "string"
            ? (v) => v === e || (typeof v !== "string" && scalarEquals(v, e))
            : (v) => scalarEquals(v, e),
        );
        break;
      }
      case "neq": {
        const e = x as Scalar;
        negative.push((v) => scalarEquals(v, e));
        break;
      }
      case "in": {
        const list = x as Scalar[];
        const strings = new Set(list.filter((e) => typeof e === "string"));
        const onlyStrings = strings.size === list.length;
        positive.push((v) =>
          (typeof v === "string" && strings.has(v)) ||
          (!(onlyStrings && typeof v === "string") && list.some((e) => scalarEquals(v, e)))
        );
        break;
      }
      case "notIn": {
        const list = x as Scalar[];
        negative.push((v) => list.some((e) => scalarEquals(v, e)));
        break;
      }
      case "prefix": {
        const p = x as string;
        positive.push((v) => text(v).startsWith(p));
        break;
      }
      case "contains": {
        const p = x as string;
        positive.push((v) => text(v).includes(p));
        break;
      }
      case "glob":
        positive.push(globTest(x as string));
        break;
      case "gt":
        positive.push(orderTest(x as number | string, (d) => d > 0));
        break;
      case "gte":
        positive.push(orderTest(x as number | string, (d) => d >= 0));
        break;
      case "lt":
        positive.push(orderTest(x as number | string, (d) => d < 0));
        break;
      case "lte":
        positive.push(orderTest(x as number | string, (d) => d <= 0));
        break;
      case "between": {
        const [lo, hi] = x as [number | string, number | string];
        const a = orderTest(lo, (d) => d >= 0), b = orderTest(hi, (d) => d <= 0);
        positive.push((v) => a(v) && b(v));
        break;
      }
      case "exists":
        exists = x as boolean;
        break;
      default:
        throw new SyntaxError(`Cannot compile predicate: unknown operator "${op}"`);
    }
  }
  const nPos = positive.length, nNeg = negative.length;
  if (nPos === 1 && nNeg === 0 && exists === undefined) {
    const t = positive[0];
    return (v) => {
      if (isMissing(v)) return false;
      if (Array.isArray(v)) return v.some(t);
      return t(v as Scalar);
    };
  }
  return (v) => {
    if (isMissing(v)) return exists !== true && nPos === 0;
    if (exists === false) return false;
    if (Array.isArray(v)) {
      for (const t of positive) if (!v.some(t)) return false;
      for (const t of negative) if (v.some(t)) return false;
      return true;
    }
    const s = v as Scalar;
    for (const t of positive) if (!t(s)) return false;
    for (const t of negative) if (t(s)) return false;
    return true;
  };
}

const cache = new WeakMap<Predicate, CompiledPredicate>();

/** Whether `value` (a column of an event or a contact) satisfies `predicate`. */
export function matchesPredicate(value: PredicateValue, predicate: Predicate): boolean {
  let f = cache.get(predicate);
  if (!f) {
    f = compilePredicate(predicate);
    cache.set(predicate, f);
  }
  return f(value);
}
