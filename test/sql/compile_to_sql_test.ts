/**
 * Hand-computed cases of `compileToSql`, run in DuckDB-WASM. Each case also runs through
 * the engine, so a disagreement shows which side moved.
 */
import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import { toScoringConfig } from "../../src/config/mod.ts";
import type { ScoringConfigSpec } from "../../src/config/types.ts";
import { insertRows, openDuckDB, writeTable } from "../../src/db/mod.ts";
import { compileToSql } from "../../src/sql/mod.ts";
import { compareRows, engineScores, sqlScores, type Tables } from "./_harness.ts";
import { DAY_MS as D } from "../../src/tables/mod.ts";

const T = Date.UTC(2024, 2, 31);
const F = "scorebench.config/v1" as const;

/** [contact_id, score, tier, matched_events, verified, reasons, scopes] */
type Expected = [string, number, string, number, boolean, string, Record<string, number>];

interface Case {
  name: string;
  spec: Omit<ScoringConfigSpec, "format">;
  tables: Tables;
  asOf?: number[];
  expected: Expected[];
}

const CASES: Case[] = [
  {
    name: "window keeps lo < ts <= T",
    spec: { window: { lookbackDays: 10 }, rules: [{ id: "r", on: "v", points: 1 }] },
    tables: {
      events: [
        { contact_id: "a", ts: T - 10 * D, type: "v" },
        { contact_id: "a", ts: T - 10 * D + 1, type: "v" },
        { contact_id: "a", ts: T, type: "v" },
        { contact_id: "a", ts: T + 1, type: "v" },
      ],
    },
    expected: [["a", 2, "low", 2, false, "r:+2", {}]],
  },
  {
    name: "decay halves the points every half-life",
    spec: {
      window: { lookbackDays: 90, halfLifeDays: 10 },
      rules: [{ id: "r", on: "v", points: 8 }],
    },
    tables: {
      events: [
        { contact_id: "a", ts: T - 10 * D, type: "v" },
        { contact_id: "a", ts: T - 20 * D, type: "v" },
      ],
    },
    // 8/2 + 8/4
    expected: [["a", 6, "low", 2, false, "r:+6", {}]],
  },
  {
    name: "maxPerDay keeps the first match per UTC day, ties in input order",
    spec: { rules: [{ id: "r", on: "v", points: 5, maxPerDay: 1, scopes: ["stage"] }] },
    tables: {
      events: [
        { contact_id: "a", ts: T - D, type: "v", stage: "x" },
        { contact_id: "a", ts: T - D, type: "v", stage: "y" },
        { contact_id: "a", ts: T - D - 1, type: "v", stage: "z" }, // 23:59:59.999 the day before
        { contact_id: "a", ts: T - D + 5, type: "v", stage: "w" },
      ],
    },
    // Scored (two kept matches) though nothing reaches the global score.
    expected: [["a", 0, "low", 2, false, "", { "stage:x": 5, "stage:z": 5 }]],
  },
  {
    name: "maxCount keeps the most recent matches",
    spec: {
      window: { lookbackDays: 90, halfLifeDays: 1 },
      rules: [{ id: "r", on: "v", points: 8, maxCount: 2 }],
    },
    tables: {
      events: [
        { contact_id: "a", ts: T - 3 * D, type: "v" },
        { contact_id: "a", ts: T - D, type: "v" },
        { contact_id: "a", ts: T - 2 * D, type: "v" },
      ],
    },
    // 8/2 + 8/4; the oldest (8/8) is dropped.
    expected: [["a", 6, "low", 2, false, "r:+6", {}]],
  },
  {
    name: "maxCount keeps the later of two matches at the same instant",
    spec: { rules: [{ id: "r", on: "v", points: 5, maxCount: 1, scopes: ["stage"] }] },
    tables: {
      events: [
        { contact_id: "a", ts: T - D, type: "v", stage: "x" },
        { contact_id: "a", ts: T - D, type: "v", stage: "y" },
        { contact_id: "a", ts: T - 2 * D, type: "v", stage: "z" },
      ],
    },
    expected: [["a", 0, "low", 1, false, "", { "stage:y": 5 }]],
  },
  {
    name: "glob treats % and _ in the pattern as plain characters",
    spec: {
      rules: [
        { id: "off", on: "v", where: { url: { glob: "*100%_off" } }, points: 10 },
        { id: "ru", on: "v", where: { url: { glob: "?ены" } }, points: 3 },
        { id: "pre", on: "v", where: { url: { prefix: "a_" } }, points: 1 },
        { id: "has", on: "v", where: { url: { contains: "%" } }, points: 100 },
      ],
    },
    tables: {
      events: [
        { contact_id: "p", ts: T, type: "v", url: "https://x/100%_off" },
        { contact_id: "q", ts: T, type: "v", url: "https://x/100xyoff" },
        { contact_id: "r", ts: T, type: "v", url: "цены" },
        { contact_id: "s", ts: T, type: "v", url: "ab" },
        { contact_id: "t", ts: T, type: "v", url: "a_b" },
      ],
    },
    expected: [
      ["p", 110, "high", 2, false, "has:+100;off:+10", {}],
      ["q", 0, "unscored", 0, false, "", {}],
      ["r", 3, "low", 1, false, "ru:+3", {}],
      ["s", 0, "unscored", 0, false, "", {}],
      ["t", 1, "low", 1, false, "pre:+1", {}],
    ],
  },
  {
    name: "missing values fail every predicate but neq, notIn and exists:false",
    spec: {
      rules: [
        { id: "n1", on: "v", where: { channel: { neq: "x" } }, points: 1 },
        { id: "n2", on: "v", where: { url: { exists: false } }, points: 10 },
        { id: "n3", on: "v", where: { nope: { eq: "a" } }, points: 100 },
        { id: "n4", on: "v", where: { nope: { notIn: ["a"] } }, points: 1000 },
      ],
    },
    tables: {
      events: [
        { contact_id: "m1", ts: T, type: "v", channel: null, url: "u" },
        { contact_id: "m2", ts: T, type: "v", channel: "", url: "" },
        { contact_id: "m3", ts: T, type: "v", channel: "x", url: null },
      ],
    },
    expected: [
      ["m1", 1001, "high", 2, false, "n4:+1000;n1:+1", {}],
      ["m2", 1011, "high", 3, false, "n4:+1000;n2:+10;n1:+1", {}],
      ["m3", 1010, "high", 2, false, "n4:+1000;n2:+10", {}],
    ],
  },
  {
    name: "numbers written as text compare as numbers",
    spec: {
      rules: [
        { id: "gt", on: "v", where: { amount: { gt: 4 } }, points: 1 },
        { id: "eq", on: "v", where: { value: { eq: "5" } }, points: 10 },
        { id: "txt", on: "v", where: { amount: { lt: "b" } }, points: 100 },
      ],
    },
    tables: {
      events: [
        { contact_id: "a", ts: T, type: "v", amount: "5", value: 5 },
        { contact_id: "b", ts: T, type: "v", amount: " 7 ", value: 5.5 },
        { contact_id: "c", ts: T, type: "v", amount: "nan", value: NaN },
        { contact_id: "d", ts: T, type: "v", amount: "abc", value: null },
      ],
    },
    expected: [
      ["a", 111, "high", 3, false, "txt:+100;eq:+10;gt:+1", {}],
      ["b", 101, "high", 2, false, "txt:+100;gt:+1", {}],
      ["c", 0, "unscored", 0, false, "", {}],
      ["d", 100, "high", 1, false, "txt:+100", {}],
    ],
  },
  {
    name: "stage scope falls back to the contact's stage; tags add to their bucket",
    spec: { rules: [{ id: "s", on: "v", points: 2, scopes: ["stage", { tag: "a" }] }] },
    tables: {
      events: [
        { contact_id: "a", ts: T, type: "v", stage: "won" },
        { contact_id: "a", ts: T, type: "v", stage: "" },
        { contact_id: "b", ts: T, type: "v" },
      ],
      contacts: [{ contact_id: "a", stage: "lead" }, { contact_id: "b", stage: null }],
    },
    expected: [
      ["a", 0, "low", 2, false, "", { "stage:won": 2, "stage:lead": 2, "tag:a": 4 }],
      ["b", 0, "low", 1, false, "", { "tag:a": 2 }],
    ],
  },
  {
    name: "attributes add once, only to scored contacts",
    spec: {
      rules: [{ id: "r", on: "v", points: 4 }],
      attributes: [
        { id: "age", field: "age", where: { between: [25, 44] }, points: 10 },
        { id: "loans", field: "interests", where: { in: ["loans"] }, points: 20 },
      ],
    },
    tables: {
      events: [{ contact_id: "a", ts: T, type: "v" }, { contact_id: "a", ts: T - D, type: "v" }],
      contacts: [
        { contact_id: "a", age: 30, interests: ["cards", "loans"] },
        { contact_id: "b", age: 30, interests: ["loans"] },
      ],
    },
    expected: [
      ["a", 38, "medium", 2, false, "loans:+20;age:+10;r:+8", {}],
      ["b", 0, "unscored", 0, false, "", {}],
    ],
  },
  {
    name: "a config of attributes only scores every contact",
    spec: { attributes: [{ id: "f", field: "gender", where: { eq: "f" }, points: 30 }] },
    tables: {
      events: [],
      contacts: [{ contact_id: "a", gender: "f" }, { contact_id: "b", gender: "m" }],
    },
    expected: [
      ["a", 30, "medium", 0, false, "f:+30", {}],
      ["b", 0, "low", 0, false, "", {}],
    ],
  },
  {
    name: "audience filters on contact columns and on a touch in the period",
    spec: {
      rules: [{ id: "r", on: "v", points: 1 }],
      audience: {
        gender: ["f"],
        age: [25, 54],
        interests: ["loans"],
        touched: { from: "2024-03-01", to: "2024-03-29", types: ["call"] },
      },
    },
    tables: {
      events: [
        { contact_id: "ok", ts: Date.UTC(2024, 2, 29, 23), type: "call" }, // end of the `to` day
        { contact_id: "ok", ts: T, type: "v" },
        { contact_id: "late", ts: Date.UTC(2024, 2, 30), type: "call" },
        { contact_id: "young", ts: Date.UTC(2024, 2, 10), type: "call" },
        { contact_id: "noage", ts: Date.UTC(2024, 2, 10), type: "call" },
      ],
      contacts: [
        { contact_id: "ok", gender: "f", age: 30, interests: ["loans"] },
        { contact_id: "late", gender: "f", age: 30, interests: ["loans"] },
        { contact_id: "young", gender: "f", age: 20, interests: ["loans"] },
        { contact_id: "noage", gender: "f", interests: ["loans"] },
        { contact_id: "m", gender: "m", age: 30, interests: ["loans"] },
      ],
    },
    expected: [["ok", 1, "low", 1, false, "r:+1", {}]],
  },
  {
    name: "verification matches by id, phone and e-mail; demote halves the score and reasons",
    spec: {
      rules: [{ id: "r", on: "v", points: 30 }],
      verification: { mode: "demote", factor: 0.5 },
    },
    tables: {
      events: ["id", "phone", "mail", "none"].map((c) => ({ contact_id: c, ts: T, type: "v" })),
      contacts: [
        { contact_id: "id" },
        { contact_id: "phone", phone: "79161234567" },
        { contact_id: "mail", email: "a@x.example" },
        { contact_id: "none", phone: "79160000000", email: "b@x.example" },
      ],
      verification: [
        { contact_id: "id" },
        { phone: "8 (916) 123-45-67" },
        { email: " A@X.example " },
      ],
    },
    expected: [
      ["id", 15, "low", 1, true, "r:+15", {}],
      ["mail", 15, "low", 1, true, "r:+15", {}],
      ["none", 30, "medium", 1, false, "r:+30", {}],
      ["phone", 15, "low", 1, true, "r:+15", {}],
    ],
  },
  {
    name: "verification exclude leaves verified contacts out",
    spec: { rules: [{ id: "r", on: "v", points: 30 }], verification: { mode: "exclude" } },
    tables: {
      events: [{ contact_id: "a", ts: T, type: "v" }, { contact_id: "b", ts: T, type: "v" }],
      contacts: [{ contact_id: "a" }, { contact_id: "b" }],
      verification: [{ contact_id: "a" }],
    },
    expected: [["b", 30, "medium", 1, false, "r:+30", {}]],
  },
  {
    name: "tiers and the three largest reasons by absolute points",
    spec: {
      rules: [
        { id: "small", on: "v", points: 5 },
        { id: "big", on: "w", points: 30 },
        { id: "neg", on: "x", points: -20 },
        { id: "mid", on: "y", points: 12.5 },
      ],
      tiers: { high: 40, medium: 27.5 },
    },
    tables: {
      events: ["v", "w", "x", "y"].map((type) => ({ contact_id: "a", ts: T, type })),
    },
    expected: [["a", 27.5, "medium", 4, false, "big:+30;neg:-20;mid:+12.5", {}]],
  },
  {
    name: "quotes in ids, types, values and column names are escaped",
    spec: {
      rules: [{ id: "it's", on: "o'clock", where: { 'odd "col"': { eq: "a'b" } }, points: 2 }],
    },
    tables: {
      events: [
        { contact_id: "x'1", ts: T, type: "o'clock", 'odd "col"': "a'b" },
        { contact_id: "y", ts: T, type: "o'clock", 'odd "col"': "ab" },
      ],
    },
    expected: [["x'1", 2, "low", 1, false, "it's:+2", {}], ["y", 0, "unscored", 0, false, "", {}]],
  },
  {
    name: "contacts default to those seen in the events",
    spec: { rules: [{ id: "r", on: "v", points: 1 }] },
    tables: {
      events: [
        { contact_id: "007", ts: T, type: "v" },
        { contact_id: "+44", ts: T - 200 * D, type: "v" },
      ],
    },
    expected: [["+44", 0, "unscored", 0, false, "", {}], ["007", 1, "low", 1, false, "r:+1", {}]],
  },
];

