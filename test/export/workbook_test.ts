import * as XLSX from "xlsx";
import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import { buildWorkbook, sanitizeSheetName } from "../../src/export/mod.ts";

Deno.test("buildWorkbook() writes text cells inert and numbers as numbers", () => {
  const bytes = buildWorkbook([
    {
      name: "Tiers",
      rows: [
        { tier: "=cmd|' /C calc'!A0", contacts: 12, rate: 0.25 },
        { tier: "+high", contacts: -3, rate: null },
        { tier: "-low", contacts: 0, rate: 1 },
        { tier: "@medium", contacts: 1, rate: 0 },
      ],
    },
    { name: "Raw", rows: [["a", "b"], [1, "two"]] },
  ]);
  const wb = XLSX.read(bytes, { type: "array" });
  assertEquals(wb.SheetNames, ["Tiers", "Raw"]);
  const ws = wb.Sheets["Tiers"];
  assertEquals(ws["A1"].v, "tier");
  assertEquals(ws["A2"].t, "s");
  assertEquals(ws["A2"].v, "'=cmd|' /C calc'!A0");
  assertEquals(ws["A2"].f, undefined);
  assertEquals(ws["A3"].v, "'+high");
  assertEquals(ws["A4"].v, "'-low");
  assertEquals(ws["A5"].v, "'@medium");
  assertEquals(ws["B2"].t, "n");
  assertEquals(ws["B3"].v, -3);
  assertEquals(ws["C3"], undefined);
  assertEquals(XLSX.utils.sheet_to_json(wb.Sheets["Raw"], { header: 1 }), [["a", "b"], [
    1,
    "two",
  ]]);
});

Deno.test("sanitizeSheetName() follows Excel's sheet name rules", () => {
  assertEquals(sanitizeSheetName("a[b]:c*d?e/f\\g"), "a_b__c_d_e_f_g");
  assertEquals(sanitizeSheetName("x".repeat(40)).length, 31);
  assertEquals(sanitizeSheetName("'quoted'"), "quoted");
  assertEquals(sanitizeSheetName(""), "Sheet");
  assertEquals(sanitizeSheetName("Tiers", ["tiers"]), "Tiers (2)");
  assertEquals(sanitizeSheetName("y".repeat(31), ["y".repeat(31)]), "y".repeat(27) + " (2)");
});

Deno.test("buildWorkbook() renames duplicate sheet names and refuses an empty list", () => {
  const wb = XLSX.read(buildWorkbook([{ name: "A", rows: [] }, { name: "a", rows: [] }]), {
    type: "array",
  });
  assertEquals(wb.SheetNames, ["A", "a (2)"]);
  throws(
    () => buildWorkbook([]),
    (e: Error) => e instanceof RangeError && e.message.includes("no sheets"),
  );
});
