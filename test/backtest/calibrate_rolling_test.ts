import assert from "node:assert/strict";
import { calibrateRolling, calibrateRollingTemporal } from "../../src/backtest/mod.ts";
import { sigmoid } from "../../src/calibrate/mod.ts";
import type { ContactRow } from "../../src/data/types.ts";
import { seededRng } from "../../src/metrics/mod.ts";
import { CUTOFFS, syntheticTemporal } from "../calibrate/_synthetic.ts";

/** Leads over 2024 whose best source changes in July: Referral converts, then Direct does. */
function drifting(n: number): ContactRow[] {
  const rng = seededRng(21);
  const out: ContactRow[] = [];
  for (let i = 0; i < n; i++) {
    const month = Math.floor((12 * i) / n);
    const source = ["Google", "Referral", "Direct"][Math.floor(rng() * 3)];
    const late = month >= 6;
    const eta = -1.5 + (source === "Referral" ? (late ? -1 : 1.2) : 0) +
      (source === "Direct" ? (late ? 1.2 : -1) : 0);
    out.push({
      contact_id: `c${i}`,
      created_at: Date.UTC(2024, month, 1 + Math.floor(rng() * 28)),
      lead_source: source,
      won: rng() < sigmoid(eta) ? 1 : 0,
    });
  }
  return out;
}

const rows = drifting(6000);
const periods = [7, 8, 9, 10, 11].map((m) => Date.UTC(2024, m, 1));

Deno.test("calibrateRolling() with a sliding window follows a drift the static config misses", () => {
  const r = calibrateRolling(rows, {
    label: "won",
    periods,
    window: { months: 2 },
    encoding: "dummy",
    l2: 1,
  });
  assert.equal(r.periods.length, 5);
  assert.deepEqual(r.periods.map((p) => p.start), periods);
  assert.equal(r.periods[4].end, null);
  assert.equal(
    r.periods.reduce((s, p) => s + p.rows, 0),
    rows.filter((c) => (c.created_at as number) >= periods[0]).length,
  );
  // Trained on Jan-Jul, the static config ranks the later months backwards.
  assert.ok(r.meanStaticAuc < 0.5, String(r.meanStaticAuc));
  assert.ok(r.meanRollingAuc > 0.6, String(r.meanRollingAuc));
  for (const p of r.periods) assert.ok(p.trainingRows > 500 && p.trainingRows < 1500);
});

Deno.test("calibrateRolling() re-anchoring only the constant keeps the static ranking", () => {
  const r = calibrateRolling(rows, {
    label: "won",
    periods,
    anchorOnly: true,
    encoding: "dummy",
    l2: 1,
  });
  for (const p of r.periods) assert.equal(p.rollingAuc, p.staticAuc);
  const base = (c: typeof r.lastConfig) => c.attributes!.find((a) => a.field === "contact_id")!;
  assert.deepEqual(
    r.lastConfig.attributes!.filter((a) => a.field !== "contact_id"),
    r.staticConfig.attributes!.filter((a) => a.field !== "contact_id"),
  );
  // The later months convert more: the constant moves up.
  assert.ok(base(r.lastConfig).points > base(r.staticConfig).points);
  assert.throws(
    () => calibrateRolling(rows, { label: "won", periods: [] }),
    /give at least one period start/,
  );
});

Deno.test("calibrateRollingTemporal() refits on the cutoffs whose horizon has ended", () => {
  const data = syntheticTemporal(800, 3);
  const r = calibrateRollingTemporal(data, {
    cutoffs: CUTOFFS,
    periods: CUTOFFS.slice(2),
    minIv: 0,
  });
  // A 30-day horizon: before the third cutoff the first two are usable, before the fourth three.
  assert.deepEqual(r.periods.map((p) => p.trainingRows), [2, 3]);
  for (const p of r.periods) {
    assert.equal(p.rows, 800);
    assert.ok(p.staticAuc > 0.6 && p.rollingAuc > 0.6, JSON.stringify(p));
  }
  assert.throws(
    () => calibrateRollingTemporal(data, { cutoffs: CUTOFFS, periods: [CUTOFFS[0]] }),
    /no cutoff's horizon ends by the first period/,
  );
});
