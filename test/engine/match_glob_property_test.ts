/**
 * Property: `compileGlob` (the engine's glob) agrees with the SQL it is mirrored by
 * (`LIKE` in DuckDB, through the dialect's own `glob` and `string`), on random patterns
 * over characters chosen to trip either side (`-`, `%`, `_`, `\`, `'`, NUL, regex
 * characters, accents and an emoji) and on long texts.
 */
import assert from "node:assert/strict";
import { openDuckDB } from "../../src/db/mod.ts";
import { compileGlob } from "../../src/engine/match_predicate.ts";
import { seededRng } from "../../src/metrics/seeded_rng.ts";
import { duckdb } from "../../src/sql/mod.ts";

const ALPHABET = ["a", "b", "/", "-", ".", "%", "_", "\\", "'", "\0", "[", "(", "é", "😀", " "];

function randomText(rand: () => number, n: number, extra: string[] = []): string {
  const chars = [...ALPHABET, ...extra];
  let s = "";
  for (let i = 0; i < n; i++) s += chars[Math.floor(rand() * chars.length)];
  return s;
}

Deno.test({
  name: "compileGlob() agrees with the SQL LIKE it is mirrored by",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { conn } = await openDuckDB();
    const rand = seededRng(15);
    const failures: string[] = [];
    let matches = 0;
    const CASES = 400;
    for (let i = 0; i < CASES; i++) {
      const pattern = randomText(rand, 1 + Math.floor(rand() * 8), ["*", "?", "*"]);
      // Half the texts are made to fit the pattern, so both outcomes are exercised.
      let text = rand() < 0.5
        ? [...pattern].map((c) =>
          c === "*" ? randomText(rand, Math.floor(rand() * 4)) : c === "?" ? randomText(rand, 1) : c
        ).join("")
        : randomText(rand, Math.floor(rand() * 10));
      if (i % 50 === 0) text = randomText(rand, 3000) + text;
      const want = compileGlob(pattern)(text);
      const sql = `SELECT ${duckdb.glob(duckdb.string(text), pattern)} AS m`;
      const got = conn.query(sql).toArray()[0].m;
      if (want) matches++;
      if (got !== want) {
        failures.push(
          `${JSON.stringify(pattern)} on ${
            JSON.stringify(text.slice(0, 80))
          }: engine ${want}, SQL ${got}`,
        );
      }
    }
    conn.close();
    assert.deepEqual(failures, []);
    assert.ok(
      matches > CASES / 5 && matches < CASES * 0.8,
      `${matches} matches: both outcomes seen`,
    );
  },
});

Deno.test("compileGlob() is linear on the backtracking reproducer", () => {
  // A regular expression took over 60 s on this 24 KB URL; the answer is worked out by hand:
  // the text ends in "/buy", so the pattern's last segment fits, and "/shop/" is in it.
  const url = "https://x/shop/" + "a/".repeat(12_000) + "b/buy";
  const started = performance.now();
  assert.equal(compileGlob("*/shop/*/*/buy")(url), true);
  assert.equal(compileGlob("*/shop/*/*/buyx")(url), false);
  assert.equal(compileGlob("*/sale-?/*")("https://x/sale-1/y"), true);
  assert.equal(compileGlob("*a*a*a*a*a*a*b")("a".repeat(24_000)), false);
  // A hang detector, not a benchmark: the whole check takes milliseconds.
  assert.ok(performance.now() - started < 5_000);
});

Deno.test("compileGlob() counts code points: ? takes a whole emoji", () => {
  assert.equal(compileGlob("a?b")("a😀b"), true);
  assert.equal(compileGlob("a??b")("a😀b"), false);
  assert.equal(compileGlob("*😀")("x😀"), true);
  assert.equal(compileGlob("-")("-"), true);
  assert.equal(compileGlob("a.c")("abc"), false);
});
