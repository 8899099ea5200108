import assert from "node:assert/strict";
import {
  fitLogistic,
  fitPlainRegression,
  plainDesign,
  predictPlain,
} from "../../src/calibrate/mod.ts";
import type { ContactRow } from "../../src/data/types.ts";

const rows: ContactRow[] = [
  { contact_id: "1", source: "a", age: 20, y: 1 },
  { contact_id: "2", source: "b", age: 30, y: 0 },
  { contact_id: "3", source: "a", age: null, y: 1 },
  { contact_id: "4", source: "c", age: 50, y: 0 },
  { contact_id: "5", source: "a", age: 40, y: 0 },
  { contact_id: "6", source: null, age: 30, y: 1 },
];

Deno.test("fitPlainRegression() one-hot codes categories and standardizes numbers", () => {
  const fit = fitPlainRegression(rows, rows.map((r) => r.y as number), {
    columns: ["source", "age"],
  });
  assert.deepEqual(fit.columns[0], {
    column: "source",
    kind: "category",
    levels: ["string:a", "(missing)", "string:b", "string:c"],
  });
  const age = fit.columns[1];
  assert.equal(age.kind, "number");
  if (age.kind === "number") {
    assert.equal(age.mean, 34);
    assert.ok(Math.abs(age.sd - Math.sqrt(104)) < 1e-12);
    assert.equal(age.missingFlag, true);
  }
  const X = plainDesign(fit.columns, rows);
  assert.equal(X.cols, 6);
  // Row 3: source a, age missing (0 after standardizing, flag 1).
  assert.deepEqual(Array.from(X.data.subarray(2 * 6, 3 * 6)), [1, 0, 0, 0, 0, 1]);
  // An unseen category is all zeros; the fit is the plain IRLS with l2 = 1.
  const unseen = plainDesign(fit.columns, [{ contact_id: "9", source: "z", age: 34 }]);
  assert.deepEqual(Array.from(unseen.data), [0, 0, 0, 0, 0, 0]);
  const direct = fitLogistic(X, rows.map((r) => r.y as number), { l2: 1 });
  assert.deepEqual(fit.model.coef, direct.coef);
  const eta = predictPlain(fit, rows);
  assert.ok(
    Math.abs(
      eta[0] - (direct.intercept + fit.model.coef.reduce(
        (s, c, j) => s + c * X.data[j],
        0,
      )),
    ) < 1e-12,
  );
});

Deno.test("fitPlainRegression() codes declared columns as categories", () => {
  const fit = fitPlainRegression(rows, rows.map((r) => r.y as number), {
    columns: ["age"],
    categorical: ["AGE"],
  });
  assert.equal(fit.columns[0].kind, "category");
  assert.throws(
    () => fitPlainRegression(rows, [1, 0], { columns: ["age"] }),
    /6 rows but 2 labels/,
  );
});
