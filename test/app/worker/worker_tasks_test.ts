import assert from "node:assert/strict";
import {
  clearTaskCache,
  runTask,
  type TableScan,
  WORKER_TASKS,
  type WorkerTables,
} from "../../../app/worker/worker_tasks.ts";
import type { ContactRow, EventRow, PurchaseRow } from "../../../src/data/types.ts";
import { DAY_MS as DAY } from "../../../src/tables/mod.ts";

const T0 = Date.UTC(2024, 0, 1);

/** 300 seeded contacts: women of 25-44 click more and buy more. */
function tables(): WorkerTables {
  let seed = 3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const contacts: ContactRow[] = [];
  const events: EventRow[] = [];
  const purchases: PurchaseRow[] = [];
  for (let i = 0; i < 300; i++) {
    const id = String(i).padStart(4, "0");
    const keen = i % 3 === 0;
    contacts.push({ contact_id: id, gender: keen ? "f" : "m", age: keen ? 30 : 60 });
    const clicks = keen ? 5 : 1;
    for (let k = 0; k < clicks; k++) {
      events.push({ contact_id: id, ts: T0 + Math.floor(rand() * 50) * DAY, type: "email_click" });
    }
    if (rand() < (keen ? 0.6 : 0.1)) {
      purchases.push({ contact_id: id, ts: T0 + 70 * DAY, amount: 10 });
    }
  }
  return { contacts, events, purchases };
}

const spec = {
  format: "scorebench.config/v1" as const,
  window: { lookbackDays: 90 },
  rules: [{ id: "click", on: "email_click", points: 10 }],
  tiers: { high: 40, medium: 20 },
};

Deno.test("WORKER_TASKS.span() reports the time span and event types", () => {
  const t = tables();
  const span = WORKER_TASKS.span(t);
  assert.equal(span.eventTypes.email_click, t.events!.length);
  assert.ok(span.eventsFrom! >= T0 && span.eventsTo! < T0 + 50 * DAY);
  assert.equal(span.purchasesTo, T0 + 70 * DAY);
});

Deno.test("WORKER_TASKS.score() returns columns with hand-checkable scores", () => {
  const result = WORKER_TASKS.score(tables(), spec, T0 + 60 * DAY);
  assert.equal(result.ids.length, 300);
  // Contact 0000 is keen: 5 clicks x 10 points.
  assert.equal(result.scores[result.ids.indexOf("0000")], 50);
  assert.equal(result.scores[result.ids.indexOf("0001")], 10);
  assert.ok(result.scores instanceof Float64Array);
});

Deno.test("WORKER_TASKS.attributeFactors() finds what buyers share", () => {
  const { label, factors } = WORKER_TASKS.attributeFactors(tables(), null);
  assert.equal(label, "bought (any purchase)");
  const gender = factors.find((f) => f.field === "gender");
  assert.ok(gender, factors.map((f) => f.field).join(", "));
  const women = gender.bins.find((b) => b.label.includes("f"))!;
  const men = gender.bins.find((b) => b.label.includes("m"))!;
  assert.ok(women.rate > men.rate, `${women.rate} > ${men.rate}`);
});

Deno.test("WORKER_TASKS name the missing table", () => {
  assert.throws(
    () => WORKER_TASKS.replay({ contacts: [] }, spec, { asOf: [T0], horizonDays: 30 }, undefined),
    /Cannot replay the config: load events and purchases first/,
  );
});

Deno.test("runTask() answers a repeated request from the cache until it is cleared", async () => {
  const t = tables();
  const options = { asOf: [T0 + 60 * DAY], horizonDays: 30 };
  const first = await runTask(t, "replay", [spec, options]);
  assert.equal(await runTask(t, "replay", [spec, options]), first);
  // suggestCuts reuses the same replay.
  const cuts = await runTask(t, "suggestCuts", [spec, options, {
    method: "lift",
    minShare: 0.1,
  }]) as {
    cuts: { high: number; medium: number };
  };
  assert.ok(cuts.cuts.high >= cuts.cuts.medium);
  clearTaskCache();
  assert.notEqual(await runTask(t, "replay", [spec, options]), first);
});

Deno.test("runTask() reports progress with a step label before a calibration or replay returns", async () => {
  clearTaskCache();
  const t = tables();
  for (
    const [task, args] of [
      ["calibrate", [{ cutoffs: [T0 + 40 * DAY, T0 + 60 * DAY], holdout: null, minIv: 0 }]],
      ["replay", [spec, { asOf: [T0 + 30 * DAY, T0 + 60 * DAY], horizonDays: 30 }]],
    ] as const
  ) {
    const heard: [number, string][] = [];
    const result = await runTask(t, task, [...args], (f, phase) => heard.push([f, phase]));
    assert.ok(result, task);
    assert.ok(heard.length >= 2, `${task}: ${heard.length} progress reports`);
    assert.ok(heard.every(([f, phase]) => f >= 0 && f <= 1 && phase.length > 0), task);
    assert.equal(heard.at(-1)![0], 1, task);
  }
});

