import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { openDuckDB } from "../../../src/db/mod.ts";
import { duckdb, globToLike } from "../../../src/sql/mod.ts";
import { emailKey, formatInstant, phoneKey } from "../../../src/engine/mod.ts";
import { seededRandom } from "../_random_case.ts";

const { conn } = await openDuckDB();
const one = (sql: string): unknown => conn.query(sql).toArray()[0].toJSON().x;
const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test("globToLike() escapes LIKE's own wildcards and the escape character", () => {
  const cases: [string, string][] = [
    ["*/pricing*", "%/pricing%"],
    ["a?c", "a_c"],
    ["100%_off", "100\\%\\_off"],
    ["back\\slash*", "back\\\\slash%"],
    ["цен?", "цен_"],
  ];
  for (const [glob, like] of cases) assertEquals(globToLike(glob), like, glob);
});

Deno.test({
  name: "duckdb.glob() matches whole values, one character per ?",
  ...opts,
  fn() {
    const cases: [string, string, boolean][] = [
      ["https://x/pricing", "*/pricing", true],
      ["https://x/pricing/", "*/pricing", false],
      ["100%_off", "100%_off", true],
      ["100xyoff", "100%_off", false],
      ["цены", "?ены", true],
      ["Цены", "цены", false],
      ["it's", "it?s", true],
      ["", "*", true],
      ["", "?", false],
    ];
    for (const [value, pattern, expected] of cases) {
      assertEquals(
        one(`SELECT ${duckdb.glob(duckdb.string(value), pattern)} AS x`),
        expected,
        `${value} ~ ${pattern}`,
      );
    }
  },
});

Deno.test({
  name: "duckdb.number() writes literals DuckDB reads back as the same double",
  ...opts,
  fn() {
    const rnd = seededRandom(11);
    const xs = [0.1, 0.30000000000000004, 8.3, -20, 1e21, 5e-324, 1.7976931348623157e308, 1 / 3];
    for (let i = 0; i < 200; i++) xs.push((rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20));
    const rows = conn.query(
      `SELECT i, typeof(v) AS t, v FROM (VALUES ${
        xs.map((x, i) => `(${i}, ${duckdb.number(x)})`).join(", ")
      }) AS s(i, v)`,
    ).toArray();
    for (const r of rows) {
      assertEquals(r.t, "DOUBLE");
      assertEquals(r.v, xs[r.i]);
    }
  },
});

Deno.test({
  name: "duckdb.formatNumber() prints doubles as JavaScript's String() does",
  ...opts,
  fn() {
    const rnd = seededRandom(5);
    const xs = [
      0,
      -0,
      1,
      -1,
      20,
      12.5,
      0.1,
      1e21,
      1e20,
      123456789012,
      1e-7,
      1e-6,
      1.5e-6,
      0.00012,
      5e-324,
      2 ** 53,
      1 / 3,
    ];
    for (let i = 0; i < 500; i++) xs.push((rnd() - 0.5) * 10 ** Math.floor(rnd() * 60 - 30));
    for (let i = 0; i < 100; i++) xs.push(Math.round((rnd() - 0.5) * 10 ** Math.floor(rnd() * 25)));
    const values = xs.map((x, i) => `(${i}, ${Object.is(x, -0) ? "-0.0e0" : duckdb.number(x)})`)
      .join(", ");
    const rows = conn.query(
      `SELECT i, ${duckdb.formatNumber("v")} AS f FROM (VALUES ${values}) AS s(i, v)`,
    ).toArray();
    const bad = rows.filter((r) => r.f !== String(xs[r.i])).map((r) => `${xs[r.i]} -> ${r.f}`);
    assertEquals(bad, []);
  },
});

Deno.test({
  name: "duckdb.phoneKey() and emailKey() give the engine's verification keys",
  ...opts,
  fn() {
    const phones = [
      "+7 (916) 123-45-67",
      "8 916 123 45 67",
      "79161234567",
      "89161234567",
      "8916",
      "",
      "abc",
      "+44 20 7946 0958",
    ];
    for (const p of phones) {
      assertEquals(one(`SELECT ${duckdb.phoneKey(duckdb.string(p))} AS x`), phoneKey(p), p);
    }
    for (const e of [" A@X.example ", "", "   ", "b@y"]) {
      assertEquals(one(`SELECT ${duckdb.emailKey(duckdb.string(e))} AS x`), emailKey(e), e);
    }
  },
});

Deno.test({
  name: "duckdb.numberFromText() reads decimal text as Number() does, else NULL",
  ...opts,
  fn() {
    const cases: [string, number | null][] = [
      [" 5 ", 5],
      ["+5", 5],
      ["5.", 5],
      [".5", 0.5],
      ["-1e3", -1000],
      ["nan", null],
      ["inf", null],
      ["1_000", null],
      ["", null],
      ["12abc", null],
    ];
    for (const [text, expected] of cases) {
      assertEquals(
        one(`SELECT ${duckdb.numberFromText(duckdb.string(text))} AS x`),
        expected,
        text,
      );
    }
  },
});

Deno.test({
  name: "duckdb.isoUtc() prints instants as the engine's formatInstant() does",
  ...opts,
  fn() {
    const instants = [Date.UTC(2024, 2, 31), Date.UTC(2024, 2, 31, 12, 5, 7, 250), -1500, 0, 1.9];
    for (const t of instants) {
      assertEquals(
        one(`SELECT ${duckdb.isoUtc(duckdb.number(t))} AS x`),
        formatInstant(t),
        String(t),
      );
    }
  },
});
