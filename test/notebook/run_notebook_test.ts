import assert from "node:assert/strict";
import {
  cellProgress,
  compileNotebook,
  parseNotebook,
  runNotebook,
} from "../../src/notebook/mod.ts";
import type { CellObserver, ViewElement } from "../../src/notebook/mod.ts";

/** Collects each named cell's fulfilled values; resolves `settled()` once the runtime is idle. */
function recorder() {
  const values = new Map<string, unknown[]>();
  const counts = new Map<string, number>();
  const observe = (cell: { name: string | null }): CellObserver => ({
    fulfilled(value) {
      const name = cell.name ?? "?";
      values.set(name, [...(values.get(name) ?? []), value]);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    },
    rejected(error) {
      values.set(cell.name ?? "?", [...(values.get(cell.name ?? "?") ?? []), error]);
    },
  });
  return { values, counts, observe };
}

const settled = () => new Promise((r) => setTimeout(r, 30));

Deno.test("runNotebook() re-runs only the cells that depend on a changed name", async () => {
  const nb = compileNotebook(
    parseNotebook([
      "```js a",
      "2",
      "```",
      "```js b",
      "a * 10",
      "```",
      "```js c",
      "const k = base + 1;",
      "return k;",
      "```",
      "```js d",
      "b + c",
      "```",
    ].join("\n")),
    ["base"],
  );
  assert.deepEqual(nb.cells.map((c) => c.inputs), [[], ["a"], ["base"], ["b", "c"]]);
  const rec = recorder();
  const run = runNotebook(nb, { builtins: { base: 100 }, observe: rec.observe });
  await settled();
  assert.deepEqual(rec.values.get("d"), [121]);
  run.redefine("a", 3);
  await settled();
  assert.deepEqual(rec.values.get("b"), [20, 30]);
  assert.deepEqual(rec.values.get("d"), [121, 131]);
  // c reads only `base`, so changing `a` leaves it alone.
  assert.equal(rec.counts.get("c"), 1);
  run.dispose();
});

Deno.test("runNotebook() follows a view's value through input events", async () => {
  const element: ViewElement = Object.assign(new EventTarget(), { value: 5 as unknown });
  const nb = compileNotebook(
    parseNotebook("```js viewof t\nel\n```\n```js twice\nt * 2\n```"),
    ["el"],
  );
  const rec = recorder();
  const run = runNotebook(nb, { builtins: { el: element }, observe: rec.observe });
  await settled();
  assert.deepEqual(rec.values.get("t"), [element]);
  element.value = 7;
  element.dispatchEvent(new Event("input"));
  await settled();
  assert.deepEqual(rec.values.get("twice"), [10, 14]);
  run.dispose();
});

Deno.test("runNotebook() reports a failing cell to its observer and its dependants", async () => {
  const nb = compileNotebook(
    parseNotebook("```js a\nthrow new RangeError('bad a');\n```\n```js b\na + 1\n```"),
    [],
  );
  const rec = recorder();
  const run = runNotebook(nb, { observe: rec.observe });
  await settled();
  assert.match(String((rec.values.get("a") ?? [])[0]), /bad a/);
  assert.ok((rec.values.get("b") ?? [])[0] instanceof Error);
  run.dispose();
});

Deno.test("compileNotebook() names the file and line of a cell that does not parse", () => {
  assert.throws(
    () => compileNotebook(parseNotebook("# X\n\n```js a\nconst = 1\n```"), [], "x.md"),
    /^SyntaxError: x\.md:4: cell "a" does not parse/,
  );
  assert.throws(
    () => compileNotebook(parseNotebook("```js Plot\n1\n```"), ["Plot"], "x.md"),
    /x\.md:1: cell "Plot" has the name of a built-in/,
  );
});

Deno.test("compileNotebook() treats an expression with a trailing semicolon as the cell's value", async () => {
  const nb = compileNotebook(
    parseNotebook(
      "```js a\n1 + 1;\n```\n```js b\nconst x = a;\nreturn x * 3;\n```\n```js c\na;\nb;\n```",
    ),
    [],
  );
  const rec = recorder();
  const run = runNotebook(nb, { observe: rec.observe });
  await settled();
  assert.deepEqual(rec.values.get("a"), [2]);
  assert.deepEqual(rec.values.get("b"), [6]);
  // Two statements without `return` are statements: no value.
  assert.deepEqual(rec.values.get("c"), [undefined]);
  run.dispose();
});

Deno.test("cellProgress() hands a built-in the progress reporter of the cell calling it", async () => {
  const nb = compileNotebook(parseNotebook(["```js slow", "work(3)", "```"].join("\n")), ["work"]);
  const heard: [number, string][] = [];
  const work = (n: number) => {
    const report = cellProgress();
    return (async () => {
      for (let k = 1; k <= n; k++) {
        await Promise.resolve();
        report?.(k / n, `step ${k}/${n}`);
      }
      return n;
    })();
  };
  const run = runNotebook(nb, {
    builtins: { work },
    observe: () => ({ progress: (f, phase) => heard.push([f, phase]) }),
  });
  await settled();
  assert.deepEqual(heard, [[1 / 3, "step 1/3"], [2 / 3, "step 2/3"], [1, "step 3/3"]]);
  assert.equal(cellProgress(), undefined);
  run.dispose();
});
