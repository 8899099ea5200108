import assert from "node:assert/strict";
import {
  calibrateTemporal,
  countFeatures,
  evaluateScores,
  sigmoid,
} from "../../src/calibrate/mod.ts";
import { parseConfig, serializeConfig } from "../../src/config/mod.ts";
import { scoreContacts } from "../../src/engine/mod.ts";
import { loadTable } from "../../src/data/mod.ts";
import { CUTOFFS, DAY, syntheticTemporal, TRUTH } from "./_synthetic.ts";

const data = syntheticTemporal(1500, 7);

Deno.test("calibrateTemporal() never reads an event after a cutoff", () => {
  const cutoff = [CUTOFFS[1]];
  const base = calibrateTemporal(data, { cutoffs: cutoff, holdout: null, minIv: 0 });
  // Plant, for every converter, loud signals right after the cutoff (inside its horizon) and
  // far in the future: if any were read, a new feature or changed counts would move the fit.
  const planted = [...data.events];
  for (const p of data.purchases) {
    if (p.ts > cutoff[0] && p.ts <= cutoff[0] + 30 * DAY) {
      planted.push({ contact_id: p.contact_id, ts: cutoff[0] + 1, type: "demo" });
      planted.push({ contact_id: p.contact_id, ts: p.ts, type: "signed_contract" });
      planted.push({
        contact_id: p.contact_id,
        ts: cutoff[0] + 400 * DAY,
        type: "email_click",
        email_id: "m1",
      });
    }
  }
  const again = calibrateTemporal({ ...data, events: planted }, {
    cutoffs: cutoff,
    holdout: null,
    minIv: 0,
  });
  assert.ok(planted.length > data.events.length + 100);
  assert.deepEqual(again.model, base.model);
  assert.deepEqual(again.config, base.config);
  // The planted events would have mattered had they been read: counted as of a later instant,
  // "demo" jumps for exactly the converters.
  const leaked = calibrateTemporal({ ...data, events: planted }, {
    cutoffs: [cutoff[0] + 2 * DAY],
    holdout: null,
    minIv: 0,
  });
  assert.notDeepEqual(leaked.model.coef, base.model.coef);
});

Deno.test("calibrateTemporal() recovers known weights and writes matching rules", () => {
  const r = calibrateTemporal(data, {
    cutoffs: CUTOFFS,
    minIv: 0,
    candidates: { columns: ["url"] },
  });
  const names = r.model.featureNames;
  const truth: Record<string, number> = {
    "type:demo": TRUTH.demo,
    "type:email_click": TRUTH.click,
    "type:page_view": TRUTH.view,
    "page_view url=https://shop.example/pricing": TRUTH.pricing,
  };
  for (const [name, w] of Object.entries(truth)) {
    const j = names.indexOf(name);
    assert.ok(j >= 0, `${name} not fitted: ${names.join(", ")}`);
    const z = (r.model.coef[j] - w) / r.model.stdErr[j];
    assert.ok(Math.abs(z) < 3.3, `${name}: ${r.model.coef[j]} +- ${r.model.stdErr[j]} vs ${w}`);
  }
  // Out of time by default: the last cutoff is held out, and the training cutoffs whose
  // horizon reaches it are not used.
  assert.equal(r.holdout!.unrounded.rows, 1500);
  const pricing = r.config.rules!.find((x) => x.where?.url)!;
  assert.deepEqual(pricing.where, { url: { eq: "https://shop.example/pricing" } });
  assert.equal(pricing.on, "page_view");
  assert.ok(Math.abs(r.training.roundingCost) <= 0.002, String(r.training.roundingCost));
  assert.ok(r.config.tiers!.high > r.config.tiers!.medium);
});

Deno.test("calibrateTemporal() hold-out metrics are what the engine scores of the exported config give", () => {
  // The shipped config is the evaluated one here (no refit on the held-out cutoff).
  const r = calibrateTemporal(data, {
    cutoffs: CUTOFFS,
    holdout: { after: CUTOFFS[2] },
    refit: false,
  });
  const { config } = parseConfig(JSON.parse(serializeConfig(r.config)));
  const t = CUTOFFS[3];
  const result = scoreContacts(config, { events: data.events, contacts: data.contacts }, {
    asOf: [t],
  });
  const bought = new Set(
    data.purchases.filter((p) => p.ts > t && p.ts <= t + 30 * DAY).map((p) => p.contact_id),
  );
  const scores = result.rows.map((x) => x.score);
  const labels = result.rows.map((x) => (bought.has(x.contactId) ? 1 : 0));
  const map = r.scoreToProbability;
  const e = evaluateScores(
    scores,
    scores.map((s) => sigmoid(map.atZero + map.perPoint * s)),
    labels,
  );
  assert.deepEqual(e, r.holdout!.integer);
  assert.ok(Math.abs(r.holdout!.integer.auc - r.holdout!.unrounded.auc) < 0.005);
});

