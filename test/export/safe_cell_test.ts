import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { isFormulaLike, safeCell, unguardCell } from "../../src/export/mod.ts";
import assert from "node:assert/strict";
import { mayGuard } from "../../src/tables/safe_cell.ts";

Deno.test("safeCell() prefixes an apostrophe to text that starts a formula", () => {
  const cases: [unknown, unknown][] = [
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ["+7 916 123-45-67", "+7 916 123-45-67"],
    ["+44 (20) 7946 0958", "+44 (20) 7946 0958"],
    ["-20", "-20"],
    ["+1.5", "+1.5"],
    ["-3e5", "-3e5"],
    ["+1+1", "'+1+1"],
    ["+1-1", "'+1-1"],
    ["+12 3", "'+12 3"],
    ["-2+3", "'-2+3"],
    ["-", "'-"],
    ["+7 916 CALL()", "'+7 916 CALL()"],
    ["@SUM(1;1)", "'@SUM(1;1)"],
    ['=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'],
    ["'=already", "''=already"],
    ["'plain", "'plain"],
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

Deno.test("unguardCell() undoes safeCell() exactly", () => {
  for (const v of ["=1", "'=1", "''+x", "-20", "+1+1", "'plain", "plain", "@a", "\t=x", ""]) {
    assertEquals(unguardCell(String(safeCell(v))), v, v);
  }
});

Deno.test("mayGuard() names every first character safeCell can change: other texts stay as they are", () => {
  for (let c = 0; c < 0x3000; c++) {
    const ch = String.fromCharCode(c);
    for (const text of [ch, `${ch}x`, `${ch}=1`, `${ch}1+1`]) {
      if (!mayGuard(c)) assert.equal(safeCell(text), text, `code ${c}`);
    }
  }
  for (const text of ["=1+1", "+x", "-x", "@SUM(1)", "\tx", "\rx", "'=x"]) {
    assert.ok(mayGuard(text.charCodeAt(0)));
    assert.notEqual(safeCell(text), text);
  }
});
