import assert from "node:assert/strict";
import { calibrateSnapshot, evaluateScores, sigmoid } from "../../src/calibrate/mod.ts";
import { parseConfig, serializeConfig } from "../../src/config/mod.ts";
import type { ContactRow } from "../../src/data/types.ts";
import { scoreContacts } from "../../src/engine/mod.ts";
import { seededRng } from "../../src/metrics/mod.ts";

const SOURCES = ["Google", "Yandex", "Referral", "Direct"];
const EFFECT: Record<string, number> = { Google: 0, Yandex: 0.3, Referral: 1.2, Direct: -0.5 };

function contacts(n: number, seed: number): ContactRow[] {
  const rng = seededRng(seed);
  const out: ContactRow[] = [];
  for (let i = 0; i < n; i++) {
    const source = SOURCES[Math.floor(rng() * 4)];
    const age = rng() < 0.05 ? null : 18 + Math.floor(rng() * 50);
    const eta = -2 + EFFECT[source] + (age !== null && age >= 30 && age < 45 ? 0.8 : 0) +
      (age === null ? -0.5 : 0);
    out.push({
      contact_id: `0${String(i).padStart(5, "0")}`,
      email: `p${i}@example.com`,
      lead_source: source,
      age,
      note: `free text ${i}`,
      created_at: Date.UTC(2024, 0, 1) + i * 3600_000,
      won: rng() < sigmoid(eta) ? "yes" : "no",
    });
  }
  return out;
}

const rows = contacts(4000, 3);

Deno.test("calibrateSnapshot() writes attribute rules whose engine scores give the hold-out metrics", () => {
  // The shipped config is the evaluated one here (no refit), with one coefficient per column.
  const r = calibrateSnapshot(rows, {
    label: "won",
    holdout: { fraction: 0.3, seed: 4 },
    encoding: "woe",
    refit: false,
  });
  assert.deepEqual(r.model.featureNames, ["lead_source", "age"]);
  assert.ok(
    r.warnings.some((w) => w.includes(`"note" looks like an identifier`)),
    r.warnings.join("\n"),
  );
  const referral = r.config.attributes!.find((a) => a.id === "lead_source-referral")!;
  const direct = r.config.attributes!.find((a) => a.id === "lead_source-direct")!;
  assert.deepEqual(referral.where, { eq: "Referral" });
  assert.ok(referral.points > 0 && direct.points < 0);
  assert.deepEqual(r.config.attributes![0].where, { exists: true });
  // Re-score the exported JSON with the engine: the hold-out metrics come out identical.
  const { config } = parseConfig(JSON.parse(serializeConfig(r.config)));
  const heldIds = new Set(r.holdoutRows[0].contactIds);
  const held = rows.filter((c) => heldIds.has(c.contact_id));
  const result = scoreContacts(config, { contacts: held }, { asOf: [0] });
  const byId = new Map(held.map((c) => [c.contact_id, c.won === "yes" ? 1 : 0]));
  const scores = result.rows.map((x) => x.score);
  const labels = result.rows.map((x) => byId.get(x.contactId)!);
  const m = r.scoreToProbability;
  // Rows in hold-out input order, as the calibration evaluated them.
  const order = held.map((c) => result.rows.findIndex((x) => x.contactId === c.contact_id));
  const e = evaluateScores(
    order.map((k) => scores[k]),
    order.map((k) => sigmoid(m.atZero + m.perPoint * scores[k])),
    order.map((k) => labels[k]),
  );
  assert.deepEqual(e, r.holdout!.integer);
  assert.ok(Math.abs(r.holdout!.integer.auc - r.holdout!.unrounded.auc) <= 0.005);
  assert.ok(r.holdout!.unrounded.auc > 0.6);
});

Deno.test("calibrateSnapshot() holds out later contacts out of time", () => {
  const after = Date.UTC(2024, 0, 1) + 3000 * 3600_000;
  const r = calibrateSnapshot(rows, { label: "won", holdout: { after } });
  assert.equal(r.training.rows, 3001);
  assert.equal(r.holdout!.unrounded.rows, 999);
});

Deno.test("calibrateSnapshot() names the contact and value of a bad label", () => {
  const bad = rows.slice(0, 50).map((c) => ({ ...c }));
  bad[7].won = "maybe";
  assert.throws(
    () => calibrateSnapshot(bad, { label: "won" }),
    /label column "won" of contact "000007": "maybe"/,
  );
  assert.throws(
    () => calibrateSnapshot(rows, { label: "Converted" }),
    /label column "Converted" is not among/,
  );
  assert.throws(
    () => calibrateSnapshot(rows, { label: "won", holdout: { fraction: 1 } }),
    /fraction must be in \[0, 1\), got "1"/,
  );
  assert.throws(() => calibrateSnapshot([], { label: "won" }), /no contacts/);
});

