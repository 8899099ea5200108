import assert from "node:assert/strict";
import { candidateFeatures, countFeatures, type EventFeature } from "../../src/calibrate/mod.ts";
import type { EventRow } from "../../src/data/types.ts";
import { DAY_MS as DAY } from "../../src/tables/mod.ts";

const T = Date.UTC(2024, 3, 1);
const ev = (ts: number, type: string, url?: string): EventRow => ({
  contact_id: "1",
  ts,
  type,
  url,
});

Deno.test("countFeatures() counts the window T - lookback < ts <= T only", () => {
  const events = [
    ev(T, "click"), // at the cutoff: counts
    ev(T - 90 * DAY, "click"), // on the open edge: out
    ev(T - 90 * DAY + 1, "click"), // just inside
    ev(T + 1, "click"), // after the cutoff: never
    ev(T - DAY, "view", "/pricing"),
    ev(T - DAY, "view", "/"),
  ];
  const features: EventFeature[] = [
    { id: "click", label: "type:click", on: "click" },
    { id: "view", label: "type:view", on: "view" },
    { id: "pricing", label: "view url=/pricing", on: "view", column: "url", value: "/pricing" },
  ];
  const index = { cutoffs: [T], rowOf: [new Map([["1", 0]])], rows: 1 };
  assert.deepEqual([...countFeatures(events, features, index, { lookbackDays: 90 })], [2, 2, 1]);
  // Decay as the engine: an event 10 days old at half-life 10 counts 1/2.
  const decayed = countFeatures([ev(T - 10 * DAY, "click")], features, index, {
    lookbackDays: 90,
    halfLifeDays: 10,
  });
  assert.equal(decayed[0], 0.5);
});

Deno.test("candidateFeatures() lists types and frequent values seen inside the windows", () => {
  const events: EventRow[] = [];
  for (let i = 0; i < 30; i++) {
    events.push(ev(T - i * 3600_000, "view", i < 25 ? "/pricing" : "/x"));
    events.push(ev(T + DAY + i, "future", "/later"));
  }
  const f = candidateFeatures(events, [T], 90, { minEvents: 20, columns: ["url"] });
  assert.deepEqual(f.map((x) => x.label), ["type:view", "view url=/pricing"]);
  assert.deepEqual(f[1], {
    id: "view-url-pricing",
    label: "view url=/pricing",
    on: "view",
    column: "url",
    value: "/pricing",
  });
  assert.throws(
    () => candidateFeatures(events, [T], 90, { minEvents: 0 }),
    /minEvents must be >= 1, got "0"/,
  );
});
