import assert from "node:assert/strict";
import { listSeparator, splitList } from "../../src/tables/mod.ts";
import { loadTable } from "../../src/data/mod.ts";

Deno.test("splitList() reads lists written with ';' or ','", () => {
  const cases = [
    { input: "loans; deposits", expected: ["loans", "deposits"], sep: ";" },
    { input: "loans, deposits", expected: ["loans", "deposits"], sep: "," },
    // A ';' list keeps commas inside items.
    { input: "loans, cars; deposits", expected: ["loans, cars", "deposits"], sep: ";" },
    { input: "loans", expected: ["loans"], sep: "," },
    { input: " ; ", expected: [], sep: ";" },
  ];
  for (const { input, expected, sep } of cases) {
    assert.deepEqual(splitList(input), expected, input);
    assert.equal(listSeparator(input), sep, input);
  }
});

Deno.test("loadTable() splits comma lists and says it did", async () => {
  const csv = 'contact_id,interests\n1,"loans, deposits"\n2,loans;cards\n3,cards\n';
  const { rows, summary } = await loadTable("contacts", {
    name: "c.csv",
    bytes: new TextEncoder().encode(csv),
  });
  assert.deepEqual(rows.map((r) => r.interests), [["loans", "deposits"], ["loans", "cards"], [
    "cards",
  ]]);
  assert.ok(
    summary.warnings.includes(
      'Column "interests": 1 list cell(s) had no ";" and were split on ","',
    ),
    summary.warnings.join("; "),
  );
});
