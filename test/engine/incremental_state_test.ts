import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import type { ScoringConfig } from "../../src/config/types.ts";
import type { ContactRow, EventRow, VerificationRow } from "../../src/data/types.ts";
import {
  createIncrementalScorer,
  type IncrementalScorer,
} from "../../src/engine/create_incremental_scorer.ts";
import type { TriggerFiring } from "../../src/engine/types.ts";
import { config, DAY, ev, HOUR, rng, T } from "./_helpers.ts";

const CFG: ScoringConfig = config({
  window: { lookbackDays: 20, halfLifeDays: 6 },
  tiers: { high: 25, medium: 8 },
  rules: [
    { id: "pv", on: "page_view", points: 1, maxPerDay: 3 },
    { id: "pricing", on: "page_view", where: { url: { glob: "*/pricing" } }, points: 6 },
    {
      id: "a",
      on: "page_view",
      where: { url: { prefix: "https://s/a/" } },
      points: 2,
      maxCount: 4,
      scopes: ["global", "stage", { tag: "a" }],
    },
    { id: "click", on: "email_click", points: 4, scopes: ["global", "stage"] },
    { id: "unsub", on: "email_unsubscribe", points: -15 },
  ],
  attributes: [{ id: "f", field: "gender", where: { eq: "f" }, points: 3 }],
  audience: { touched: { from: "2024-01-01", to: "2024-12-31", types: ["page_view"] } },
  verification: { mode: "demote", factor: 0.5 },
  triggers: [{ id: "warm", reaches: "medium" }, { id: "hot", reaches: "high" }],
});

const TYPES = ["page_view", "page_view", "email_click", "email_unsubscribe", "call"];
const URLS = ["https://s/", "https://s/pricing", "https://s/a/1", null];
const STAGES = ["lead", "mql", "sql", null];

function data(seed: number, nContacts: number, nEvents: number) {
  const r = rng(seed);
  const contacts: ContactRow[] = Array.from({ length: nContacts }, (_, i) => ({
    contact_id: `c${i}`,
    gender: r() < 0.5 ? "f" : "m",
    stage: STAGES[Math.floor(r() * STAGES.length)],
    phone: i % 7 === 0 ? `7916000${String(i).padStart(4, "0")}` : null,
  }));
  const verification: VerificationRow[] = contacts.filter((c) => c.phone).map((c) => ({
    phone: c.phone,
  }));
  const events: EventRow[] = [];
  let ts = T - 60 * DAY;
  for (let i = 0; i < nEvents; i++) {
    ts += Math.floor(r() * 2 * HOUR);
    const late = r() < 0.1 ? Math.floor(r() * 4 * DAY) : 0;
    events.push(ev(`c${Math.floor(r() * (nContacts + 5))}`, ts - late, TYPES[Math.floor(r() * 5)], {
      url: URLS[Math.floor(r() * URLS.length)],
      stage: STAGES[Math.floor(r() * STAGES.length)],
    }));
  }
  return { contacts, verification, events, end: ts };
}

function feed(s: IncrementalScorer, events: EventRow[]): TriggerFiring[] {
  const fired: TriggerFiring[] = [];
  const off = s.onTrigger((f) => fired.push(f));
  for (const e of events) s.add(e);
  off();
  return fired;
}

for (const withTables of [false, true]) {
  Deno.test(
    `createIncrementalScorer({ state }) continues exactly where exportState() left off${
      withTables ? " (contacts and verification)" : ""
    }`,
    () => {
      const { contacts, verification, events, end } = data(withTables ? 5 : 9, 40, 2500);
      const tables = withTables ? { contacts, verification } : {};
      const whole = createIncrementalScorer(CFG, tables);
      const cut = 1500;
      feed(whole, events.slice(0, cut));
      const expectedFirings = feed(whole, events.slice(cut));
      const first = createIncrementalScorer(CFG, tables);
      feed(first, events.slice(0, cut));
      const state = first.exportState();
      assert(state.ts.length > 500 && state.stageNames.length >= 3, "the state must hold matches");
      const resumed = createIncrementalScorer(CFG, { ...tables, state });
      assertEquals(resumed.clock, first.clock);
      // Same firings for the rest of the stream (ranks were carried over), same rows after.
      assertEquals(feed(resumed, events.slice(cut)), expectedFirings);
      assert(expectedFirings.length > 5, `${expectedFirings.length} firings`);
      assertEquals(resumed.ignoredEvents, whole.ignoredEvents);
      for (const id of [...contacts.map((c) => c.contact_id), "c41", "c43"]) {
        for (const at of [end - 30 * DAY, end - DAY, end]) {
          assertEquals(resumed.score(id, at), whole.score(id, at), `${id}@${at}`);
        }
      }
      assertEquals(resumed.exportState(), whole.exportState());
    },
  );
}

Deno.test("createIncrementalScorer({ state }) refuses a state taken with other rules", () => {
  const s = createIncrementalScorer(CFG);
  s.add(ev("x", T, "page_view"));
  const other = config({ rules: [{ id: "pv", on: "page_view", points: 1 }] });
  let message = "";
  try {
    createIncrementalScorer(other, { state: s.exportState() });
  } catch (err) {
    assert(err instanceof RangeError);
    message = err.message;
  }
  assert(message.includes("the state was taken with rules"), message);
});
