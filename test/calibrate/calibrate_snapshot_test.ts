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
