import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { formatNumber } from "../../src/engine/format_number.ts";
import {
  formatScoresCsv,
  formatTriggersCsv,
  scoresCsvChunks,
} from "../../src/engine/format_scores_csv.ts";
import { emailKey, phoneKey } from "../../src/engine/verification_keys.ts";
import { scoreContacts } from "../../src/engine/score_contacts.ts";
import { tierOf } from "../../src/tables/mod.ts";
import { config, DAY, ev, T } from "./_helpers.ts";

Deno.test("formatNumber() prints the shortest text that reads back as the same double", () => {
  for (const x of [0.1 + 0.2, 1 / 3, 2 ** -1074, 1e21, 123456789.123, -20, 12.5, Math.PI * 1e-9]) {
    const s = formatNumber(x);
    assertEquals(Number(s), x);
  }
  assertEquals(formatNumber(0.1 + 0.2), "0.30000000000000004");
  assertEquals(formatNumber(12.5), "12.5");
  assertEquals(formatNumber(-0), "0");
  assertEquals(formatNumber(40), "40");
});

Deno.test("tierOf() is inclusive at the boundaries", () => {
  const tiers = { high: 60, medium: 25 };
  assertEquals([60, 59.999, 25, 24.999, -5].map((s) => tierOf(s, tiers)), [
    "high",
    "medium",
    "medium",
    "low",
    "low",
  ]);
});

Deno.test("phoneKey() keeps digits and turns a Russian 8 into 7", () => {
  assertEquals(phoneKey("8 (916) 123-45-67"), "79161234567");
  assertEquals(phoneKey("+7 916 123-45-67"), "79161234567");
  assertEquals(phoneKey("+44 20 7946 0958"), "442079460958");
  assertEquals(phoneKey("8123"), "8123");
  assertEquals(phoneKey(" - "), null);
  assertEquals(emailKey("  Olga.Popova@Gmail.Com "), "olga.popova@gmail.com");
});

Deno.test("formatScoresCsv() writes the columns of the CLI contract with scope columns sorted and ids in code-unit order", () => {
  const cfg = config({
    window: { lookbackDays: 30, halfLifeDays: 10 },
    rules: [
      { id: "pv", on: "page_view", points: 10, scopes: ["global", "stage", { tag: "b,c" }] },
      { id: "unsub", on: "email_unsubscribe", points: -20 },
    ],
  });
  const result = scoreContacts(cfg, {
    contacts: [{ contact_id: "007", stage: "lead" }, { contact_id: "+1" }],
    events: [
      ev("007", T - 10 * DAY, "page_view"),
      ev("007", T, "email_unsubscribe"),
      ev("007", T, "page_view", { stage: "mql" }),
    ],
    verification: [{ contact_id: "+1" }],
  }, { asOf: [T] });
  assertEquals(
    formatScoresCsv(result),
    [
      'as_of,contact_id,score,tier,matched_events,verified,reasons,stage:lead,stage:mql,"tag:b,c"',
      "2024-03-31T00:00:00Z,+1,0,unscored,0,true,,0,0,0",
      "2024-03-31T00:00:00Z,007,-5,low,3,false,unsub:-20;pv:+15,5,10,15",
      "",
    ].join("\n"),
  );
});

Deno.test("scoresCsvChunks() cuts the text of formatScoresCsv() into whole lines", () => {
  const cfg = config({ rules: [{ id: "pv", on: "page_view", points: 1.5 }] });
  const ids = Array.from({ length: 40 }, (_, i) => `c${i}`);
  const result = scoreContacts(cfg, {
    events: ids.map((id, i) => ev(id, T - i * 3600_000, "page_view")),
  }, { asOf: [T - DAY, T] });
  const whole = formatScoresCsv(result);
  for (const size of [1, 100, 1 << 20]) {
    const chunks = [...scoresCsvChunks(result, size)];
    assertEquals(chunks.join(""), whole);
    for (const c of chunks) assertEquals(c.endsWith("\n"), true);
    if (size === 1) assertEquals(chunks.length, result.rows.length); // the header rides with the first line
  }
});

Deno.test("formatTriggersCsv() writes one line per firing", () => {
  const cfg = config({
    tiers: { high: 10, medium: 5 },
    rules: [{ id: "pv", on: "page_view", points: 5 }],
    triggers: [{ id: "warm", reaches: "medium" }],
  });
  const r = scoreContacts(cfg, { events: [ev("a", T + 1, "page_view")] }, { asOf: [T, T + DAY] });
  assertEquals(
    formatTriggersCsv(r),
    "trigger_id,contact_id,as_of,from,to\nwarm,a,2024-04-01T00:00:00Z,unscored,medium\n",
  );
});