Deno.test("WORKER_TASKS.evaluateHoldout() gives the fitted config the calibration's own metrics", async () => {
  clearTaskCache();
  const t = tables();
  // Buyers again after the held-out cutoff (day 100), the keen ones more often.
  t.purchases = [
    ...t.purchases!,
    ...t.contacts!.filter((c, i) => (c.gender === "f" ? i % 2 === 0 : i % 9 === 0))
      .map((c) => ({ contact_id: c.contact_id, ts: T0 + 110 * DAY, amount: 5 })),
  ];
  const options = {
    cutoffs: [T0 + 40 * DAY, T0 + 100 * DAY],
    holdout: { after: T0 + 40 * DAY },
    minIv: 0,
    horizonDays: 30,
  };
  const fit = await runTask(t, "calibrate", [options]) as {
    config: typeof spec;
    holdout: { integer: { rows: number; auc: number } };
  };
  const same = await runTask(t, "evaluateHoldout", [fit.config, options]);
  assert.deepEqual(same, fit.holdout.integer);
  const flat = { ...fit.config, rules: fit.config.rules.map((r) => ({ ...r, points: 1 })) };
  const other = await runTask(t, "evaluateHoldout", [flat, options]) as { rows: number };
  assert.ok(fit.holdout.integer.rows > 0 && fit.holdout.integer.auc > 0.5);
  assert.equal(other.rows, fit.holdout.integer.rows);
});

Deno.test("WORKER_TASKS.effect() counts what the audience keeps and the scopes' scores", () => {
  const t = tables();
  const asOf = T0 + 60 * DAY;
  const all = WORKER_TASKS.effect(t, spec, asOf);
  assert.equal(all.contacts, 300);
  assert.equal(all.keptByAudience, 300);
  assert.deepEqual(all.scopes, []);
  // Ages are 30 (every third contact) or 60: an audience of 25-44 keeps 100.
  const narrowed = WORKER_TASKS.effect(t, { ...spec, audience: { age: [25, 44] } }, asOf);
  assert.equal(narrowed.keptByAudience, 100);
  assert.equal(narrowed.excludedByAudience, 200);
  const scoped = WORKER_TASKS.effect(t, {
    ...spec,
    rules: [...spec.rules, { id: "click_f", on: "email_click", points: 2, scopes: ["stage"] }],
  }, asOf);
  assert.equal(scoped.scopes.length, 0, "no contact has a stage: no stage scope");
});

/** `t` held as columns: rows only through `scan`; reading the arrays throws. */
function scanned(t: WorkerTables): WorkerTables {
  const out: WorkerTables = {
    contacts: t.contacts,
    scan: {
      size: (kind: "events" | "purchases") => t[kind]?.length ?? 0,
      rows: ((kind: "events" | "purchases") => t[kind] ?? []) as TableScan["rows"],
      eventTypes: () => new Set((t.events ?? []).map((e) => e.type)),
    },
  };
  for (const kind of ["events", "purchases"] as const) {
    Object.defineProperty(out, kind, {
      get() {
        throw new Error(`${kind} read as rows`);
      },
    });
  }
  return out;
}

Deno.test("WORKER_TASKS score, effect and span read tables held as columns a row at a time", () => {
  const t = tables();
  const asOf = T0 + 60 * DAY;
  const withPurchase = {
    ...spec,
    rules: [...spec.rules, { id: "bought", on: "purchase", points: 5 }],
  };
  assert.deepEqual(
    WORKER_TASKS.score(scanned(t), withPurchase, asOf),
    WORKER_TASKS.score(t, withPurchase, asOf),
  );
  assert.deepEqual(WORKER_TASKS.effect(scanned(t), spec, asOf), WORKER_TASKS.effect(t, spec, asOf));
  assert.deepEqual(WORKER_TASKS.span(scanned(t)), WORKER_TASKS.span(t));
  assert.throws(
    () => WORKER_TASKS.replay(scanned(t), spec, { asOf: [asOf], horizonDays: 30 }, undefined),
    /read as rows/,
  );
});

Deno.test("WORKER_TASKS.calibratePerTag() fits a model per product and merges its scoped rules", () => {
  const t = tables();
  // Keen contacts' purchases are loans, the rest cards; two purchases of a rare product.
  t.purchases = t.purchases!.map((p, i) => ({
    ...p,
    tag: i < 2 ? "rare" : Number(p.contact_id) % 3 === 0 ? "loans" : "cards",
  }));
  const loans = t.purchases.filter((p) => p.tag === "loans").length;
  assert.ok(loans >= 30, `loans purchases: ${loans}`);
  const heard: string[] = [];
  const out = WORKER_TASKS.calibratePerTag(
    t,
    { cutoffs: [T0 + 40 * DAY, T0 + 60 * DAY], holdout: null, minIv: 0 },
    (_f, phase) => heard.push(phase),
  );
  const fitted = out.tags.map((x) => x.tag);
  assert.ok(fitted.includes("loans"), fitted.join(", "));
  assert.ok(!fitted.includes("rare"));
  assert.match(out.skipped.rare, /only 2 purchases/);
  for (const tag of out.tags) assert.ok(tag.rules > 0, `${tag.tag}: ${tag.rules} rules`);
  // The merged config scores each fitted product in its own scope beside the global score.
  const scoped = (out.config.rules ?? []).filter((r) =>
    (r.scopes ?? []).some((s) => typeof s === "object" && s.tag === "loans")
  );
  assert.ok(scoped.length > 0, JSON.stringify(out.config.rules));
  assert.deepEqual(heard, ["fitting one model per tag", "done"]);
});
