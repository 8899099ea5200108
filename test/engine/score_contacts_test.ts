import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { ScoringConfigSpec } from "../../src/config/types.ts";
import type { ContactRow, EventRow, VerificationRow } from "../../src/data/types.ts";
import { scoreContacts } from "../../src/engine/score_contacts.ts";
import type { ScoreRow } from "../../src/engine/types.ts";
import { assertClose, config, DAY, ev, HOUR, T } from "./_helpers.ts";

interface Case {
  name: string;
  spec: Omit<ScoringConfigSpec, "format">;
  events: EventRow[];
  contacts?: ContactRow[];
  verification?: VerificationRow[];
  asOf?: number[];
  /** contact id -> expected fields (hand-computed); a missing contact must be absent. */
  expected: Record<string, Partial<ScoreRow>>;
}

const one = { id: "pv", on: "page_view", points: 1 };

const CASES: Case[] = [
  {
    name: "window: an event exactly at T counts, exactly at T - lookback does not",
    spec: { window: { lookbackDays: 10 }, rules: [one] },
    events: [
      ev("a", T, "page_view"),
      ev("a", T - 10 * DAY, "page_view"),
      ev("a", T - 10 * DAY + 1, "page_view"),
      ev("a", T + 1, "page_view"),
    ],
    expected: { a: { score: 2, matchedEvents: 2, tier: "low" } },
  },
  {
    name: "decay: 8 points at T, T-7d, T-14d with a 7-day half-life give 8 + 4 + 2",
    spec: {
      window: { lookbackDays: 30, halfLifeDays: 7 },
      rules: [{ id: "pv", on: "page_view", points: 8 }],
    },
    events: [
      ev("a", T, "page_view"),
      ev("a", T - 7 * DAY, "page_view"),
      ev("a", T - 14 * DAY, "page_view"),
    ],
    expected: { a: { score: 14, matchedEvents: 3 } },
  },
  {
    name: "maxPerDay counts per UTC calendar day: 3 before midnight keep 2, 1 after keeps 1",
    spec: { rules: [{ ...one, maxPerDay: 2 }] },
    events: [
      ev("a", T - 1, "page_view"),
      ev("a", T - 2, "page_view"),
      ev("a", T - 3, "page_view"),
      ev("a", T + 1, "page_view"),
    ],
    asOf: [T + 12 * HOUR],
    expected: { a: { score: 3, matchedEvents: 3 } },
  },
  {
    name: "maxPerDay ties on ts keep input order (the first event's stage wins)",
    spec: { rules: [{ ...one, maxPerDay: 1, scopes: ["stage"] }] },
    events: [
      ev("a", T - HOUR, "page_view", { stage: "first" }),
      ev("a", T - HOUR, "page_view", { stage: "second" }),
    ],
    expected: { a: { score: 0, matchedEvents: 1, scopes: { "stage:first": 1 } } },
  },
  {
    name: "maxCount ties on ts keep the later input as the most recent",
    spec: { rules: [{ ...one, maxCount: 1, scopes: ["stage"] }] },
    events: [
      ev("a", T - HOUR, "page_view", { stage: "first" }),
      ev("a", T - HOUR, "page_view", { stage: "second" }),
    ],
    expected: { a: { matchedEvents: 1, scopes: { "stage:second": 1 } } },
  },
  {
    name: "maxPerDay applies before maxCount",
    // Day 1 10:00 (A), day 3 09:00 (C), day 3 10:00 (D). maxPerDay 1 keeps A and C;
    // maxCount 2 then keeps both. The other order would keep C only.
    spec: { rules: [{ ...one, maxPerDay: 1, maxCount: 2, scopes: ["global", "stage"] }] },
    events: [
      ev("a", T - 3 * DAY + 10 * HOUR, "page_view", { stage: "A" }),
      ev("a", T - DAY + 9 * HOUR, "page_view", { stage: "C" }),
      ev("a", T - DAY + 10 * HOUR, "page_view", { stage: "D" }),
    ],
    expected: { a: { score: 2, matchedEvents: 2, scopes: { "stage:A": 1, "stage:C": 1 } } },
  },
  {
    name: "maxCount keeps the most recent matches whatever the input order",
    spec: {
      window: { lookbackDays: 30, halfLifeDays: 1 },
      rules: [{ id: "pv", on: "page_view", points: 4, maxCount: 2 }],
    },
    events: [
      ev("a", T, "page_view"),
      ev("a", T - 2 * DAY, "page_view"),
      ev("a", T - DAY, "page_view"),
    ],
    // 4 + 4 * 0.5 = 6; the oldest (worth 1) is dropped.
    expected: { a: { score: 6, matchedEvents: 2 } },
  },
  {
    name: "negative points lower the score and reasons show the sign",
    spec: {
      rules: [
        { id: "pv", on: "page_view", points: 5 },
        { id: "unsub", on: "email_unsubscribe", points: -20 },
      ],
    },
    events: [ev("a", T - DAY, "page_view"), ev("a", T - DAY, "email_unsubscribe")],
    expected: {
      a: {
        score: -15,
        tier: "low",
        matchedEvents: 2,
        reasons: [{ ruleId: "unsub", points: -20 }, { ruleId: "pv", points: 5 }],
      },
    },
  },
  {
    name:
      "scopes: global, event stage else contact stage, tags; stage-only rules leave global alone",
    spec: {
      rules: [
        { id: "pv", on: "page_view", points: 3, scopes: ["global", "stage", { tag: "p" }] },
        { id: "buy", on: "purchase", points: 30, scopes: ["stage"] },
      ],
    },
    contacts: [{ contact_id: "a", stage: "lead" }, { contact_id: "b" }],
    events: [
      ev("a", T - DAY, "page_view", { stage: "mql" }),
      ev("a", T - DAY, "page_view"),
      ev("a", T - DAY, "purchase"),
      ev("b", T - DAY, "page_view"),
    ],
    expected: {
      a: {
        score: 6,
        matchedEvents: 3,
        scopes: { "stage:mql": 3, "stage:lead": 33, "tag:p": 6 },
        reasons: [{ ruleId: "pv", points: 6 }],
      },
      b: { score: 3, matchedEvents: 1, scopes: { "tag:p": 3 } },
    },
  },
  {
    name: "several rules matching one event each count",
    spec: {
      rules: [
        { id: "pv", on: "page_view", points: 1 },
        { id: "pricing", on: "page_view", where: { url: { glob: "*/pricing*" } }, points: 8 },
      ],
    },
    events: [ev("a", T, "page_view", { url: "https://x/pricing?a" }), ev("a", T, "page_view")],
    expected: { a: { score: 10, matchedEvents: 3 } },
  },
  {
    name: "unscored: with event rules, attributes alone do not score a contact",
    spec: {
      rules: [one],
      attributes: [{ id: "f", field: "gender", where: { eq: "f" }, points: 10 }],
    },
    contacts: [{ contact_id: "a", gender: "f" }, { contact_id: "b", gender: "f" }],
    events: [ev("a", T, "page_view"), ev("b", T - 200 * DAY, "page_view")],
    expected: {
      a: { score: 11, tier: "low", matchedEvents: 1 },
      b: { score: 0, tier: "unscored", matchedEvents: 0, reasons: [] },
    },
  },
  {
    name: "attribute-only config scores every contact once, without decay",
    spec: {
      window: { lookbackDays: 10, halfLifeDays: 1 },
      attributes: [
        { id: "age", field: "age", where: { between: [25, 44] }, points: 30 },
        { id: "loans", field: "interests", where: { eq: "loans" }, points: 40 },
      ],
    },
    contacts: [
      { contact_id: "a", age: 25, interests: ["cards", "loans"] },
      { contact_id: "b", age: 45 },
      { contact_id: "c" },
    ],
    events: [],
    expected: {
      a: { score: 70, tier: "high", matchedEvents: 0 },
      b: { score: 0, tier: "low" },
      c: { score: 0, tier: "low" },
    },
  },
  {
    name: "tier boundaries are inclusive at exactly medium and high",
    spec: {
      tiers: { high: 60, medium: 25 },
      rules: [
        { id: "big", on: "big", points: 60 },
        { id: "mid", on: "mid", points: 25 },
        { id: "low", on: "low", points: 24.999999 },
      ],
    },
    events: [ev("h", T, "big"), ev("m", T, "mid"), ev("l", T, "low")],
    expected: { h: { tier: "high" }, m: { tier: "medium" }, l: { tier: "low" } },
  },
  {
    name: "verification by phone (8... vs +7 ...), e-mail and id; demote multiplies global only",
    spec: {
      rules: [{ id: "pv", on: "page_view", points: 10, scopes: ["global", { tag: "t" }] }],
      verification: { mode: "demote", factor: 0.25 },
    },
    contacts: [
      { contact_id: "p", phone: "89161234567" },
      { contact_id: "e", email: "olga@mail.ru" },
      { contact_id: "i" },
      { contact_id: "n", phone: "79160000000", email: "x@y.z" },
    ],
    verification: [
      { phone: "+7 916 123-45-67" },
      { email: "  Olga@Mail.RU" },
      { contact_id: "i" },
    ],
    events: ["p", "e", "i", "n"].map((id) => ev(id, T, "page_view")),
    expected: {
      p: {
        score: 2.5,
        verified: true,
        scopes: { "tag:t": 10 },
        reasons: [{ ruleId: "pv", points: 2.5 }],
      },
      e: { score: 2.5, verified: true },
      i: { score: 2.5, verified: true },
      n: { score: 10, verified: false },
    },
  },
  {
    name: "verification exclude leaves verified contacts out",
    spec: { rules: [one], verification: { mode: "exclude" } },
    contacts: [{ contact_id: "a", phone: "8 (916) 123-45-67" }, { contact_id: "b" }],
    verification: [{ phone: "79161234567" }],
    events: [ev("a", T, "page_view"), ev("b", T, "page_view")],
    expected: { b: { score: 1, verified: false } },
  },
  {
    name: "verification flag only marks",
    spec: { rules: [one], verification: { mode: "flag" } },
    contacts: [{ contact_id: "a", email: "a@b.c" }],
    verification: [{ email: "A@B.C" }],
    events: [ev("a", T, "page_view")],
    expected: { a: { score: 1, verified: true } },
  },
  {
    name: "audience: gender, age range, interests, stage; a missing field leaves the contact out",
    spec: {
      rules: [one],
      audience: { gender: ["f"], age: [25, 54], interests: ["loans"], stage: ["lead", "lost"] },
    },
    contacts: [
      { contact_id: "ok", gender: "f", age: 25, interests: ["cards", "loans"], stage: "lost" },
      { contact_id: "edge", gender: "f", age: 54, interests: ["loans"], stage: "lead" },
      { contact_id: "male", gender: "m", age: 30, interests: ["loans"], stage: "lead" },
      { contact_id: "old", gender: "f", age: 55, interests: ["loans"], stage: "lead" },
      { contact_id: "noage", gender: "f", interests: ["loans"], stage: "lead" },
      { contact_id: "noint", gender: "f", age: 30, interests: ["cards"], stage: "lead" },
      { contact_id: "stage", gender: "f", age: 30, interests: ["loans"], stage: "customer" },
    ],
    events: [ev("ok", T, "page_view")],
    expected: { ok: { score: 1 }, edge: { tier: "unscored" } },
  },
  {
    name: "audience interests written as text: ; and , both separate items (issue 15)",
    spec: { rules: [one], audience: { interests: ["loans"] } },
    contacts: [
      { contact_id: "comma", interests: "cards, loans" as unknown as string[] },
      { contact_id: "semi", interests: "cards;loans" as unknown as string[] },
      { contact_id: "none", interests: "cards, loansx" as unknown as string[] },
    ],
    events: [ev("comma", T, "page_view"), ev("semi", T, "page_view"), ev("none", T, "page_view")],
    expected: { comma: { score: 1 }, semi: { score: 1 } },
  },
  {
    name: "audience touched: an event of the listed types inside the period, read only up to T",
    spec: {
      rules: [one],
      audience: { touched: { from: "2024-03-01", to: "2024-03-10", types: ["call"] } },
    },
    events: [
      ev("in", Date.UTC(2024, 2, 10, 23, 59), "call"),
      ev("in", T, "page_view"),
      ev("early", Date.UTC(2024, 1, 29, 23, 59), "call"),
      ev("wrongtype", Date.UTC(2024, 2, 5), "chat"),
      ev("after", Date.UTC(2024, 2, 11), "call"),
      ev("start", Date.UTC(2024, 2, 1), "call"),
    ],
    expected: { in: { score: 1 }, start: { tier: "unscored" } },
  },
];