const { conn } = await openDuckDB();

for (const c of CASES) {
  Deno.test({
    name: `compileToSql() ${c.name}`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn() {
      const config = toScoringConfig({ format: F, ...c.spec });
      const asOf = c.asOf ?? [T];
      const { rows } = sqlScores(conn, config, c.tables, asOf);
      const got = rows.map((r): Expected => [
        r.contact_id,
        r.score,
        r.tier,
        r.matched_events,
        r.verified,
        r.reasons,
        r.scopes,
      ]);
      assertEquals(got, c.expected);
      assertEquals(compareRows(config, engineScores(config, c.tables, asOf), rows), []);
    },
  });
}

Deno.test({
  name: "compileToSql() reads the instants from a table and prints them in ISO 8601",
  sanitizeResources: false,
  sanitizeOps: false,
  fn() {
    const config = toScoringConfig({ format: F, rules: [{ id: "r", on: "v", points: 1 }] });
    writeTable(conn, "events", [{ contact_id: "a", ts: T - D, type: "v" }]);
    writeTable(conn, "contacts", [{ contact_id: "a" }]);
    insertRows(conn, "as_of", [{ as_of: T }, { as_of: T - 2 * D + 250 }, { as_of: T }], {
      types: { as_of: "TIMESTAMP" },
    });
    const rows = conn.query(compileToSql(config)).toArray().map((r) => {
      const o = r.toJSON();
      return [o.as_of, o.score, o.tier];
    });
    assertEquals(rows, [
      ["2024-03-29T00:00:00.250Z", 0, "unscored"],
      ["2024-03-31T00:00:00Z", 1, "low"],
    ]);
  },
});

