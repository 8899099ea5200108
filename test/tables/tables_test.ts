import assert from "node:assert/strict";
import {
  convertersWithin,
  convertsWithin,
  dataEnd,
  dataSpan,
  DAY_MS,
  defaultCutoffs,
  duckdbColumns,
  formatInstant,
  parseIsoDate,
  parseIsoDateEnd,
  TABLE_KINDS,
  TABLE_SCHEMAS,
  tierCode,
  tierOf,
  TIERS,
} from "../../src/tables/mod.ts";

const d = (text: string) => Date.parse(`${text}T00:00:00Z`);

Deno.test("defaultCutoffs() ends at the earlier of the last event and the last purchase", () => {
  const span = {
    eventsFrom: d("2024-01-10"),
    eventsTo: d("2024-12-20"),
    purchasesTo: d("2024-09-15"),
  };
  assert.equal(dataEnd(span), d("2024-09-15"));
  const cutoffs = defaultCutoffs(span, 90, 30).map((t) => formatInstant(t).slice(0, 10));
  // First month start at least 90 days after Jan 10 (Apr 9) is May 1; the last whose
  // 30-day horizon ends by Sep 15 is Aug 1.
  assert.deepEqual(cutoffs, ["2024-05-01", "2024-06-01", "2024-07-01", "2024-08-01"]);
  // Events ending first bound it the same way.
  const swapped = { ...span, eventsTo: d("2024-09-15"), purchasesTo: d("2024-12-20") };
  assert.deepEqual(defaultCutoffs(swapped, 90, 30), defaultCutoffs(span, 90, 30));
  assert.deepEqual(
    defaultCutoffs({ eventsFrom: null, eventsTo: null, purchasesTo: null }, 90, 30),
    [],
  );
});

Deno.test("defaultCutoffs() takes a month start exactly one look-back after the first event", () => {
  const span = {
    eventsFrom: d("2024-01-01") - 90 * DAY_MS,
    eventsTo: d("2024-03-31"),
    purchasesTo: null,
  };
  assert.equal(formatInstant(defaultCutoffs(span, 90, 30)[0]), "2024-01-01T00:00:00Z");
});

Deno.test("dataSpan() reads first and last event and last purchase", () => {
  const span = dataSpan([{ ts: 5 }, { ts: 2 }, { ts: 9 }], [{ ts: 7 }]);
  assert.deepEqual(span, { eventsFrom: 2, eventsTo: 9, purchasesTo: 7 });
  assert.deepEqual(dataSpan([]), { eventsFrom: null, eventsTo: null, purchasesTo: null });
});

Deno.test("convertsWithin() counts a purchase in (T, T + horizon] only", () => {
  const t = d("2024-05-01");
  assert.equal(convertsWithin(t, t, 30), false);
  assert.equal(convertsWithin(t + 1, t, 30), true);
  assert.equal(convertsWithin(t + 30 * DAY_MS, t, 30), true);
  assert.equal(convertsWithin(t + 30 * DAY_MS + 1, t, 30), false);
  const sets = convertersWithin(
    [{ contact_id: "a", ts: t }, { contact_id: "b", ts: t + DAY_MS }, {
      contact_id: "c",
      ts: t + 31 * DAY_MS,
    }],
    [t],
    30,
  );
  assert.deepEqual([...sets[0]], ["b"]);
});

Deno.test("tierCode() and tierOf() use one numbering, rising with interest", () => {
  assert.deepEqual(TIERS.map(tierCode), [0, 1, 2, 3]);
  assert.ok(tierCode("high") > tierCode("medium") && tierCode("medium") > tierCode("low"));
  assert.equal(tierOf(60, { high: 60, medium: 25 }), "high");
  assert.equal(tierOf(59.9, { high: 60, medium: 25 }), "medium");
  assert.equal(tierOf(-1, { high: 60, medium: 25 }), "low");
  assert.throws(() => tierCode("warm" as never), RangeError);
});

Deno.test("parseIsoDate() reads dates and instants, years as written", () => {
  assert.equal(parseIsoDate("2024-02-29"), Date.UTC(2024, 1, 29));
  assert.equal(parseIsoDate("2023-02-29"), null);
  assert.equal(parseIsoDate("2024-03-01T10:00:00+03:00"), Date.UTC(2024, 2, 1, 7));
  assert.equal(new Date(parseIsoDate("0024-01-01")!).getUTCFullYear(), 24);
  assert.equal(parseIsoDateEnd("2024-03-01"), Date.UTC(2024, 2, 2) - 1);
  assert.equal(parseIsoDateEnd("2024-03-01T12:00:00Z"), Date.UTC(2024, 2, 1, 12));
});

Deno.test("duckdbColumns() gives instants TIMESTAMP, lists VARCHAR[], ids VARCHAR and a seq column", () => {
  for (const kind of TABLE_KINDS) {
    const cols = duckdbColumns(kind);
    assert.deepEqual(Object.keys(cols), [...TABLE_SCHEMAS[kind].map((c) => c.name), "seq"]);
    assert.equal(cols.seq, "BIGINT");
    assert.equal(cols.contact_id, "VARCHAR");
  }
  assert.equal(duckdbColumns("events").ts, "TIMESTAMP");
  assert.equal(duckdbColumns("contacts").interests, "VARCHAR[]");
  assert.equal(duckdbColumns("contacts").age, "DOUBLE");
});
