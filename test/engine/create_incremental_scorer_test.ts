import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { ScoringConfig } from "../../src/config/types.ts";
import type { ContactRow, EventRow } from "../../src/data/types.ts";
import { createBatchScorer } from "../../src/engine/create_batch_scorer.ts";
import { createIncrementalScorer } from "../../src/engine/create_incremental_scorer.ts";
import { scoreContacts } from "../../src/engine/score_contacts.ts";
import type { ScoreRow, ScoreSummary, TriggerFiring } from "../../src/engine/types.ts";
import { referenceScore } from "./_reference.ts";
import { assertClose, config, DAY, ev, HOUR, rng, T } from "./_helpers.ts";

const TYPES = ["page_view", "email_open", "email_click", "email_unsubscribe", "call"];
const URLS = ["https://s/", "https://s/pricing", "https://s/a/1", "https://s/a/2", null];

function randomConfig(): ScoringConfig {
  return config({
    window: { lookbackDays: 20, halfLifeDays: 6 },
    tiers: { high: 25, medium: 8 },
    rules: [
      { id: "pv", on: "page_view", points: 1, maxPerDay: 3 },
      {
        id: "pricing",
        on: "page_view",
        where: { url: { glob: "*/pricing" } },
        points: 6,
        maxPerDay: 1,
      },
      {
        id: "a",
        on: "page_view",
        where: { url: { prefix: "https://s/a/" } },
        points: 2,
        maxCount: 4,
        scopes: ["global", "stage", { tag: "a" }],
      },
      { id: "open", on: "email_open", points: 0.5, maxPerDay: 2, maxCount: 5 },
      { id: "click", on: "email_click", points: 4 },
      { id: "unsub", on: "email_unsubscribe", points: -15 },
      { id: "call", on: "call", where: { value: { gte: 60 } }, points: 9, scopes: ["stage"] },
      { id: "nourl", on: "page_view", where: { url: { exists: false } }, points: -1 },
      { id: "home", on: "page_view", where: { url: { eq: "https://s/" } }, points: 0.25 },
      {
        id: "mixed",
        on: "email_click",
        where: { url: { in: ["https://s/a/1", "https://s/"] }, stage: { neq: "mql" } },
        points: 1.5,
        scopes: ["global", { tag: "b" }],
      },
      { id: "short-call", on: "call", where: { value: { lt: 30 } }, points: -2, maxPerDay: 1 },
      { id: "pric", on: "email_open", where: { url: { contains: "pric" } }, points: 2 },
    ],
    attributes: [{ id: "f", field: "gender", where: { eq: "f" }, points: 3 }],
    triggers: [{ id: "warm", reaches: "medium" }],
  });
}

function randomData(seed: number, nContacts: number, nEvents: number) {
  const r = rng(seed);
  const contacts: ContactRow[] = Array.from({ length: nContacts }, (_, i) => ({
    contact_id: String(i).padStart(4, "0"),
    gender: r() < 0.5 ? "f" : "m",
    stage: r() < 0.5 ? "lead" : null,
  }));
  const events: EventRow[] = [];
  let ts = T - 60 * DAY;
  for (let i = 0; i < nEvents; i++) {
    // Mostly increasing time, with repeats and some late arrivals.
    const step = r();
    if (step < 0.2) ts += 0;
    else if (step < 0.9) ts += Math.floor(r() * 3 * HOUR);
    const late = r() < 0.1 ? Math.floor(r() * 5 * DAY) : 0;
    const type = TYPES[Math.floor(r() * TYPES.length)];
    events.push(ev(contacts[Math.floor(r() * nContacts)].contact_id, ts - late, type, {
      url: URLS[Math.floor(r() * URLS.length)],
      value: type === "call" ? Math.floor(r() * 120) : null,
      stage: r() < 0.3 ? "mql" : null,
    }));
  }
  return { contacts, events, end: ts };
}

Deno.test("scoreContacts() agrees with a plain reading of docs/rules.md on random data", () => {
  const cfg = randomConfig();
  const { contacts, events, end } = randomData(7, 40, 3000);
  const instants = [end - 30 * DAY, end - 10 * DAY, end - 3 * DAY + 7 * HOUR, end];
  const result = scoreContacts(cfg, { events, contacts }, { asOf: instants });
  assertEquals(result.rows.length, contacts.length * instants.length);
  let scored = 0;
  for (const row of result.rows) {
    const contact = contacts.find((c) => c.contact_id === row.contactId)!;
    const ref = referenceScore(cfg, events, contact, row.contactId, row.asOf);
    assertClose(row.score, ref.score, `${row.contactId}@${row.asOf} score`, 1e-9);
    assertEquals(row.tier, ref.tier, `${row.contactId}@${row.asOf} tier`);
    assertEquals(row.matchedEvents, ref.matched);
    assertEquals(Object.keys(row.scopes).sort(), Object.keys(ref.scopes).sort());
    for (const [k, v] of Object.entries(ref.scopes)) assertClose(row.scopes[k], v, k, 1e-9);
    for (const reason of row.reasons) {
      assertClose(reason.points, ref.contrib[reason.ruleId], reason.ruleId, 1e-9);
    }
    if (row.tier !== "unscored") scored++;
  }
  // The data must exercise the rules, not just agree on zeros.
  if (scored < result.rows.length / 2) throw new Error(`only ${scored} scored rows`);
});