Deno.test("calibrateTemporal() refuses bad options with the value", () => {
  assert.throws(() => calibrateTemporal(data, { cutoffs: [] }), /no cutoff given/);
  assert.throws(() => calibrateTemporal(data, { cutoffs: [NaN] }), /cutoff "NaN"/);
  assert.throws(
    () => calibrateTemporal(data, { cutoffs: CUTOFFS, lookbackDays: 0 }),
    /lookbackDays must be > 0, got "0"/,
  );
  assert.throws(
    () => calibrateTemporal(data, { cutoffs: CUTOFFS, holdout: { fraction: 1 } }),
    /fraction must be in \[0, 1\), got "1"/,
  );
  assert.throws(
    () => calibrateTemporal({ ...data, purchases: [] }, { cutoffs: CUTOFFS }),
    /no purchase falls in the 30-day horizon/,
  );
});

Deno.test("calibrateTemporal() per tag scopes rules to the tag", () => {
  const r = calibrateTemporal(data, { cutoffs: CUTOFFS, tag: "a", minIv: 0 });
  assert.ok(r.config.rules!.length > 0);
  for (const rule of r.config.rules!) {
    assert.ok(rule.id.startsWith("a-"), rule.id);
    assert.deepEqual(rule.scopes, [{ tag: "a" }]);
  }
});

const SAMPLE = new URL("../../data/sample/", import.meta.url);
const hasSample = await Deno.stat(new URL("ground_truth.json", SAMPLE)).then(
  () => true,
  () => false,
);
if (!hasSample) {
  console.log(
    "Skipping the ground-truth recovery test: data/sample/ is absent (see data/README.md)",
  );
}

Deno.test({
  name:
    "calibrateTemporal() recovers the sample's ground-truth weights: at most 2 of 15 outside their 95% intervals, none outside 99.9%",
  ignore: !hasSample,
  fn: async () => {
    const truth = JSON.parse(await Deno.readTextFile(new URL("ground_truth.json", SAMPLE)));
    const [contacts, events, purchases] = await Promise.all([
      loadTable("contacts", new URL("contacts.csv", SAMPLE).pathname),
      loadTable("events", new URL("events.csv", SAMPLE).pathname),
      loadTable("purchases", new URL("purchases.csv", SAMPLE).pathname),
    ]);
    const weights = truth.temporal.weights as Record<string, number>;
    const features = Object.keys(weights).map((k) =>
      k.startsWith("type:")
        ? { id: k.slice(5), label: k, on: k.slice(5) }
        : { id: "pricing", label: k, on: "page_view", column: "url", value: k.slice(4) }
    );
    const r = calibrateTemporal(
      { contacts: contacts.rows, events: events.rows, purchases: purchases.rows },
      { cutoffs: truth.temporal.cutoffs.map(Date.parse), features, holdout: null },
    );
    assert.equal(r.model.converged, true);
    const total = truth.temporal.realized.reduce(
      (s: number, x: { converters: number }) => s + x.converters,
      0,
    );
    assert.equal(
      r.training.converters,
      total,
      "labels rebuilt from purchases match the drawn ones",
    );
    // 15 parameters: by chance alone about 0.75 of them fall outside their 95% interval,
    // so at most two may, and none outside its 99.9% interval.
    const outside95: string[] = [];
    const outside999: string[] = [];
    const check = (name: string, fitted: number, se: number, w: number) => {
      const z = (fitted - w) / se;
      const line = `${name}: fitted ${fitted.toFixed(3)} +- ${se.toFixed(3)}, true ${w} (z ${
        z.toFixed(2)
      })`;
      if (Math.abs(z) > 1.96) outside95.push(line);
      if (Math.abs(z) > 3.29) outside999.push(line);
    };
    r.model.featureNames.forEach((name, j) =>
      check(name, r.model.coef[j], r.model.stdErr[j], weights[name])
    );
    check("intercept", r.model.intercept, r.model.interceptStdErr, truth.temporal.intercept);
    if (outside95.length) console.log(`Outside their 95% interval:\n  ${outside95.join("\n  ")}`);
    assert.deepEqual(outside999, []);
    assert.ok(outside95.length <= 2, outside95.join("\n"));
  },
});

