import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import { toCsv } from "../../src/export/mod.ts";

Deno.test("toCsv() quotes separators, quotes and line breaks as RFC 4180 says", () => {
  const csv = toCsv(
    [{ a: "x,y", b: 'say "hi"', c: "two\nlines" }, { a: 1.5, b: null, c: false }],
    ["a", "b", "c"],
  );
  assertEquals(csv, 'a,b,c\r\n"x,y","say ""hi""","two\nlines"\r\n1.5,,false\r\n');
});

Deno.test("toCsv() makes formula-like text inert and leaves numbers alone", () => {
  const csv = toCsv(
    [["=cmd|' /C calc'!A0", "+1", "-1", "@x", -1]],
    ["a", "b", "c", "d", "e"],
  );
  assertEquals(csv, `a,b,c,d,e\r\n'=cmd|' /C calc'!A0,+1,-1,'@x,-1\r\n`);
});

Deno.test("toCsv() writes raw text when safe is false", () => {
  assertEquals(toCsv([["=1+1"]], ["f"], { safe: false, newline: "\n" }), "f\n=1+1\n");
});

Deno.test("toCsv() refuses a separator that cannot be written", () => {
  throws(
    () => toCsv([], ["a"], { separator: '"' }),
    (e: Error) => e instanceof RangeError && e.message.includes('separator """'),
  );
});
