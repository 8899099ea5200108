/**
 * `compileGlob` against a plain dynamic-programming glob over code points, on many random
 * patterns and texts (cheaper than the SQL comparison, so many more cases), and on texts
 * built to send each middle search from `indexOf` to shift-and, with segments over 32
 * characters (several words of bits).
 */
import assert from "node:assert/strict";
import { compileGlob } from "../../src/engine/compile_glob.ts";
import { seededRng } from "../../src/metrics/seeded_rng.ts";

/** Reference: `*` any run, `?` one code point, by dynamic programming (quadratic). */
function globReference(pattern: string, text: string): boolean {
  const p = [...pattern], t = [...text];
  let row = new Array<boolean>(t.length + 1).fill(false);
  row[0] = true;
  for (const c of p) {
    const next = new Array<boolean>(t.length + 1).fill(false);
    if (c === "*") {
      let any = false;
      for (let j = 0; j <= t.length; j++) next[j] = any ||= row[j];
    } else {
      for (let j = 1; j <= t.length; j++) next[j] = row[j - 1] && (c === "?" || t[j - 1] === c);
    }
    row = next;
  }
  return row[t.length];
}

function pick(rand: () => number, chars: string[], n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += chars[Math.floor(rand() * chars.length)];
  return s;
}

Deno.test("compileGlob() agrees with a dynamic-programming glob on random cases", () => {
  const rand = seededRng(9);
  const letters = ["a", "b", "😀", "é"];
  const failures: string[] = [];
  let matches = 0;
  const CASES = 6000;
  for (let i = 0; i < CASES; i++) {
    const pattern = pick(rand, [...letters, "?", "?", "*"], 1 + Math.floor(rand() * 10));
    const text = rand() < 0.5
      ? [...pattern].map((c) =>
        c === "*"
          ? pick(rand, letters, Math.floor(rand() * 5))
          : c === "?"
          ? pick(rand, letters, 1)
          : c
      ).join("")
      : pick(rand, letters, Math.floor(rand() * 14));
    const want = globReference(pattern, text);
    if (want) matches++;
    if (compileGlob(pattern)(text) !== want) failures.push(`${pattern} on ${text}: want ${want}`);
  }
  assert.deepEqual(failures, []);
  assert.ok(matches > CASES / 5 && matches < CASES * 0.8, `${matches} matches`);
});

Deno.test("compileGlob() agrees on texts that defeat the anchor search, and long segments", () => {
  const cases: { pattern: string; text: string }[] = [];
  const long = "a".repeat(40);
  for (const tail of ["", "b", "ab", "a😀b", "aXb", "😀"]) {
    const text = "a".repeat(3000) + tail + "c";
    for (
      const pattern of [
        "*a?b*",
        "*aaaaaaaaaa?b*c",
        `*${long}?b*`,
        `*${long}?b*c`,
        `*?${long}??*`,
        "*??b*",
        "*a*a?b*c",
        "x*a?b*",
        `*${"?".repeat(35)}b*`,
      ]
    ) cases.push({ pattern, text });
  }
  const rand = seededRng(4);
  for (let i = 0; i < 200; i++) {
    const seg = pick(rand, ["a", "a", "a", "?", "b"], 1 + Math.floor(rand() * 45));
    const text = pick(rand, ["a", "a", "a", "a", "b", "😀"], 400 + Math.floor(rand() * 400));
    cases.push({ pattern: `*${seg}*`, text }, { pattern: `a*${seg}*${seg}*`, text });
  }
  const failures = cases.filter(({ pattern, text }) =>
    compileGlob(pattern)(text) !== globReference(pattern, text)
  ).map(({ pattern, text }) => `${pattern} on ${text.slice(-60)}`);
  assert.deepEqual(failures, []);
  assert.ok(cases.some(({ pattern, text }) => globReference(pattern, text)), "some match");
});
