import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { Predicate } from "../../src/config/types.ts";
import type { EventRow } from "../../src/data/types.ts";
import { compileEventMatcher, compileTypeMatchers } from "../../src/engine/_type_matcher.ts";
import { matchesPredicate } from "../../src/engine/match_predicate.ts";
import { rng } from "./_helpers.ts";

const WHERES: Record<string, Predicate>[] = [
  {},
  { url: { eq: "https://s/pricing" } },
  { url: { in: ["https://s/", "https://s/a/1"] } },
  { url: { prefix: "https://s/a/" } },
  { url: { contains: "pric" } },
  { url: { glob: "*/pricing*" } },
  { url: { glob: "*/pricing" } },
  { url: { glob: "https://s/*" } },
  { url: { glob: "https://s/?/1" } },
  { url: { neq: "https://s/" } },
  { url: { notIn: ["https://s/"] } },
  { url: { exists: false } },
  { value: { gte: 60 } },
  { value: { gt: 60 } },
  { value: { lt: 10 } },
  { value: { lte: 10 } },
  { value: { between: [10, 60] } },
  { value: { eq: 5 } },
  { value: { in: [5, "7"] } },
  { tag: { eq: "a" }, value: { gte: 30 } },
  { "odd column": { eq: "x" } },
  { tag: { eq: "a", neq: "b" } },
  { ok: { eq: true } },
];
const URLS = ["https://s/", "https://s/pricing", "https://s/pricing?x", "https://s/a/1", "", null];
const VALUES = [0, 5, 10, 30, 60, 61, "5", "60", "7", "", null, NaN, "x"];

Deno.test("compileTypeMatchers() generated code, closures and matchesPredicate() agree", () => {
  const r = rng(5);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const rules = WHERES.map((_, i) => i);
  const generated = compileTypeMatchers(rules, WHERES, { generated: true });
  const closures = compileTypeMatchers(rules, WHERES, { generated: false });
  let hits = 0;
  for (let i = 0; i < 3000; i++) {
    const e: EventRow = {
      contact_id: "c",
      ts: 0,
      type: "t",
      url: pick(URLS),
      value: pick(VALUES) as number,
      tag: pick(["a", "b", null]),
      "odd column": pick(["x", "y", undefined]),
      ok: pick([true, false, "true", null]),
    };
    const expected = WHERES.reduce(
      (m, w, k) =>
        Object.entries(w).every(([col, p]) => matchesPredicate(e[col], p)) ? m | (1 << k) : m,
      0,
    );
    assertEquals(generated[0].match(e), expected, JSON.stringify(e));
    assertEquals(closures[0].match(e), expected, JSON.stringify(e));
    hits += expected === 1 ? 0 : 1;
  }
  if (hits < 1000) throw new Error("random events rarely match anything");
});

Deno.test("compileTypeMatchers() splits more than 31 rules over several matchers", () => {
  const wheres = Array.from({ length: 40 }, (_, i) => ({ value: { gte: i } }));
  const ms = compileTypeMatchers(wheres.map((_, i) => i), wheres);
  assertEquals(ms.map((m) => m.rules.length), [31, 9]);
  const e: EventRow = { contact_id: "c", ts: 0, type: "t", value: 35 };
  const matched = ms.flatMap((m) => m.rules.filter((_, k) => (m.match(e) >>> k) & 1));
  assertEquals(matched, Array.from({ length: 36 }, (_, i) => i));
});

Deno.test("compileEventMatcher() agrees with matchesPredicate() over types and cached values", () => {
  const r = rng(11);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  // Rules alternate between two types; bit i is rule i whatever its type.
  const types = ["a", "b"];
  const match = compileEventMatcher(
    types.map((type, t) => [
      type,
      WHERES.flatMap((where, index) => index % 2 === t ? [{ index, where }] : []),
    ]),
  );
  const expectedOf = (e: EventRow) =>
    WHERES.reduce(
      (m, w, k) =>
        types[k % 2] === e.type &&
          Object.entries(w).every(([col, p]) => matchesPredicate(e[col], p))
          ? m | (1 << k)
          : m,
      0,
    );
  let hits = 0;
  // Phases: repeated values (cached), then mostly distinct ones (the cache fills, is cleared
  // and turns itself off), then repeated ones again.
  for (const distinct of [false, true, false]) {
    for (let i = 0; i < 12_000; i++) {
      const url = distinct && r() < 0.9 ? `https://s/pricing/${i}/${r()}` : pick(URLS);
      const e: EventRow = {
        contact_id: "c",
        ts: 0,
        type: pick([...types, "other"]),
        url,
        value: pick(VALUES) as number,
        tag: pick(["a", "b", null]),
        "odd column": pick(["x", "y", undefined]),
        ok: pick([true, false, "true", null]),
      };
      const expected = expectedOf(e);
      assertEquals(match(e, e.type), expected, JSON.stringify(e));
      hits += expected === 0 ? 0 : 1;
    }
  }
  if (hits < 10_000) throw new Error("random events rarely match anything");
});