Deno.test("createIncrementalScorer() gives the same rows as scoreContacts() on random data", () => {
  const cfg = randomConfig();
  const { contacts, events, end } = randomData(11, 30, 2000);
  const instants = [end - 12 * DAY, end - DAY, end];
  const batch = scoreContacts(cfg, { events, contacts }, { asOf: instants });
  const inc = createIncrementalScorer(cfg, { contacts });
  for (const e of events) inc.add(e);
  for (const row of batch.rows) {
    assertEquals(inc.score(row.contactId, row.asOf), row);
  }
  assertEquals(inc.clock, Math.max(...events.map((e) => e.ts)));
});

Deno.test("createBatchScorer() streamed equals scoreContacts() and keeps only match records", () => {
  const cfg = randomConfig();
  const { events, end } = randomData(3, 25, 1500);
  const scorer = createBatchScorer(cfg);
  for (const e of events) scorer.add(e);
  assertEquals(scorer.eventCount, 1500);
  const expected = scoreContacts(cfg, { events }, { asOf: [end] });
  assertEquals(scorer.finish([end]), expected);
  let msg = "";
  try {
    scorer.add(events[0]);
  } catch (e) {
    msg = (e as Error).message;
  }
  assertEquals(msg, "Cannot add an event: the scorer has finished");
});

Deno.test("createBatchScorer() finish() with onInstant hands over each instant's rows instead of keeping them", () => {
  const cfg = randomConfig();
  const { events, end } = randomData(7, 25, 1500);
  const asOf = [end - 40 * DAY, end - 10 * DAY, end];
  const expected = scoreContacts(cfg, { events }, { asOf });
  const scorer = createBatchScorer(cfg);
  for (const e of events) scorer.add(e);
  const seen: { asOf: number; rows: ScoreRow[]; summary: ScoreSummary }[] = [];
  const result = scorer.finish(asOf, {
    onInstant: (t, rows, summary) => seen.push({ asOf: t, rows, summary }),
  });
  assertEquals(seen.map((s) => s.asOf), asOf);
  assertEquals(seen.flatMap((s) => s.rows), expected.rows);
  assertEquals(seen.map((s) => s.summary), expected.summaries);
  assertEquals(result, { ...expected, rows: [] });
});

Deno.test("createIncrementalScorer() fires a trigger when an event lifts a contact's tier", () => {
  const cfg = config({
    tiers: { high: 10, medium: 5 },
    rules: [{ id: "pv", on: "page_view", points: 3 }],
    triggers: [{ id: "warm", reaches: "medium" }, { id: "hot", reaches: "high" }],
  });
  const inc = createIncrementalScorer(cfg);
  const fired: TriggerFiring[] = [];
  inc.onTrigger((f) => fired.push(f));
  inc.add(ev("a", T, "page_view")); // 3 low
  assertEquals(fired.length, 0);
  inc.add(ev("a", T + HOUR, "page_view")); // 6 medium
  inc.add(ev("b", T + 2 * HOUR, "page_view")); // b: 3 low
  inc.add(ev("a", T + 3 * HOUR, "page_view")); // 9 medium: no new firing
  inc.add(ev("a", T + 4 * HOUR, "page_view")); // 12 high
  assertEquals(fired.map((f) => [f.triggerId, f.contactId, f.asOf, f.from, f.to]), [
    ["warm", "a", T + HOUR, "low", "medium"],
    ["hot", "a", T + 4 * HOUR, "medium", "high"],
  ]);
  assertEquals(inc.score("a")?.score, 12);
  assertEquals(inc.score("a", T + 91 * DAY)?.tier, "unscored");
  assertEquals(inc.score("nobody"), null);
});

Deno.test("createIncrementalScorer() applies audience, verification and ignores unknown contacts", () => {
  const cfg = config({
    rules: [{ id: "pv", on: "page_view", points: 10 }],
    audience: { gender: ["f"] },
    verification: { mode: "exclude" },
  });
  const inc = createIncrementalScorer(cfg, {
    contacts: [
      { contact_id: "f", gender: "f" },
      { contact_id: "m", gender: "m" },
      { contact_id: "v", gender: "f", email: "v@x.io" },
    ],
    verification: [{ email: " V@X.IO" }],
  });
  for (const id of ["f", "m", "v", "stranger"]) inc.add(ev(id, T, "page_view"));
  assertEquals(inc.score("f")?.score, 10);
  assertEquals(inc.score("m"), null);
  assertEquals(inc.score("v"), null);
  assertEquals(inc.score("stranger"), null);
  assertEquals(inc.ignoredEvents, 1);
});

Deno.test("createBatchScorer() refuses duplicate contacts and an empty list of instants", () => {
  const cfg = config({ rules: [{ id: "pv", on: "page_view", points: 1 }] });
  const messages: string[] = [];
  try {
    createBatchScorer(cfg, { contacts: [{ contact_id: "a" }, { contact_id: "a" }] });
  } catch (e) {
    messages.push((e as Error).message);
  }
  try {
    createBatchScorer(cfg).finish([]);
  } catch (e) {
    messages.push((e as Error).message);
  }
  assertEquals(messages, [
    'Cannot score: contact "a" appears twice in the contacts',
    "Cannot score: no instant given (asOf is empty)",
  ]);
});
