/** Configs shared by the config tests: a config using every section once, and broken variants. */
export const SPEC_EXAMPLE = {
  format: "scorebench.config/v1",
  name: "Spring 2024, loans",
  window: { lookbackDays: 90, halfLifeDays: 30 },
  rules: [
    {
      id: "pricing",
      on: "page_view",
      where: { url: { glob: "*/pricing*" } },
      points: 8,
      maxPerDay: 1,
    },
    { id: "click", on: "email_click", points: 5, maxCount: 4 },
    { id: "unsub", on: "email_unsubscribe", points: -20 },
    {
      id: "a-view",
      on: "page_view",
      where: { url: { prefix: "https://shop.example/a/" } },
      points: 3,
      scopes: ["global", { tag: "product-a" }],
    },
    {
      id: "store",
      on: "purchase",
      where: { channel: { eq: "offline" } },
      points: 30,
      scopes: ["stage"],
    },
  ],
  attributes: [{ id: "age-25-44", field: "age", where: { between: [25, 44] }, points: 10 }],
  tiers: { high: 60, medium: 25 },
  audience: {
    gender: ["f"],
    age: [25, 54],
    interests: ["loans"],
    stage: ["lead", "lost"],
    touched: { from: "2024-01-01", to: "2024-03-31" },
  },
  verification: { mode: "demote", factor: 0.5 },
  triggers: [{
    id: "edu-mail",
    reaches: "medium",
    action: { type: "webhook", url: "https://crm.example/hook" },
  }],
  provenance: {},
};

// Edits reach deep into untyped JSON on purpose: that is what a broken config is.
// deno-lint-ignore no-explicit-any
type Loose = Record<string, any>;

/** A deep copy of the example with `edit` applied. */
export function variant(edit: (c: Loose) => void): Record<string, unknown> {
  const c = structuredClone(SPEC_EXAMPLE) as Loose;
  edit(c);
  return c;
}

/**
 * Bad configs that both the JSON Schema and the parser must refuse, with the path and a
 * part of the message the parser gives.
 */
export const BAD: [string, Record<string, unknown>, string, string][] = [
  ["wrong format string", variant((c) => c.format = "scorebench.config/v2"), "format", "expected"],
  ["missing format", variant((c) => delete c.format), "format", "missing"],
  ["unknown root key", variant((c) => c.rulez = []), "rulez", "unknown key"],
  ["unknown rule key", variant((c) => c.rules[1].point = 1), "rules[1].point", "unknown key"],
  [
    "glob not a string",
    variant((c) => c.rules[0].where.url.glob = 5),
    "rules[0].where.url.glob",
    "expected string",
  ],
  [
    "unknown operator",
    variant((c) => c.rules[0].where.url.like = "x"),
    "rules[0].where.url.like",
    "unknown operator",
  ],
  [
    "empty predicate",
    variant((c) => c.rules[0].where.url = {}),
    "rules[0].where.url",
    "at least one operator",
  ],
  [
    "between not a pair",
    variant((c) => c.attributes[0].where.between = [25]),
    "attributes[0].where.between",
    "pair",
  ],
  [
    "between mixed types",
    variant((c) => c.attributes[0].where.between = [25, "44"]),
    "attributes[0].where.between",
    "two numbers or two strings",
  ],
  [
    "negative maxPerDay",
    variant((c) => c.rules[0].maxPerDay = -1),
    "rules[0].maxPerDay",
    "integer >= 1",
  ],
  [
    "fractional maxCount",
    variant((c) => c.rules[1].maxCount = 1.5),
    "rules[1].maxCount",
    "integer >= 1",
  ],
  [
    "points as text",
    variant((c) => c.rules[2].points = "-20"),
    "rules[2].points",
    "expected number",
  ],
  ["missing points", variant((c) => delete c.rules[2].points), "rules[2].points", "missing"],
  ["on not a string", variant((c) => c.rules[2].on = 3), "rules[2].on", "expected string"],
  [
    "bad scope",
    variant((c) => c.rules[3].scopes = ["global", "tags"]),
    "rules[3].scopes[1]",
    "expected",
  ],
  ["empty scopes", variant((c) => c.rules[3].scopes = []), "rules[3].scopes", "at least one scope"],
  ["factor above 1", variant((c) => c.verification.factor = 1.5), "verification.factor", "0..1"],
  ["factor below 0", variant((c) => c.verification.factor = -0.1), "verification.factor", "0..1"],
  [
    "unknown verification mode",
    variant((c) => c.verification.mode = "drop"),
    "verification.mode",
    "expected one of",
  ],
  [
    "bad touched date",
    variant((c) => c.audience.touched.from = "01.01.2024"),
    "audience.touched.from",
    "date",
  ],
  [
    "age not a pair of numbers",
    variant((c) => c.audience.age = [25, "54"]),
    "audience.age",
    "pair of numbers",
  ],
  [
    "gender not a list",
    variant((c) => c.audience.gender = "f"),
    "audience.gender",
    "array of strings",
  ],
  ["lookback zero", variant((c) => c.window.lookbackDays = 0), "window.lookbackDays", "> 0"],
  ["half-life negative", variant((c) => c.window.halfLifeDays = -30), "window.halfLifeDays", "> 0"],
  ["tiers missing medium", variant((c) => delete c.tiers.medium), "tiers.medium", "missing"],
  [
    "trigger reaches unknown tier",
    variant((c) => c.triggers[0].reaches = "hot"),
    "triggers[0].reaches",
    "expected one of",
  ],
  [
    "trigger action without type",
    variant((c) => delete c.triggers[0].action.type),
    "triggers[0].action.type",
    "missing",
  ],
  [
    "attribute without where",
    variant((c) => delete c.attributes[0].where),
    "attributes[0].where",
    "missing",
  ],
  ["empty id", variant((c) => c.rules[0].id = ""), "rules[0].id", "non-empty"],
  ["rules not an array", variant((c) => c.rules = {}), "rules", "expected array"],
  ["provenance not an object", variant((c) => c.provenance = "x"), "provenance", "expected object"],
];