Deno.test("calibrateTemporal() with decay writes a config the engine scores as the fitted counts", () => {
  const r = calibrateTemporal(data, {
    cutoffs: CUTOFFS,
    halfLifeDays: 20,
    minIv: 0,
    holdout: null,
  });
  assert.deepEqual(r.config.window, { lookbackDays: 90, halfLifeDays: 20 });
  const { config } = parseConfig(JSON.parse(serializeConfig(r.config)));
  const t = CUTOFFS[2];
  const ids = data.contacts.map((c) => c.contact_id).sort();
  const features = r.config.rules!.map((rule) => ({
    id: rule.id,
    label: rule.id,
    on: rule.on,
    ...(rule.where
      ? { column: Object.keys(rule.where)[0], value: String(Object.values(rule.where)[0].eq) }
      : {}),
  }));
  const X = countFeatures(data.events, features, {
    cutoffs: [t],
    rowOf: [new Map(ids.map((id, i) => [id, i]))],
    rows: ids.length,
  }, {
    lookbackDays: 90,
    halfLifeDays: 20,
  });
  const engine = new Map(
    scoreContacts(config, { events: data.events, contacts: data.contacts }, { asOf: [t] }).rows.map(
      (x) => [x.contactId, x.score],
    ),
  );
  const p = features.length;
  ids.forEach((id, i) => {
    let s = 0;
    for (let j = 0; j < p; j++) s += r.config.rules![j].points * X[i * p + j];
    assert.ok(
      Math.abs(s - engine.get(id)!) <= 1e-9 * Math.max(1, Math.abs(s)),
      `${id}: ${s} vs ${engine.get(id)}`,
    );
  });
});

Deno.test("calibrateTemporal() reports progress in steps up to 1, ending after the hold-out", () => {
  const steps: [number, string][] = [];
  const withProgress = calibrateTemporal(data, {
    cutoffs: CUTOFFS,
    onProgress: (fraction, phase) => steps.push([fraction, phase]),
  });
  const phases = steps.map(([, phase]) => phase);
  assert.ok(phases.includes("fitting"));
  assert.ok(phases.some((p) => /^counting features \(\d+ cutoffs\)$/.test(p)));
  assert.ok(phases.some((p) => p.startsWith("scoring hold-out")));
  const fractions = steps.map(([f]) => f);
  assert.deepEqual(fractions, [...fractions].sort((a, b) => a - b));
  assert.equal(fractions.at(-1), 1);
  // Reporting changes nothing in the result.
  assert.deepEqual(withProgress.config, calibrateTemporal(data, { cutoffs: CUTOFFS }).config);
});

Deno.test("calibrateTemporal() chooses the window by time-ordered cross-validation and writes it", () => {
  // Purchases are drawn from 90-day counts: a 20-day look-back sees a fraction of them.
  const r = calibrateTemporal(data, {
    cutoffs: CUTOFFS,
    lookbackGrid: [20, 90],
    halfLifeGrid: [null],
    l2: "cv",
    minIv: 0,
    holdout: null,
  });
  const w = r.selection!.window!;
  assert.equal(w.lookbackDays, 90);
  assert.equal(w.halfLifeDays, null);
  assert.equal(w.by, "cross-validation");
  assert.deepEqual(w.grid.map((g) => g.lookbackDays), [20, 90]);
  assert.ok(w.grid[1].auc > w.grid[0].auc, JSON.stringify(w.grid));
  assert.deepEqual(r.config.window, { lookbackDays: 90 });
  assert.equal(r.selection!.foldOrder, "time");
  // Four cutoffs a month apart with a 30-day horizon: fold k trains on cutoffs before k.
  assert.equal(r.selection!.folds, 3);
  assert.ok(r.selection!.curve.every((c) => Number.isFinite(c.logLoss)));
  assert.throws(
    () => calibrateTemporal(data, { cutoffs: CUTOFFS, lookbackGrid: [0] }),
    /lookbackGrid holds "0", not days > 0/,
  );
});

Deno.test("calibrateTemporal() ships a refit on every cutoff; the hold-out is the fit without it", () => {
  const options = { cutoffs: CUTOFFS, minIv: 0, candidates: { columns: ["url"] } };
  const shipped = calibrateTemporal(data, options);
  const evaluated = calibrateTemporal(data, { ...options, refit: false });
  assert.deepEqual(shipped.holdout, evaluated.holdout);
  assert.equal(evaluated.refit, null);
  assert.deepEqual(shipped.refit!.cutoffs, CUTOFFS);
  // The plain regression on the same held-out rows: same features here, so a close second.
  const { baseline, unrounded } = shipped.holdout!;
  assert.equal(baseline!.rows, unrounded.rows);
  assert.ok(Math.abs(baseline!.auc - unrounded.auc) < 0.01, `${baseline!.auc} ${unrounded.auc}`);
  assert.equal(shipped.refit!.rows, 4 * 1500);
  assert.equal(shipped.model.rows, 4 * 1500);
  assert.equal(evaluated.model.rows, evaluated.training.rows);
  assert.notDeepEqual(shipped.config.rules, evaluated.config.rules);
  // With no hold-out there is nothing to refit.
  const none = calibrateTemporal(data, { ...options, holdout: { fraction: 0 } });
  assert.equal(none.holdout, null);
  assert.equal(none.refit, null);
  assert.equal(none.evidenceFrom, "cross-validation");
});
