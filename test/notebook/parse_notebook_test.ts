import assert from "node:assert/strict";
import { parseNotebook, referencedNames } from "../../src/notebook/mod.ts";

const TEXT = [
  "# Tiers", //           1
  "", //                  2
  "Some prose.", //       3
  "```js total", //       4
  "a + b", //             5
  "```", //               6
  "```js viewof t", //    7
  "html`<input>`", //     8
  "```", //               9
  "```sh", //            10
  "deno task start", //  11
  "```", //              12
  "```sql by_type", //   13
  "SELECT 1", //         14
  "```", //              15
  "```js", //            16
  "total", //            17
  "```", //              18
].join("\n");

Deno.test("parseNotebook() splits prose and named cells with their lines", () => {
  const nb = parseNotebook(TEXT, "tiers.md");
  assert.equal(nb.title, "Tiers");
  assert.deepEqual(
    nb.cells.map((c) => [c.kind, c.name, c.view, c.line]),
    [
      ["md", null, false, 1],
      ["js", "total", false, 5],
      ["js", "t", true, 8],
      ["md", null, false, 10],
      ["sql", "by_type", true, 14],
      ["js", null, false, 17],
    ],
  );
  assert.equal(nb.cells[1].source, "a + b");
  assert.equal(nb.cells[3].source, "```sh\ndeno task start\n```");
});

Deno.test("parseNotebook() names the file and line of a bad notebook", () => {
  const cases = [
    { text: "```js x\n1", message: /^nb\.md:1: cell fence "```js x" is never closed/ },
    { text: "```js a b\n1\n```", message: /^nb\.md:1: cell name "a b" is not one identifier/ },
    { text: "```js 9x\n1\n```", message: /cell name "9x"/ },
    { text: "```sql\nSELECT 1\n```", message: /^nb\.md:1: a sql cell needs a name/ },
    {
      text: "```js a\n1\n```\n\n```js a\n2\n```",
      message: /^nb\.md:5: cell "a" is already defined on line 1/,
    },
  ];
  for (const { text, message } of cases) {
    assert.throws(() => parseNotebook(text, "nb.md"), (err: Error) => {
      assert.ok(err instanceof SyntaxError);
      assert.match(err.message, message);
      return true;
    });
  }
});

Deno.test("referencedNames() skips strings, comments, template text and member names", () => {
  const code = [
    "const x = rows.length; // total",
    "'scores' + \"tiers\" + /* data */ y;",
    "html`<b>data ${fmt(count)} and ${ {a: tiers}.a }</b>`;",
    "obj . prop; [...spread]",
  ].join("\n");
  assert.deepEqual(
    [...referencedNames(code)].sort(),
    ["a", "const", "count", "fmt", "html", "obj", "rows", "spread", "tiers", "x", "y"],
  );
});
