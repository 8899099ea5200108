import assert from "node:assert/strict";
import { factorBinsChart } from "../../src/charts/factor_bins_chart.ts";

Deno.test("factorBinsChart() keeps each factor's bins, strongest factors first", () => {
  const bin = (label: string, lift: number) => ({ label, rate: lift / 10, lift, count: 10 });
  const options = factorBinsChart([
    { field: "weak", iv: 0.01, bins: [bin("a", 1)] },
    { field: "clicks", iv: 0.5, bins: [bin("0", 0.5), bin("1-3", 2)] },
    { field: "age", iv: 0.2, bins: [bin("18-30", 1.5)] },
  ], { top: 2 });
  assert.deepEqual(options.y?.domain, ["clicks · 0", "clicks · 1-3", "age · 18-30"]);
  assert.equal(options.height, 40 + 3 * 20);
  assert.equal(factorBinsChart([], {}).height, 40);
});
