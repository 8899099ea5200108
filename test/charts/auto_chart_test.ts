import assert from "node:assert/strict";
import { autoChart } from "../../src/charts/auto_chart.ts";

const markTypes = (o: ReturnType<typeof autoChart>) =>
  o?.marks?.map((m) => (m as object).constructor.name) ?? null;

Deno.test("autoChart() picks the mark from the column types", () => {
  const cases = [
    {
      name: "time + number",
      columns: ["day", "n"],
      rows: [{ day: new Date(0), n: 1 }],
      expected: ["Line", "RuleY"],
    },
    {
      name: "text + number",
      columns: ["type", "n"],
      rows: [{ type: "a", n: 1 }],
      expected: ["BarX", "RuleX"],
    },
    { name: "number + number", columns: ["s", "n"], rows: [{ s: 1, n: 2 }], expected: ["BarY"] },
    { name: "text only", columns: ["a", "b"], rows: [{ a: "x", b: "y" }], expected: null },
    { name: "one column", columns: ["n"], rows: [{ n: 1 }], expected: null },
    { name: "no rows", columns: ["a", "n"], rows: [], expected: null },
  ];
  for (const { name, columns, rows, expected } of cases) {
    assert.deepEqual(markTypes(autoChart(columns, rows)), expected, name);
  }
});
