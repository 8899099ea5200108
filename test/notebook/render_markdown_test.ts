import assert from "node:assert/strict";
import { renderMarkdown } from "../../src/notebook/render_markdown.ts";

Deno.test("renderMarkdown() renders the prose subset and escapes markup", () => {
  const cases = [
    { input: "# Data <b>", expected: "<h1>Data &lt;b&gt;</h1>" },
    {
      input: "a **b** *c* `<d>`",
      expected: "<p>a <strong>b</strong> <em>c</em> <code>&lt;d&gt;</code></p>",
    },
    {
      input: "- one\n- two\n\n1. x",
      expected: "<ul><li>one</li><li>two</li></ul>\n<ol><li>x</li></ol>",
    },
    { input: "```sh\nrm <x>\n```", expected: "<pre><code>rm &lt;x&gt;</code></pre>" },
    {
      input: "[spec](../spec.md) [bad](javascript:alert(1))",
      expected: '<p><a href="../spec.md">spec</a> [bad](javascript:alert(1))</p>',
    },
    {
      input: "<script>alert(1)</script>",
      expected: "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
    },
  ];
  for (const { input, expected } of cases) assert.equal(renderMarkdown(input), expected, input);
});