Deno.test("calibrateSnapshot() ships a refit on every row; the hold-out evidence is the fit without it", () => {
  const options = { label: "won", holdout: { fraction: 0.3, seed: 4 } } as const;
  const shipped = calibrateSnapshot(rows, options);
  const evaluated = calibrateSnapshot(rows, { ...options, refit: false });
  // The evidence is the same either way: it never sees the hold-out.
  assert.deepEqual(shipped.holdout, evaluated.holdout);
  assert.equal(evaluated.refit, null);
  assert.deepEqual(shipped.refit, {
    rows: 4000,
    converters: rows.filter((c) => c.won === "yes").length,
  });
  assert.equal(shipped.model.rows, 4000);
  assert.equal(evaluated.model.rows, shipped.training.rows);
  assert.equal(shipped.evidenceFrom, "holdout");
  // The plain regression on the same rows is reported beside it.
  assert.ok(shipped.holdout!.baseline!.auc > 0.55, String(shipped.holdout!.baseline!.auc));
  assert.equal(shipped.holdout!.baseline!.rows, shipped.holdout!.integer.rows);
});

Deno.test("calibrateSnapshot() with no hold-out takes its evidence from cross-validation", () => {
  const r = calibrateSnapshot(rows, { label: "won", holdout: { fraction: 0 } });
  assert.equal(r.holdout, null);
  assert.equal(r.evidenceFrom, "cross-validation");
  assert.equal(r.training.rows, 4000);
  assert.equal(r.selection!.by, "cross-validation");
  assert.equal(r.selection!.foldOrder, "random");
  // Every encoding of "auto" with every penalty of the grid, each with its validation figures.
  assert.deepEqual(
    [...new Set(r.selection!.curve.map((c) => c.variant))].sort(),
    ["dummy", "linear", "woe"],
  );
  assert.equal(r.selection!.curve.length, 24);
  for (const c of r.selection!.curve) assert.ok(c.auc > 0.55 && c.logLoss > 0, JSON.stringify(c));
  const best = r.selection!.curve.reduce((a, c) => (c.logLoss < a.logLoss ? c : a));
  assert.equal(r.selection!.encoding, best.variant);
  assert.equal(r.selection!.l2, best.l2);
  assert.ok(r.warnings.some((w) => w.includes("cross-validation on the training rows")));
});

Deno.test("calibrateSnapshot() with dummy coding gives each bin its own points, the most frequent at 0", () => {
  const r = calibrateSnapshot(rows, {
    label: "won",
    holdout: null,
    encoding: "dummy",
    l2: 1,
  });
  assert.equal(r.selection!.by, "given");
  const source = r.points.filter((p) => p.field === "lead_source");
  const points = Object.fromEntries(source.map((p) => [p.label, p.exactPoints]));
  // True effects: Referral +1.2, Yandex +0.3, Google 0, Direct -0.5 on the log-odds.
  assert.ok(points["lead_source=Referral"] > points["lead_source=Yandex"]);
  assert.ok(points["lead_source=Yandex"] > points["lead_source=Direct"]);
  const counts = r.factors.find((f) => f.field === "lead_source")!.bins;
  const top = counts.reduce((a, b) => (b.count > a.count ? b : a));
  assert.equal(points[top.label], 0);
  // Every bin's points times ln 2 / pdo is its share of the log-odds: Referral minus Direct
  // close to the true 1.7.
  const gap = (points["lead_source=Referral"] - points["lead_source=Direct"]) * Math.LN2 / 20;
  assert.ok(Math.abs(gap - 1.7) < 0.35, String(gap));
});

Deno.test("calibrateSnapshot() bins declared categorical number codes as categories", () => {
  const coded = rows.map((c, i) => ({ ...c, region: [3, 17, 41][i % 3] }));
  const r = calibrateSnapshot(coded, {
    label: "won",
    holdout: null,
    minIv: 0,
    categorical: ["region"],
    encoding: "woe",
    l2: 0,
  });
  const region = r.factors.find((f) => f.field === "region")!;
  assert.equal(region.type, "categorical");
  assert.deepEqual(region.bins.map((b) => b.where).sort((a, b) => Number(a.eq) - Number(b.eq)), [
    { eq: 3 },
    { eq: 17 },
    { eq: 41 },
  ]);
  // Undeclared, a few whole numbers bin as ranges and the calibration says they could be codes.
  const plain = calibrateSnapshot(coded, { label: "won", holdout: null, minIv: 0, l2: 1 });
  assert.ok(
    plain.warnings.some((w) => w.includes(`"region" holds 3 whole numbers`)),
    plain.warnings.join("\n"),
  );
  assert.throws(
    () => calibrateSnapshot(rows, { label: "won", categorical: ["nope"] }),
    /categorical column "nope" is not among the contact columns/,
  );
});

