import assert from "node:assert/strict";
import { createBatchScorer } from "../../src/engine/create_batch_scorer.ts";
import { ContactTable } from "../../src/engine/_contact_table.ts";
import { formatScoresCsv } from "../../src/engine/format_scores_csv.ts";
import type { EventRow } from "../../src/data/types.ts";
import { config, DAY, rng, T } from "./_helpers.ts";

const CONFIG = config({
  window: { lookbackDays: 10, halfLifeDays: 5 },
  rules: [
    { id: "view", on: "page_view", points: 1, maxPerDay: 2 },
    { id: "click", on: "email_click", points: 5, maxCount: 3, scopes: ["global", "stage"] },
    { id: "call", on: "call", where: { value: { gte: 60 } }, points: 9 },
  ],
  tiers: { high: 20, medium: 8 },
  triggers: [{ id: "warm", reaches: "medium" }],
});

function events(seed: number, n: number): EventRow[] {
  const r = rng(seed);
  const types = ["page_view", "email_click", "call", "other"];
  return Array.from({ length: n }, () => ({
    contact_id: `c${Math.floor(r() * 300)}`,
    ts: T - Math.floor(r() * 120 * DAY),
    type: types[Math.floor(r() * types.length)],
    stage: r() < 0.3 ? "lead" : null,
    value: Math.floor(r() * 120),
  }));
}

Deno.test("createBatchScorer() with asOf drops matches outside every window and scores the same", () => {
  for (const seed of [1, 2, 3]) {
    const list = events(seed, 5000);
    // Sparse instants: most events fall outside every 10-day window.
    const asOf = [T - 90 * DAY, T - 30 * DAY, T - 29 * DAY, T];
    const plain = createBatchScorer(CONFIG);
    const declared = createBatchScorer(CONFIG, { asOf });
    for (const e of list) {
      plain.add(e);
      declared.add(e);
    }
    assert.ok(declared.droppedEvents > list.length / 2, `dropped ${declared.droppedEvents}`);
    assert.ok(declared.matchCount < plain.matchCount / 2);
    const a = plain.finish(asOf),
      b = declared.finish([T - 30 * DAY, T, T - 90 * DAY, T - 29 * DAY]);
    assert.equal(formatScoresCsv(b), formatScoresCsv(a));
    assert.deepEqual(b.triggers, a.triggers);
    assert.deepEqual(b.summaries, a.summaries);
  }
});

Deno.test("createBatchScorer() refuses to finish at an instant it was not created for", () => {
  const s = createBatchScorer(CONFIG, { asOf: [T] });
  assert.throws(() => s.finish([T, T + DAY]), RangeError);
});

Deno.test("ContactTable gives each id one dense index, in the order added", () => {
  const t = new ContactTable();
  const r = rng(9);
  const ids = Array.from({ length: 50_000 }, (_, i) => `${i}-${Math.floor(r() * 1e9)}`);
  ids.forEach((id, i) => assert.equal(t.getOrAdd(id), i));
  assert.equal(t.size, ids.length);
  // Fresh string objects with the same text find the same index.
  ids.forEach((id, i) => assert.equal(t.get(`${id.split("-")[0]}-${id.split("-")[1]}`), i));
  assert.equal(t.get("absent"), -1);
  assert.equal(t.getOrAdd(ids[123]), 123);
  assert.equal(t.size, ids.length);
  assert.deepEqual(t.ids.slice(0, 3), ids.slice(0, 3));
});

