import assert from "node:assert/strict";
import { reasonsAt, scoringReportSheets } from "../../src/export/mod.ts";
import { replay, toBacktestJson } from "../../src/backtest/mod.ts";
import { toScoringConfig } from "../../src/config/mod.ts";
import type { ScoringConfigSpec } from "../../src/config/types.ts";

const day = (s: string) => Date.parse(`${s}T00:00:00Z`);
const spec: ScoringConfigSpec = {
  format: "scorebench.config/v1",
  name: "two rules",
  window: { lookbackDays: 60 },
  rules: [
    { id: "call", on: "call", points: 13 },
    { id: "visit", on: "visit", points: 4 },
  ],
  tiers: { high: 20, medium: 10 },
};
const events = [
  { contact_id: "a", ts: day("2024-02-10"), type: "call" },
  { contact_id: "a", ts: day("2024-02-11"), type: "visit" },
  { contact_id: "a", ts: day("2024-02-12"), type: "visit" },
  { contact_id: "b", ts: day("2024-01-05"), type: "visit" },
];
const purchases = [{ contact_id: "a", ts: day("2024-03-05"), amount: 10 }];
const contacts = [
  { contact_id: "a", phone: "+79990000001", email: null },
  { contact_id: "b", phone: null, email: "b@example.com" },
  { contact_id: "c", phone: null, email: null },
];

Deno.test("reasonsAt() writes each contact's reasons, largest first", () => {
  const reasons = reasonsAt(spec, { events, contacts }, day("2024-03-01"));
  assert.equal(reasons.get("a"), "call +13; visit +8");
  assert.equal(reasons.get("b"), "visit +4");
  assert.equal(reasons.has("c"), false, "no points, no reasons");
});

Deno.test("scoringReportSheets() puts the last period's reasons on the per-contact sheet", () => {
  const asOf = [day("2024-02-01"), day("2024-03-01")];
  const result = replay(toScoringConfig(spec), { events, purchases, contacts }, {
    asOf,
    horizonDays: 30,
  });
  const json = toBacktestJson(toScoringConfig(spec), result);
  const sheets = scoringReportSheets(spec, json, result, { contacts, events });
  const sheet = sheets.find((s) => s.name === "Interest dynamics")!;
  assert.deepEqual(sheet.columns!.slice(0, 3), ["contact_id", "phone", "email"]);
  assert.equal(sheet.columns!.at(-1), "reasons");
  const rows = sheet.rows as unknown[][];
  const a = rows.find((r) => r[0] === "a")!;
  assert.equal(a.at(-1), "call +13; visit +8");
  assert.equal(a.at(-2), 21, "last score");
  // Without events the sheet has no reasons column (as before).
  const plain = scoringReportSheets(spec, json, result, { contacts });
  assert.notEqual(plain.find((s) => s.name === "Interest dynamics")!.columns!.at(-1), "reasons");
});