Deno.test("calibrateSnapshot() leaves out a column that splits the rows exactly as another", () => {
  const twins = rows.map((c) => ({ ...c, source_copy: `${c.lead_source}!` }));
  const r = calibrateSnapshot(twins, { label: "won", holdout: null, l2: 1 });
  assert.ok(
    r.warnings.some((w) => w.includes(`"source_copy" splits the rows exactly as "lead_source"`)),
    r.warnings.join("\n"),
  );
  assert.equal(r.config.attributes!.some((a) => a.field === "source_copy"), false);
  assert.equal(r.model.converged, true);
});

Deno.test("calibrateSnapshot() out of time orders the cross-validation folds in time", () => {
  const after = Date.UTC(2024, 0, 1) + 3000 * 3600_000;
  const r = calibrateSnapshot(rows, { label: "won", holdout: { after }, refit: false });
  assert.equal(r.selection!.foldOrder, "time");
  assert.equal(r.selection!.folds, 5);
  // Time-ordered folds choose by the one-standard-error rule unless told otherwise.
  assert.equal(r.selection!.rule, "one-se");
  const best = r.selection!.curve.reduce((a, c) => (c.logLoss < a.logLoss ? c : a));
  const near = r.selection!.curve.find((c) =>
    c.variant === r.selection!.encoding && c.l2 === r.selection!.l2
  )!;
  assert.ok(near.logLoss <= best.logLoss + best.logLossSe!, JSON.stringify({ near, best }));
  const byBest = calibrateSnapshot(rows, {
    label: "won",
    holdout: { after },
    refit: false,
    selectionRule: "best",
  });
  assert.equal(byBest.selection!.rule, "best");
  assert.deepEqual([byBest.selection!.encoding, byBest.selection!.l2], [best.variant, best.l2]);
  assert.throws(
    () => calibrateSnapshot(rows, { label: "won", selectionRule: "1se" as "best" }),
    /selectionRule must be "best" or "one-se", got "1se"/,
  );
  assert.throws(
    () => calibrateSnapshot(rows, { label: "won", encoding: "onehot" as "dummy" }),
    /encoding must be "auto", "dummy", "steps", "linear" or "woe", got "onehot"/,
  );
  assert.throws(
    () => calibrateSnapshot(rows, { label: "won", l2: -1 }),
    /l2 must be a number >= 0 or "cv", got "-1"/,
  );
  assert.throws(() => calibrateSnapshot(rows, { label: "won", folds: 1 }), /folds must be/);
});

Deno.test("calibrateSnapshot() with linear coding gives a numeric column points on one slope", () => {
  // Conversion rises with the score column; the config gives each value the fitted line's
  // points rounded to whole points, so an unseen value between two bins lies on the line.
  const rng = seededRng(8);
  const data: ContactRow[] = [];
  for (let i = 0; i < 3000; i++) {
    const x = Math.round(rng() * 1000) / 10;
    data.push({ contact_id: `s${i}`, score_col: x, won: rng() < sigmoid(-3 + x / 25) ? 1 : 0 });
  }
  const r = calibrateSnapshot(data, { label: "won", holdout: null, encoding: "linear", l2: 0.1 });
  assert.deepEqual(r.model.featureNames, ["score_col (slope)"]);
  const rows = r.points.filter((p) => p.field === "score_col");
  assert.ok(rows.length >= 4, String(rows.length));
  // One coefficient shared by every bin; the points rise with the bins.
  assert.ok(rows.every((p) => p.coef === rows[0].coef && p.coef > 0));
  for (let k = 1; k < rows.length; k++) assert.ok(rows[k].exactPoints > rows[k - 1].exactPoints);
  // Slope per unit: the true 1/25 log-odds per unit, within a bin's width of rounding.
  const factor = r.factors.find((f) => f.field === "score_col")!;
  const first = factor.bins[0];
  const last = factor.bins[factor.bins.length - 1];
  const span = (rows[rows.length - 1].exactPoints - rows[0].exactPoints) * Math.LN2 / 20;
  assert.ok(first.kind === "range" && last.kind === "range");
  assert.ok(span > 2 && span < 4.5, String(span));
});