/** Bad configs only the parser can refuse: rules across fields a JSON Schema cannot state. */
export const BAD_PARSER_ONLY: [string, Record<string, unknown>, string, string][] = [
  [
    "duplicate rule ids",
    variant((c) => c.rules[1].id = "pricing"),
    "rules[1].id",
    'duplicate rule id "pricing"',
  ],
  [
    "attribute id repeating a rule id",
    variant((c) => c.attributes[0].id = "unsub"),
    "attributes[0].id",
    "duplicate",
  ],
  [
    "tiers.medium above tiers.high",
    variant((c) => c.tiers = { high: 20, medium: 30 }),
    "tiers.medium",
    "above tiers.high",
  ],
  [
    "between low above high",
    variant((c) => c.attributes[0].where.between = [44, 25]),
    "attributes[0].where.between",
    "above high",
  ],
  [
    "touched from after to",
    variant((c) => c.audience.touched = { from: "2024-04-01", to: "2024-03-01" }),
    "audience.touched.to",
    "before from",
  ],
  [
    "touched not a real date",
    variant((c) => c.audience.touched.to = "2024-02-30"),
    "audience.touched.to",
    "date",
  ],
  ["age range reversed", variant((c) => c.audience.age = [54, 25]), "audience.age", "above"],
  [
    "a rule id with U+0000",
    variant((c) => c.rules[0].id = "pri\u0000cing"),
    "rules[0].id",
    "control character U+0000 at position 3",
  ],
  [
    "a trigger id with a line feed",
    variant((c) => c.triggers = [{ id: "a\nb", reaches: "high" }]),
    "triggers[0].id",
    "control character U+000A",
  ],
  [
    "a where column with a carriage return",
    variant((c) => c.rules[0].where = { "u\rl": { eq: 1 } }),
    'rules[0].where["u\\rl"]',
    "control character U+000D",
  ],
];

/** Good configs beyond the example: minimal, attribute-only, every operator. */
export const GOOD: [string, Record<string, unknown>][] = [
  ["the every-section example", SPEC_EXAMPLE],
  ["only the format", { format: "scorebench.config/v1" }],
  ["a glob with - and every regex character", {
    format: "scorebench.config/v1",
    rules: [{ id: "g", on: "x", where: { url: { glob: "*/sale-?/*[(.+)]{1}$^|\\" } }, points: 1 }],
  }],
  ["attribute-only", {
    format: "scorebench.config/v1",
    attributes: [{ id: "f", field: "gender", where: { in: ["f", "F"] }, points: 5 }],
  }],
  ["every operator", {
    format: "scorebench.config/v1",
    rules: [{
      id: "all",
      on: "x",
      where: {
        a: { eq: 1 },
        b: { neq: "x" },
        c: { in: ["a", 1, true] },
        d: { notIn: [] },
        e: { prefix: "p" },
        f: { contains: "c" },
        g: { glob: "*?" },
        h: { gt: 1, gte: "2024-01-01", lt: 5, lte: 6 },
        i: { between: ["a", "b"] },
        j: { exists: false },
        "Client ID": { exists: true },
      },
      points: -1.5,
      maxPerDay: 1,
      maxCount: 10,
      scopes: ["stage", { tag: "x" }, "global"],
      description: "all operators",
    }],
    tiers: { high: 10, medium: 10 },
    audience: {
      touched: { from: "2024-01-01T00:00:00Z", to: "2024-03-31T12:00:00+03:00", types: ["call"] },
    },
    verification: { mode: "exclude" },
    triggers: [{ id: "t", reaches: "low" }],
  }],
];