for (const c of CASES) {
  Deno.test(`scoreContacts() ${c.name}`, () => {
    const result = scoreContacts(config(c.spec), {
      events: c.events,
      contacts: c.contacts,
      verification: c.verification,
    }, { asOf: c.asOf ?? [T] });
    const got = new Map(result.rows.map((r) => [r.contactId, r]));
    assertEquals([...got.keys()].sort(), Object.keys(c.expected).sort(), "contacts in the output");
    for (const [id, exp] of Object.entries(c.expected)) {
      const row = got.get(id)!;
      for (const [key, value] of Object.entries(exp)) {
        const actual = row[key as keyof ScoreRow];
        if (key === "score") assertClose(actual as number, value as number, `${id}.score`);
        else if (key === "scopes") {
          const a = actual as Record<string, number>;
          assertEquals(Object.keys(a).sort(), Object.keys(value).sort(), `${id}.scopes keys`);
          for (const [k, v] of Object.entries(value as Record<string, number>)) {
            assertClose(a[k], v, `${id}.scopes.${k}`);
          }
        } else assertEquals(actual, value, `${id}.${key}`);
      }
    }
  });
}

Deno.test("scoreContacts() orders rows by instant then contact id and sorts instants", () => {
  const r = scoreContacts(config({ rules: [one] }), {
    events: [ev("b", T, "page_view"), ev("a", T, "page_view"), ev("0a", T, "page_view")],
  }, { asOf: [T, T - DAY, T] });
  assertEquals(r.rows.map((x) => `${x.asOf === T ? 2 : 1}:${x.contactId}`), [
    "1:0a",
    "1:a",
    "1:b",
    "2:0a",
    "2:a",
    "2:b",
  ]);
  assertEquals(r.summaries.map((s) => s.scored), [0, 3]);
});