Deno.test("calibrateSnapshot() never fits one coefficient per bin without a penalty", () => {
  const r = calibrateSnapshot(rows, { label: "won", holdout: null, encoding: "dummy", l2: 0 });
  assert.equal(r.model.l2, 0.1);
  assert.equal(r.model.converged, true);
  assert.ok(!r.warnings.some((w) => w.includes("singular")), r.warnings.join("\n"));
  assert.ok(r.warnings.some((w) => w.includes("used L2 0.1 instead of 0")));
});

Deno.test("calibrateSnapshot() draws folds at random when some rows are undated, or refuses if asked for time", () => {
  const undated = rows.map((c, i) => (i % 10 === 0 ? { ...c, created_at: null } : c));
  const after = Date.UTC(2024, 0, 1) + 3000 * 3600_000;
  const r = calibrateSnapshot(undated, { label: "won", holdout: { after }, refit: false });
  assert.equal(r.selection!.foldOrder, "random");
  assert.ok(r.warnings.some((w) => w.includes(`400 contacts have no "created_at"`)));
  assert.throws(
    () => calibrateSnapshot(undated, { label: "won", holdout: null, foldOrder: "time" }),
    /Cannot order cross-validation folds in time: 400 contacts have no "created_at"/,
  );
});

Deno.test("calibrateSnapshot() with linear coding scores a value by the line, held within the training range", () => {
  const rng = seededRng(8);
  const data: ContactRow[] = [];
  for (let i = 0; i < 3000; i++) {
    const x = Math.round(rng() * 1000) / 10;
    data.push({ contact_id: `s${i}`, score_col: x, won: rng() < sigmoid(-3 + x / 25) ? 1 : 0 });
  }
  const r = calibrateSnapshot(data, { label: "won", holdout: null, encoding: "linear", l2: 0.1 });
  const { config } = parseConfig(JSON.parse(serializeConfig(r.config)));
  const lo = Math.min(...data.map((c) => c.score_col as number));
  const hi = Math.max(...data.map((c) => c.score_col as number));
  const grid = [...Array.from({ length: 541 }, (_, k) => -50 + k * 0.37), lo, hi, 10, 90];
  const scored = scoreContacts(
    config,
    { contacts: grid.map((v, k) => ({ contact_id: `g${k}`, score_col: v })) },
    { asOf: [0] },
  );
  const score = new Map(scored.rows.map((row) => [row.contactId, row.score]));
  const at = grid.map((_, k) => score.get(`g${k}`)!);
  // Whole-point steps up the line: never down, never more than one point at a time.
  for (let k = 1; k < 541; k++) {
    assert.ok(
      at[k] - at[k - 1] >= 0 && at[k] - at[k - 1] <= 1,
      `${grid[k]}: ${at[k - 1]} -> ${at[k]}`,
    );
  }
  // About 20 / ln 2 / 25 points per unit (the true slope), and no points beyond the range.
  const points = (v: number) => at[grid.lastIndexOf(v)];
  const perUnit = (points(90) - points(10)) / 80;
  assert.ok(Math.abs(perUnit / (20 / Math.LN2 / 25) - 1) < 0.25, String(perUnit));
  assert.equal(at[0], points(lo)); // -50
  assert.equal(at[540], points(hi)); // 149.8
  assert.ok(points(hi) - points(lo) > 80, String(points(hi) - points(lo)));
  // Each rule's points are the line's at its step, rounded.
  for (const p of r.points.filter((row) => row.field === "score_col")) {
    assert.ok(Math.abs(p.points - p.exactPoints) <= 0.5 + 1e-9, JSON.stringify(p));
  }
});

Deno.test("calibrateSnapshot() with linear coding cuts a whole-number column's steps at whole numbers", () => {
  const rng = seededRng(9);
  const data: ContactRow[] = [];
  for (let i = 0; i < 3000; i++) {
    const visits = Math.floor(rng() * 6);
    data.push({ contact_id: `v${i}`, visits, won: rng() < sigmoid(-2 + 0.6 * visits) ? 1 : 0 });
  }
  const r = calibrateSnapshot(data, { label: "won", holdout: null, encoding: "linear", l2: 0.1 });
  const rules = r.config.attributes!.filter((a) => a.field === "visits");
  // One step per value at most (six values), each bound a whole number.
  assert.ok(rules.length >= 4 && rules.length <= 6, String(rules.length));
  for (const a of rules) {
    for (const bound of [a.where.gte, a.where.lt]) {
      assert.ok(bound === undefined || Number.isInteger(bound), JSON.stringify(a.where));
    }
  }
});
