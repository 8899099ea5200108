/**
 * The hostile-input reproducers of `test/testdata/hostile/`, each loaded and checked
 * against its expected outcome in `expected.json` (written by `make_hostile.ts`).
 */
import assert from "node:assert/strict";
import { LoadError, loadTable } from "../../src/data/mod.ts";
import type { Expected } from "../testdata/make_hostile.ts";

const DIR = new URL("../testdata/hostile/", import.meta.url).pathname;
const EXPECTED: Expected[] = JSON.parse(await Deno.readTextFile(DIR + "expected.json"));

for (const e of EXPECTED.filter((x) => x.kind !== undefined)) {
  Deno.test(`loadTable() gives the expected outcome for hostile ${e.file}`, async () => {
    const started = performance.now();
    const path = DIR + e.file;
    if (e.error !== undefined) {
      const err = await loadTable(e.kind!, path, { parseTimeoutMs: 10_000 }).then(
        () => null,
        (x) => x,
      );
      assert.ok(err instanceof LoadError, `expected a LoadError, got ${err}`);
      assert.match(err.message, new RegExp(e.error));
      assert.ok(err.message.includes(path), "the message names the file");
    } else {
      const result = await loadTable(e.kind!, path, { parseTimeoutMs: 10_000 });
      const s = result.summary;
      assert.equal(s.rowsRead, s.rowsLoaded + s.rowsRejected, "read = loaded + rejected");
      if (e.rows) {
        assert.deepEqual(
          { read: s.rowsRead, loaded: s.rowsLoaded, rejected: s.rowsRejected },
          e.rows,
        );
      }
      if (e.values) {
        const rows = result.rows as unknown as Record<string, unknown>[];
        assert.equal(rows.length, e.values.length);
        e.values.forEach((want, i) => {
          for (const [k, v] of Object.entries(want)) {
            assert.deepEqual(rows[i][k], v, `row ${i + 1} column ${k}`);
          }
        });
      }
      for (const [i, r] of (e.rejects ?? []).entries()) {
        const got = result.rejects[i];
        assert.ok(got, `reject ${i + 1} missing`);
        assert.equal(got.row, r.row);
        if (r.column !== undefined) assert.equal(got.column, r.column);
        assert.match(got.reason, new RegExp(r.reason));
      }
      if (e.warning) {
        assert.ok(
          s.warnings.some((w) => new RegExp(e.warning!).test(w)),
          `no warning like /${e.warning}/ in ${JSON.stringify(s.warnings)}`,
        );
      }
    }
    // Every reproducer is small: none may take long, whatever it holds.
    assert.ok(performance.now() - started < 15_000, "within the time budget");
  });
}
