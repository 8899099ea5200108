import assert from "node:assert/strict";
import {
  addVersion,
  editVersion,
  emptyConfigState,
  selectVersion,
} from "../../src/workspace/config_versions.ts";
import { specKey, stampResult, stampStatus } from "../../src/workspace/result_stamp.ts";
import type { ScoringConfigSpec } from "../../src/config/types.ts";

const spec = (call: number): ScoringConfigSpec => ({
  format: "scorebench.config/v1",
  name: "fit",
  rules: [{ id: "call", on: "call", points: call }],
  tiers: { high: 40, medium: 20 },
});

Deno.test("specKey() is equal for equal configs and differs for another", () => {
  assert.equal(specKey(spec(13)), specKey(spec(13)));
  assert.notEqual(specKey(spec(13)), specKey(spec(14)));
  assert.equal(specKey(null), specKey(undefined));
});

Deno.test("stampStatus() marks a result stale when the version, its edits or the data change", () => {
  let s = addVersion(emptyConfigState(), {
    kind: "calibrated",
    name: "Calibrated",
    spec: spec(13),
    dataKey: "events:e.csv:10",
  }).state;
  const stamp = stampResult(s, "events:e.csv:10", { now: 5 });
  assert.deepEqual(
    [stamp.versionId, stamp.versionName, stamp.dataKey, stamp.at],
    ["v1", "Calibrated", "events:e.csv:10", 5],
  );
  const cases = [
    { name: "unchanged", state: s, data: "events:e.csv:10", reasons: [] },
    { name: "other data", state: s, data: "events:f.csv:9", reasons: ["data", "fittedElsewhere"] },
  ];
  // An edit makes v2 current: a result for v1 is then for another version.
  const edited = editVersion(s, { points: { call: 25 } });
  cases.push({
    name: "edited child",
    state: edited,
    data: "events:e.csv:10",
    reasons: ["otherVersion"],
  });
  // Back on v1 it is fresh again.
  cases.push({
    name: "selected back",
    state: selectVersion(edited, "v1"),
    data: "events:e.csv:10",
    reasons: [],
  });
  for (const c of cases) {
    const status = stampStatus(stamp, c.state, c.data);
    assert.deepEqual(status.reasons, c.reasons, c.name);
    assert.equal(status.stale, c.reasons.length > 0, c.name);
  }
  // An edited version changed in place after the result: "edited".
  s = edited;
  const onEdited = stampResult(s, "events:e.csv:10");
  assert.deepEqual(stampStatus(onEdited, s, "events:e.csv:10").reasons, []);
  s = editVersion(s, { points: { call: 30 } });
  assert.deepEqual(stampStatus(onEdited, s, "events:e.csv:10").reasons, ["edited"]);
});

Deno.test("stampResult() keys a draft config rather than the version's own", () => {
  const s = addVersion(emptyConfigState(), { kind: "imported", name: "file", spec: spec(1) }).state;
  const draft = stampResult(s, "", { spec: spec(2) });
  assert.equal(draft.specKey, specKey(spec(2)));
  // The draft is not the version's spec: a draft result reads as edited since.
  assert.deepEqual(stampStatus(draft, s, "").reasons, ["edited"]);
  assert.equal(stampResult(emptyConfigState(), "").versionId, null);
});
