import assert from "node:assert/strict";
import { join } from "node:path";
import { buildApp, CONTENT_SECURITY_POLICY, DUCKDB_FILES } from "../../src/build/mod.ts";

Deno.test("buildApp() writes a self-contained static app", async () => {
  const out = await Deno.makeTempDir({ prefix: "scorebench-build-" });
  try {
    const { manifest, bytes } = await buildApp(out);
    const html = await Deno.readTextFile(join(out, "index.html"));
    assert.ok(
      html.includes(
        `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
      ),
    );
    for (const file of DUCKDB_FILES) {
      assert.ok((await Deno.stat(join(out, "duckdb", file))).size > 0, file);
    }
    for (
      const file of [
        "main.js",
        "data_worker.js",
        "spreadsheet_worker.js",
        "main.css",
        "manifest.json",
      ]
    ) {
      assert.ok((await Deno.stat(join(out, file))).isFile, file);
    }
    assert.deepEqual(manifest.notebooks.map((n) => n.title).slice(0, 7), [
      "Data",
      "Factors",
      "Calibrate",
      "Tiers",
      "Periods",
      "Audience",
      "Export",
    ]);
    for (const { file } of manifest.notebooks) {
      const module = await import(join(out, "notebooks", file.replace(/\.md$/, ".js")));
      assert.ok(module.default.cells.length > 0, file);
    }
    assert.ok(bytes > 30e6, `the DuckDB engine is in the build (${bytes} bytes)`);
    // The bundle loads nothing from a CDN.
    const main = await Deno.readTextFile(join(out, "main.js"));
    assert.doesNotMatch(main, /cdn\.jsdelivr|unpkg\.com/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("buildApp() stops at a notebook cell that does not parse, naming file and line", async () => {
  const root = await Deno.makeTempDir({ prefix: "scorebench-root-" });
  const out = await Deno.makeTempDir({ prefix: "scorebench-build-" });
  try {
    await Deno.mkdir(join(root, "notebooks"));
    await Deno.writeTextFile(join(root, "notebooks", "10_bad.md"), "# Bad\n\n```js x\n1 +\n```\n");
    await assert.rejects(
      () => buildApp(out, { root }),
      (err: Error) =>
        err instanceof SyntaxError &&
        /^notebooks\/10_bad\.md:4: cell "x" does not parse/.test(err.message),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});
