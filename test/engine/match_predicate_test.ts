import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { Predicate } from "../../src/config/types.ts";
import { matchesPredicate, type PredicateValue } from "../../src/engine/match_predicate.ts";

const TABLE: [string, PredicateValue, Predicate, boolean][] = [
  ["eq on equal text", "web", { eq: "web" }, true],
  ["eq on other text", "Web", { eq: "web" }, false],
  ["eq number vs numeric text", "5", { eq: 5 }, true],
  ["eq text vs number", 5, { eq: "5" }, true],
  ["eq text vs non-numeric text", "5a", { eq: 5 }, false],
  ["eq boolean", true, { eq: true }, true],
  ["eq boolean vs its text", "true", { eq: true }, true],
  ["neq on other", "a", { neq: "b" }, true],
  ["neq on equal", "a", { neq: "a" }, false],
  ["in", "b", { in: ["a", "b"] }, true],
  ["in mixed types", 2, { in: ["1", "2"] }, true],
  ["in absent", "c", { in: ["a", "b"] }, false],
  ["notIn", "c", { notIn: ["a", "b"] }, true],
  ["notIn present", "a", { notIn: ["a", "b"] }, false],
  ["prefix", "https://shop.example/a/1", { prefix: "https://shop.example/a/" }, true],
  ["prefix not", "http://shop.example/a/1", { prefix: "https://shop.example/a/" }, false],
  ["contains", "https://s/pricing?x", { contains: "pricing" }, true],
  ["contains not", "https://s/", { contains: "pricing" }, false],
  ["glob star", "https://s/pricing?x=1", { glob: "*/pricing*" }, true],
  ["glob is whole value", "https://s/pricing", { glob: "pricing" }, false],
  ["glob question mark is one char", "ab", { glob: "a?" }, true],
  ["glob question mark needs a char", "a", { glob: "a?" }, false],
  ["glob is case-sensitive", "https://s/Pricing", { glob: "*/pricing*" }, false],
  ["glob escapes regex characters", "a.b", { glob: "a.b" }, true],
  ["glob dot is literal", "axb", { glob: "a.b" }, false],
  ["gt", 5, { gt: 4 }, true],
  ["gt equal", 4, { gt: 4 }, false],
  ["gte equal", 4, { gte: 4 }, true],
  ["lt", 3, { lt: 4 }, true],
  ["lte equal", 4, { lte: 4 }, true],
  ["gt numeric text", "10", { gt: 9 }, true],
  ["gt non-numeric text", "ten", { gt: 9 }, false],
  ["gte text bound compares text (ISO dates)", "2024-03-01", { gte: "2024-02-15" }, true],
  ["between inclusive low", 25, { between: [25, 44] }, true],
  ["between inclusive high", 44, { between: [25, 44] }, true],
  ["between outside", 44.5, { between: [25, 44] }, false],
  ["exists true", "x", { exists: true }, true],
  ["exists false on present", "x", { exists: false }, false],
  ["several operators all hold", 30, { gte: 25, lt: 45 }, true],
  ["several operators one fails", 50, { gte: 25, lt: 45 }, false],
  // Missing values fail every operator but exists:false, neq and notIn.
  ["missing: eq fails", null, { eq: "a" }, false],
  ["missing: in fails", undefined, { in: ["a"] }, false],
  ["missing: prefix fails", null, { prefix: "" }, false],
  ["missing: glob * fails", null, { glob: "*" }, false],
  ["missing: gt fails", null, { gt: -1 }, false],
  ["missing: between fails", NaN, { between: [0, 1] }, false],
  ["missing: exists true fails", "", { exists: true }, false],
  ["missing: exists false holds", null, { exists: false }, true],
  ["missing: neq holds", null, { neq: "a" }, true],
  ["missing: notIn holds", undefined, { notIn: ["a"] }, true],
  ["missing: neq with eq fails", null, { neq: "a", eq: "b" }, false],
  // Lists (interests, tags): some element for positive operators, none for negative ones.
  ["list eq some element", ["cards", "loans"], { eq: "loans" }, true],
  ["list eq no element", ["cards"], { eq: "loans" }, false],
  ["list neq holds when no element equals", ["cards"], { neq: "loans" }, true],
  ["list neq fails when one element equals", ["cards", "loans"], { neq: "loans" }, false],
  ["empty list is missing", [], { exists: false }, true],
];

for (const [name, value, predicate, expected] of TABLE) {
  Deno.test(`matchesPredicate() ${name}`, () => {
    assertEquals(matchesPredicate(value, predicate), expected);
  });
}
