import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { isFormulaLike, safeCell } from "../../src/export/mod.ts";

Deno.test("safeCell() prefixes an apostrophe to text that starts a formula", () => {
  const cases: [unknown, unknown][] = [
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ["+7 916 123-45-67", "'+7 916 123-45-67"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1:A2)", "'@SUM(A1:A2)"],
    ["\t=1+1", "'\t=1+1"],
    ["\r=1+1", "'\r=1+1"],
    ["plain", "plain"],
    ["a=b", "a=b"],
    ["", ""],
    [-5, -5],
    [3.25, 3.25],
    [true, true],
    [null, null],
  ];
  for (const [input, expected] of cases) assertEquals(safeCell(input), expected, String(input));
});

Deno.test("isFormulaLike() looks only at the first character", () => {
  assertEquals(isFormulaLike("=x"), true);
  assertEquals(isFormulaLike(" =x"), false);
  assertEquals(isFormulaLike(""), false);
});