Deno.test("scoreContacts() with contacts ignores and counts events of other contacts", () => {
  const r = scoreContacts(config({ rules: [one] }), {
    contacts: [{ contact_id: "a" }, { contact_id: "z" }],
    events: [ev("a", T, "page_view"), ev("x", T, "page_view"), ev("y", T, "page_view")],
  }, { asOf: [T] });
  assertEquals(r.rows.map((x) => [x.contactId, x.tier]), [["a", "low"], ["z", "unscored"]]);
  assertEquals(r.summaries[0], {
    contacts: 2,
    scored: 1,
    coverage: 0.5,
    ignoredEvents: 2,
    excludedByAudience: 0,
    excludedByVerification: 0,
  });
});

Deno.test("scoreContacts() reasons keep the three rules that move the score most", () => {
  const r = scoreContacts(
    config({
      rules: [
        { id: "a", on: "a", points: 1 },
        { id: "b", on: "b", points: -12.5 },
        { id: "c", on: "c", points: 3 },
        { id: "d", on: "d", points: 12.5 },
      ],
      attributes: [{ id: "vip", field: "vip", where: { eq: true }, points: 20 }],
    }),
    {
      contacts: [{ contact_id: "x", vip: true }],
      events: ["a", "b", "c", "d"].map((t) => ev("x", T, t)),
    },
    { asOf: [T] },
  );
  // 1 - 12.5 + 3 + 12.5 + 20 = 24; ties (b, d) keep config order.
  assertEquals(r.rows[0].score, 24);
  assertEquals(r.rows[0].reasons, [
    { ruleId: "vip", points: 20 },
    { ruleId: "b", points: -12.5 },
    { ruleId: "d", points: 12.5 },
  ]);
});

