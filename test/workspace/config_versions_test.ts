import assert from "node:assert/strict";
import {
  addVersion,
  currentVersion,
  dataKey,
  editsOf,
  editVersion,
  emptyConfigState,
  fromLegacyConfigs,
  isStale,
  namedConfigs,
  recordFit,
  selectVersion,
} from "../../src/workspace/config_versions.ts";
import type { ScoringConfigSpec } from "../../src/config/types.ts";

const fit = (call: number, visit = 3): ScoringConfigSpec => ({
  format: "scorebench.config/v1",
  name: "fit",
  window: { lookbackDays: 90 },
  rules: [{ id: "call", on: "call", points: call }, { id: "visit", on: "visit", points: visit }],
  tiers: { high: 40, medium: 20 },
});

Deno.test("editVersion() makes an edited child once, then edits it in place", () => {
  let s = addVersion(emptyConfigState(), { kind: "calibrated", name: "Calibrated", spec: fit(13) })
    .state;
  s = editVersion(s, { points: { call: 25 } });
  assert.equal(s.versions.length, 2);
  const edited = currentVersion(s)!;
  assert.equal(edited.kind, "edited");
  assert.equal(edited.parent, "v1");
  assert.equal(edited.spec.rules![0].points, 25);
  assert.equal(s.versions[0].spec.rules![0].points, 13, "the fit itself is unchanged");
  s = editVersion(s, { tiers: { high: 50, medium: 10 } });
  assert.equal(s.versions.length, 2, "a second edit changes the edited version in place");
  const edits = editsOf(s, currentVersion(s)!);
  assert.deepEqual(edits.points, [{ id: "call", from: 13, to: 25 }]);
  assert.deepEqual(edits.tiers, { from: { high: 40, medium: 20 }, to: { high: 50, medium: 10 } });
  assert.throws(() => editVersion(s, { tiers: { high: 5, medium: 10 } }), RangeError);
  assert.throws(() => editVersion(emptyConfigState(), { points: {} }), /no config yet/);
});

Deno.test("recordFit() finds the same fit again and keeps edits across a refit", () => {
  let out = recordFit(emptyConfigState(), fit(13), { name: "Calibrated", dataKey: "d1" });
  assert.equal(out.isNew, true);
  let s = editVersion(out.state, {
    points: { call: 25 },
    blocks: { verification: { mode: "exclude" } },
  });
  s = editVersion(s, { tiers: { high: 45, medium: 20 } });
  // The same fit again (a reload): nothing changes, the edit stays current.
  out = recordFit(s, fit(13), { name: "Calibrated", dataKey: "d1" });
  assert.equal(out.isNew, false);
  assert.equal(out.state, s);
  // A refit with other points: a new fit, the edits carried onto it.
  out = recordFit(s, fit(11, 4), { name: "Calibrated 2", dataKey: "d1" });
  assert.equal(out.isNew, true);
  const current = currentVersion(out.state)!;
  assert.equal(current.kind, "edited");
  assert.equal(current.parent, out.fitted.id);
  assert.equal(current.spec.rules![0].points, 25, "the call edit is kept");
  assert.equal(current.spec.rules![1].points, 4, "unedited rules take the new fit");
  assert.deepEqual(current.spec.verification, { mode: "exclude" });
  assert.deepEqual(current.spec.tiers, { high: 40, medium: 20 }, "tiers follow the new fit");
  assert.deepEqual(out.kept, ["call: 25 points", "verification"]);
  assert.deepEqual(out.overwritten, ["tiers high 45, medium 20"]);
});

Deno.test("editVersion() with a base edits that fit's line, not an unrelated current version", () => {
  let s = recordFit(emptyConfigState(), fit(13), { name: "Calibrated", dataKey: null }).state;
  s = addVersion(s, { kind: "imported", name: "hand.json", spec: fit(1) }).state;
  s = editVersion(s, { points: { call: 30 } }, { base: "v1" });
  const current = currentVersion(s)!;
  assert.equal(current.parent, "v1");
  assert.equal(current.spec.rules![0].points, 30);
  assert.equal(s.versions[1].spec.rules![0].points, 1, "the imported config is untouched");
  assert.equal(selectVersion(s, "v2").current, "v2");
  assert.throws(() => selectVersion(s, "v9"), RangeError);
});

Deno.test("isStale() compares the data a version was fitted on", () => {
  const table = (name: string, rows: number) => ({ name, summary: { rowsLoaded: rows } });
  const key = dataKey({ events: table("e.csv", 10), purchases: table("p.csv", 2) });
  const s = recordFit(emptyConfigState(), fit(1), { name: "c", dataKey: key }).state;
  assert.equal(isStale(s.versions[0], key), false);
  assert.equal(
    isStale(s.versions[0], dataKey({ events: table("e.csv", 11), purchases: table("p.csv", 2) })),
    true,
  );
});

Deno.test("fromLegacyConfigs() reads current, calibrated and production configs", () => {
  const s = fromLegacyConfigs({ current: fit(25), calibrated: fit(13), production: fit(1) });
  assert.deepEqual(s.versions.map((v) => v.kind), ["baseline", "calibrated", "edited"]);
  assert.equal(currentVersion(s)!.spec.rules![0].points, 25);
  const named = namedConfigs(s);
  assert.equal(named.current.rules![0].points, 25);
  assert.equal(named.calibrated.rules![0].points, 13);
  assert.equal(named.production.rules![0].points, 1);
});

Deno.test("editVersion() sets rule scopes, named as an edit and kept across a refit", () => {
  let s = addVersion(emptyConfigState(), { kind: "calibrated", name: "Calibrated", spec: fit(13) })
    .state;
  s = editVersion(s, { scopes: { call: ["global", "stage", { tag: "loans" }] } });
  const edited = currentVersion(s)!;
  assert.deepEqual(edited.spec.rules![0].scopes, ["global", "stage", { tag: "loans" }]);
  assert.equal(edited.spec.rules![1].scopes, undefined, "other rules untouched");
  assert.deepEqual(editsOf(s, edited).blocks, ["scopes"]);
  const outcome = recordFit(s, fit(14), { name: "refit", dataKey: null, now: 1 });
  assert.ok(outcome.kept.includes("scopes"), outcome.kept.join("; "));
  assert.deepEqual(currentVersion(outcome.state)!.spec.rules![0].scopes, [
    "global",
    "stage",
    { tag: "loans" },
  ]);
});