Deno.test("finishCsv() writes formatScoresCsv()'s text from typed arrays, with the same triggers", async () => {
  const withAttributes = config({
    window: { lookbackDays: 30, halfLifeDays: 7 },
    rules: [
      { id: "view", on: "page_view", points: 1, maxPerDay: 2, scopes: ["global", { tag: "web" }] },
      { id: "click", on: "email_click", points: 5, maxCount: 3, scopes: ["global", "stage"] },
      { id: "call", on: "call", where: { value: { gte: 60 } }, points: -9 },
      { id: "other", on: "other", points: 2.5 },
    ],
    attributes: [{ id: "adult", field: "age", where: { gte: 18 }, points: 3 }],
    tiers: { high: 12, medium: 4 },
    verification: { mode: "demote", factor: 0.5 },
    triggers: [{ id: "warm", reaches: "medium" }, { id: "hot", reaches: "high" }],
  });
  const contacts = Array.from({ length: 250 }, (_, i) => ({
    contact_id: `c${i}`,
    age: i % 40,
    stage: i % 3 === 0 ? "mql" : null,
  }));
  const verification = [{ contact_id: "c7" }, { contact_id: "c8" }];
  for (const seed of [4, 5]) {
    const list = events(seed, 8000);
    const asOf = [T - 60 * DAY, T - 20 * DAY, T];
    const a = createBatchScorer(withAttributes, { contacts, verification });
    const b = createBatchScorer(withAttributes, { contacts, verification, asOf });
    for (const e of list) {
      a.add(e);
      b.add(e);
    }
    const expected = a.finish(asOf);
    let text = "";
    const got = await b.finishCsv(asOf, (t) => {
      text += t;
    }, { chunkChars: 5000 });
    assert.equal(text, formatScoresCsv(expected));
    assert.deepEqual(got.triggers, expected.triggers);
    assert.deepEqual(got.summaries, expected.summaries);
    assert.equal(got.rows, expected.rows.length);
    assert.equal(
      got.tiers[2].high,
      expected.rows.filter((r) => r.asOf === T && r.tier === "high").length,
    );
  }
});

Deno.test("finishCsvBytes() writes formatScoresCsv()'s bytes for ids that need quoting, guards or UTF-8", async () => {
  // More than 256 contacts (the packed-word sort), ids sharing long prefixes, ids that a
  // spreadsheet would read as formulas, ids with commas and quotes, and non-ASCII ids.
  const r = rng(11);
  const odd = ["=cmd", "-5", "+7 916 123-45-67", 'a"b', "x,y", "é", "日本", "line\nbreak", "'=z"];
  const ids = Array.from(
    { length: 900 },
    (_, i) => i < odd.length ? odd[i] : i % 3 === 0 ? `customer-0000-${i}` : `${i * 7919 % 100000}`,
  );
  const plain = config({
    window: { lookbackDays: 30, halfLifeDays: 7 },
    rules: [
      { id: "view", on: "page_view", points: 1, maxPerDay: 2, scopes: ["global", { tag: "web" }] },
      { id: "click", on: "email_click", points: 5, maxCount: 3, scopes: ["global", "stage"] },
      { id: "call", on: "call", where: { value: { gte: 60 } }, points: -9 },
    ],
    tiers: { high: 12, medium: 4 },
  });
  // A rule id that needs quoting: reasons go through textField.
  const quoted = config({
    window: { lookbackDays: 30 },
    rules: [
      { id: "view, web", on: "page_view", points: 1 },
      { id: "=click", on: "email_click", points: 5, maxCount: 3 },
    ],
    tiers: { high: 12, medium: 4 },
  });
  for (const cfg of [plain, quoted]) {
    const types = ["page_view", "email_click", "call"];
    const list: EventRow[] = Array.from({ length: 6000 }, () => ({
      contact_id: ids[Math.floor(r() * ids.length)],
      ts: T - Math.floor(r() * 90 * DAY),
      type: types[Math.floor(r() * types.length)],
      stage: r() < 0.3 ? "lead" : null,
      value: Math.floor(r() * 120),
    }));
    const asOf = [T - 40 * DAY, T];
    const a = createBatchScorer(cfg);
    const b = createBatchScorer(cfg, { asOf });
    const t = createBatchScorer(cfg, { asOf });
    for (const e of list) {
      a.add(e);
      b.add(e);
      t.add(e);
    }
    const result = a.finish(asOf);
    const expected = formatScoresCsv(result);
    const chunks: Uint8Array[] = [];
    const got = await b.finishCsvBytes(asOf, (bytes) => {
      chunks.push(bytes);
    }, { chunkBytes: 3000 });
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((at, c) => (all.set(c, at), at + c.length), 0);
    const want = new TextEncoder().encode(expected);
    const at = all.findIndex((x, i) => x !== want[i]);
    assert.equal(all.length, want.length);
    assert.equal(at, -1, `first difference at byte ${at}`);
    assert.ok(chunks.length > 10);
    assert.ok(chunks.every((c) => c[c.length - 1] === 10), "chunks end with whole lines");
    assert.equal(got.rows, result.rows.length);
    let text = "";
    await t.finishCsv(asOf, (s) => {
      text += s;
    }, { chunkChars: 2000 });
    assert.equal(text, expected);
  }
});
