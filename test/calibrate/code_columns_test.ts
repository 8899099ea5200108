import assert from "node:assert/strict";
import { calibrateSnapshot, codeLikeColumns } from "../../src/calibrate/mod.ts";

Deno.test("codeLikeColumns() offers columns of a few whole numbers, not quantities or flags", () => {
  const rows = Array.from({ length: 60 }, (_, i) => ({
    contact_id: String(i),
    customer_type: (i % 7) + 1,
    flag: i % 2,
    income: 1000 + i * 17.5,
    visits: i,
    city: i % 3 ? "Moscow" : "Kazan",
    region: i % 5 === 0 ? null : (i % 4) * 10,
    converted: i % 2,
  }));
  const found = codeLikeColumns(rows, { exclude: ["converted"] });
  assert.deepEqual(found.map((c) => c.column), ["customer_type", "region"]);
  assert.deepEqual(found[0], {
    column: "customer_type",
    distinct: 7,
    examples: [1, 2, 3, 4, 5, 6],
  });
  // 60 distinct values are over the default ceiling of 50.
  assert.ok(!found.some((c) => c.column === "visits"));
  assert.deepEqual(
    codeLikeColumns(rows, { exclude: ["converted"], maxDistinct: 60 }).map((c) => c.column),
    ["customer_type", "region", "visits"],
  );
  assert.deepEqual(codeLikeColumns([]), []);
});

Deno.test("codeLikeColumns() lists the columns snapshot calibration warns about", () => {
  const rows = Array.from({ length: 400 }, (_, i) => ({
    contact_id: `c${i}`,
    segment: (i * 7) % 5,
    converted: (i * 7) % 5 === 2 || i % 11 === 0 ? 1 : 0,
  }));
  const offered = codeLikeColumns(rows, { exclude: ["converted"] }).map((c) => c.column);
  const r = calibrateSnapshot(rows, { label: "converted", minIv: 0, holdout: null });
  for (const c of offered) {
    assert.ok(
      r.warnings.some((w) => w.includes(`"${c}"`) && /codes/.test(w)),
      r.warnings.join("; "),
    );
  }
  const declared = calibrateSnapshot(rows, {
    label: "converted",
    minIv: 0,
    holdout: null,
    categorical: offered,
  });
  assert.ok(!declared.warnings.some((w) => /codes/.test(w)), declared.warnings.join("; "));
});