Deno.test({
  name: "compileToSql() reads TIMESTAMP columns when told so",
  sanitizeResources: false,
  sanitizeOps: false,
  fn() {
    const config = toScoringConfig({
      format: F,
      window: { lookbackDays: 90, halfLifeDays: 1 },
      rules: [{ id: "r", on: "v", points: 8 }],
    });
    conn.query(`DROP TABLE IF EXISTS events; CREATE TABLE events AS
      SELECT 'a' AS contact_id, TIMESTAMP '2024-03-29 00:00:00' AS ts, 'v' AS type, 0 AS seq`);
    insertRows(conn, "contacts", [{ contact_id: "a" }]);
    const sql = compileToSql(config, { asOf: [T], timestamps: "timestamp" });
    const row = conn.query(sql).toArray()[0].toJSON();
    assertEquals([row.score, row.matched_events], [2, 1]);
  },
});

Deno.test({
  name: "compileToSql() reads epoch-millisecond number columns when told so",
  sanitizeResources: false,
  sanitizeOps: false,
  fn() {
    const config = toScoringConfig({ format: F, rules: [{ id: "r", on: "v", points: 3 }] });
    insertRows(conn, "events", [{ contact_id: "a", ts: T - D, type: "v", seq: 0 }]);
    insertRows(conn, "contacts", [{ contact_id: "a" }]);
    const row = conn.query(compileToSql(config, { asOf: [T], timestamps: "epoch_ms" })).toArray()[0]
      .toJSON();
    assertEquals([row.score, row.matched_events], [3, 1]);
  },
});

