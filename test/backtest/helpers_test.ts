import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import {
  convertersWithin,
  migrationBetween,
  migrationMatrix,
  periodInstants,
  scoreBins,
  tierTable,
} from "../../src/backtest/mod.ts";
import { matrixTotal } from "./_independent.ts";
import { DAY_MS as DAY } from "../../src/tables/mod.ts";

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

Deno.test("periodInstants() steps by calendar month keeping month ends", () => {
  assertEquals(
    periodInstants(Date.UTC(2024, 0, 31), Date.UTC(2024, 4, 31)).map(iso),
    ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"],
  );
  assertEquals(
    periodInstants(Date.UTC(2024, 0, 15), Date.UTC(2024, 2, 14)).map(iso),
    ["2024-01-15", "2024-02-15"],
  );
  assertEquals(
    periodInstants(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 22), { every: "week" }).map(iso),
    ["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"],
  );
  throws(() => periodInstants(DAY, 0), /before start/);
  throws(() => periodInstants(0, DAY, { every: "day" as "week" }), /step "day"/);
});

Deno.test("convertersWithin() counts purchases in (T, T + horizon] only", () => {
  const T = Date.UTC(2024, 0, 1);
  const sets = convertersWithin(
    [
      { contact_id: "at", ts: T },
      { contact_id: "in", ts: T + 1 },
      { contact_id: "edge", ts: T + 7 * DAY },
      { contact_id: "late", ts: T + 7 * DAY + 1 },
    ],
    [T, T + 7 * DAY],
    7,
  );
  assertEquals([...sets[0]].sort(), ["edge", "in"]);
  assertEquals([...sets[1]], ["late"]);
  throws(() => convertersWithin([], [T], 0), /horizon "0"/);
});

Deno.test("tierTable() computes rate, lift and capture per tier", () => {
  // codes: 3 high, 2 medium, 1 low, 0 unscored
  const t = tierTable([3, 3, 2, 2, 2, 1, 0, 0], [1, 0, 1, 0, 0, 0, 0, 0]);
  assertEquals(t.conversionRate, 0.25);
  assertEquals(t.tiers.high, {
    contacts: 2,
    converters: 1,
    conversionRate: 0.5,
    lift: 2,
    capture: 0.5,
  });
  assertEquals(t.tiers.medium.lift, (1 / 3) / 0.25);
  assertEquals(t.tiers.unscored, {
    contacts: 2,
    converters: 0,
    conversionRate: 0,
    lift: 0,
    capture: 0,
  });
  const none = tierTable([3, 1], [0, 0]);
  assertEquals(none.tiers.high, {
    contacts: 1,
    converters: 0,
    conversionRate: 0,
    lift: null,
    capture: null,
  });
});

Deno.test("migrationMatrix() counts moves, with absent contacts on their own row and column", () => {
  const m = migrationMatrix([3, 3, 2, 1, 0, -1], [3, 2, 2, 0, -1, 1]);
  assertEquals(m.high.high, 1);
  assertEquals(m.high.medium, 1);
  assertEquals(m.medium.medium, 1);
  assertEquals(m.low.unscored, 1);
  assertEquals(m.unscored.absent, 1);
  assertEquals(m.absent.low, 1);
  const sum = matrixTotal(m);
  assertEquals(sum, 6);
  const byId = migrationBetween(
    new Map([["x", "high"], ["y", "low"]]),
    new Map([["x", "low"], ["z", "medium"]]),
  );
  assertEquals([byId.high.low, byId.low.absent, byId.absent.medium], [1, 1, 1]);
});

Deno.test("scoreBins() cuts at quantiles, dropping ties and the maximum", () => {
  assertEquals(scoreBins([1, 2, 3, 4, 5], { bins: 2 }), [3]);
  assertEquals(scoreBins([1, 2, 3, 4, 5], { bins: 4 }), [2, 3, 4]);
  assertEquals(scoreBins([0, 0, 0, 0, 9], { bins: 4 }), [0]);
  assertEquals(scoreBins([5, 5, 5]), []);
  assertEquals(scoreBins([]), []);
  throws(() => scoreBins([1], { bins: 0 }), /bins "0"/);
});