Deno.test("scoreContacts() triggers fire on the first instant for contacts already there, then on rises", () => {
  const cfg = config({
    tiers: { high: 10, medium: 5 },
    rules: [{ id: "pv", on: "page_view", points: 5 }],
    triggers: [{ id: "warm", reaches: "medium" }, { id: "hot", reaches: "high" }],
  });
  const T1 = T, T2 = T + DAY, T3 = T + 2 * DAY;
  const r = scoreContacts(cfg, {
    events: [
      ev("early", T1 - HOUR, "page_view"), // medium at T1
      ev("late", T2 - HOUR, "page_view"), // unscored at T1, medium at T2
      ev("late", T3 - HOUR, "page_view"), // high at T3
      ev("early", T3 - HOUR, "page_view"), // high at T3 (medium at T2: no new medium firing)
    ],
  }, { asOf: [T1, T2, T3] });
  assertEquals(r.triggers.map((f) => [f.triggerId, f.contactId, f.asOf, f.from, f.to]), [
    ["warm", "early", T1, null, "medium"],
    ["warm", "late", T2, "unscored", "medium"],
    ["hot", "early", T3, "medium", "high"],
    ["hot", "late", T3, "medium", "high"],
  ]);
});

Deno.test("scoreContacts() refuses events without a usable ts or contact_id", () => {
  const cfg = config({ rules: [one] });
  let msg = "";
  try {
    scoreContacts(cfg, { events: [ev("a", T, "page_view"), ev("b", NaN, "page_view")] }, {
      asOf: [T],
    });
  } catch (e) {
    msg = (e as Error).message;
  }
  assertEquals(msg.includes('event #2 of contact "b"'), true, msg);
});