Deno.test("compileToSql() refuses an unknown dialect, naming the supported ones", () => {
  const config = toScoringConfig({ format: F });
  throws(() => compileToSql(config, { dialect: "oracle" }), {
    name: "RangeError",
    message: 'Cannot write SQL for dialect "oracle": supported dialects are "duckdb", "clickhouse"',
  });
});

Deno.test("compileToSql() refuses an empty or non-finite list of instants", () => {
  const config = toScoringConfig({ format: F });
  throws(() => compileToSql(config, { asOf: [] }), { name: "RangeError", message: /no instant/ });
  throws(() => compileToSql(config, { asOf: [NaN] }), {
    name: "TypeError",
    message: /as of "NaN"/,
  });
});

Deno.test({
  name: "compileToSql() partitions contacts into buckets whose rows add up to the whole",
  sanitizeResources: false,
  sanitizeOps: false,
  fn() {
    const config = toScoringConfig({ format: F, rules: [{ id: "r", on: "v", points: 2 }] });
    const ids = Array.from({ length: 40 }, (_, i) => `c${i}`);
    const tables: Tables = {
      events: ids.map((id, i) => ({ contact_id: id, ts: T - (i % 3) * D, type: "v" })),
      contacts: ids.map((id) => ({ contact_id: id })),
    };
    const whole = sqlScores(conn, config, tables, [T]).rows;
    const parts = [0, 1, 2].map((index) =>
      sqlScores(conn, config, tables, [T], { partition: { count: 3, index } }).rows
    );
    // Every bucket holds some contacts, and together exactly the whole.
    assertEquals(parts.map((p) => p.length > 0), [true, true, true]);
    const joined = parts.flat().sort((a, b) => a.contact_id < b.contact_id ? -1 : 1);
    assertEquals(joined, whole);
    throws(() => compileToSql(config, { partition: { count: 3, index: 3 } }), {
      name: "RangeError",
      message: /partition 3 of 3/,
    });
  },
});
