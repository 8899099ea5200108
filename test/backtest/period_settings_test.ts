import assert from "node:assert/strict";
import {
  calibrationOptions,
  cutoffsOf,
  defaultPeriodSettings,
  parseGrid,
  parsePenalty,
  reconcilePeriodSettings,
  withPoints,
  withTiers,
} from "../../src/backtest/period_settings.ts";

const day = (s: string) => Date.parse(`${s}T00:00:00Z`);

Deno.test("defaultPeriodSettings() leaves a full look-back before and a horizon after", () => {
  const s = defaultPeriodSettings({
    eventsFrom: day("2024-01-01"),
    eventsTo: day("2024-12-31"),
    purchasesTo: day("2024-12-30"),
  });
  // 2024-01-01 + 90 days = 2024-03-31 -> first month start after it: 2024-04-01.
  assert.equal(s.from, day("2024-04-01"));
  // 2024-12-30 - 30 days = 2024-11-30 -> its month start: 2024-11-01.
  assert.equal(s.to, day("2024-11-01"));
  assert.equal(cutoffsOf(s).length, 8);
  assert.throws(
    () =>
      defaultPeriodSettings({
        eventsFrom: day("2024-01-01"),
        eventsTo: day("2024-02-01"),
        purchasesTo: null,
      }),
    /Cannot choose periods: events from 2024-01-01 to 2024-02-01 leave no cutoff/,
  );
  assert.throws(
    () => defaultPeriodSettings({ eventsFrom: null, eventsTo: null, purchasesTo: null }),
    /no events/,
  );
});

Deno.test("calibrationOptions() holds out the last periods", () => {
  const s = defaultPeriodSettings({
    eventsFrom: day("2024-01-01"),
    eventsTo: day("2024-12-31"),
    purchasesTo: null,
  });
  const o = calibrationOptions({ ...s, holdoutPeriods: 2 });
  assert.equal(o.cutoffs.at(-1), day("2024-12-01"));
  assert.deepEqual(o.holdout, { after: day("2024-10-01") });
  assert.equal(calibrationOptions({ ...s, holdoutPeriods: 0 }).holdout, null);
});

Deno.test("calibrationOptions() passes the penalty and the window grid", () => {
  const s = defaultPeriodSettings({
    eventsFrom: day("2024-01-01"),
    eventsTo: day("2024-12-31"),
    purchasesTo: null,
  });
  const o = calibrationOptions(s);
  assert.equal(o.l2, "cv", "cross-validated by default, as the CLI");
  assert.equal(o.lookbackGrid, undefined);
  assert.equal(calibrationOptions({ ...s, penalty: "3" }).l2, 3);
  const grid = calibrationOptions({ ...s, lookbackGrid: "180, 90; 180", halfLifeGrid: "" });
  assert.deepEqual(grid.lookbackGrid, [180, 90]);
  assert.deepEqual(grid.halfLifeGrid, [null], "the half-life setting alone");
  const both = calibrationOptions({ ...s, lookbackGrid: "", halfLifeGrid: "none, 30" });
  assert.deepEqual(both.lookbackGrid, [90]);
  assert.deepEqual(both.halfLifeGrid, [null, 30]);
});

Deno.test("parsePenalty() and parseGrid() read form text and name a bad item", () => {
  const cases = [
    { text: "cv", expected: "cv" },
    { text: " CV ", expected: "cv" },
    { text: "", expected: "cv" },
    { text: "0", expected: 0 },
    { text: "2.5", expected: 2.5 },
  ];
  for (const c of cases) assert.equal(parsePenalty(c.text), c.expected, c.text);
  assert.throws(() => parsePenalty("-1"), /penalty "-1": write cv or a number >= 0/);
  assert.throws(() => parsePenalty("lots"), /penalty "lots"/);
  assert.deepEqual(parseGrid("none, 30, 60", "half-life grid", true), [null, 30, 60]);
  assert.deepEqual(parseGrid("  ", "look-back grid", false), []);
  assert.throws(
    () => parseGrid("90, none", "look-back grid", false),
    /look-back grid: "none" is not a number of days > 0$/,
  );
  assert.throws(() => parseGrid("0", "half-life grid", true), /"0" is not .* or none/);
});

Deno.test("withPoints() and withTiers() edit a copy of the config", () => {
  const spec = {
    format: "scorebench.config/v1" as const,
    rules: [{ id: "a", on: "x", points: 1 }, { id: "b", on: "y", points: 2 }],
    attributes: [{ id: "c", field: "age", where: { gte: 18 }, points: 3 }],
  };
  const edited = withTiers(withPoints(spec, { b: 7, c: -1 }), { high: 50, medium: 20 });
  assert.deepEqual(edited.rules?.map((r) => r.points), [1, 7]);
  assert.equal(edited.attributes?.[0].points, -1);
  assert.deepEqual(edited.tiers, { high: 50, medium: 20 });
  assert.equal(spec.rules[1].points, 2);
  assert.throws(() => withTiers(spec, { high: 10, medium: 20 }), /medium "20" is above high "10"/);
});

Deno.test("reconcilePeriodSettings() keeps settings that fit the data and resets those that do not", () => {
  const span2024 = {
    eventsFrom: day("2024-01-01"),
    eventsTo: day("2024-12-31"),
    purchasesTo: day("2024-12-30"),
  };
  const base = defaultPeriodSettings(span2024);
  assert.deepEqual(reconcilePeriodSettings(null, span2024), {
    settings: base,
    note: null,
    noteParts: null,
  });
  const mine = { ...base, from: day("2024-06-01"), horizonDays: 20, pdo: 40 };
  assert.deepEqual(reconcilePeriodSettings(mine, span2024), {
    settings: mine,
    note: null,
    noteParts: null,
  });
  // Other data (1997-1998): the 2024 cutoffs no longer fit; the window and scale stay.
  const span1997 = {
    eventsFrom: day("1997-01-01"),
    eventsTo: day("1998-06-30"),
    purchasesTo: day("1998-06-30"),
  };
  const out = reconcilePeriodSettings(mine, span1997);
  const bounds = defaultPeriodSettings(span1997, 90, 20);
  assert.equal(out.settings.from, bounds.from);
  assert.equal(out.settings.to, bounds.to);
  assert.equal(out.settings.pdo, 40);
  assert.equal(out.settings.horizonDays, 20);
  assert.match(
    out.note!,
    /^Cutoffs reset to the data: 2024-06-01 to 2024-11-01 fell outside 1997-04-01/,
  );
  // The page shows the same note in its language from the template and values.
  assert.equal(out.noteParts!.values.from, "2024-06-01");
  assert.equal(
    out.noteParts!.text.replace(/\{(\w+)\}/g, (_, k) => String(out.noteParts!.values[k])),
    out.note,
  );
  // A look-back longer than the data: back to the defaults.
  const long = reconcilePeriodSettings({ ...mine, lookbackDays: 900 }, span1997);
  assert.deepEqual(long.settings, defaultPeriodSettings(span1997));
  assert.match(long.note!, /look-back of 900 days/);
});
