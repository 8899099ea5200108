/**
 * The CLI reproducers of `test/testdata/hostile/` (see `expected.json`): each command
 * gives its expected exit status and message, and leaves exactly the expected files.
 */
import assert from "node:assert/strict";
import { runCli } from "../_cli.ts";
import type { Expected } from "../testdata/make_hostile.ts";

const DIR = new URL("../testdata/hostile/", import.meta.url).pathname.replace(/\/$/, "");
const EXPECTED: Expected[] = JSON.parse(await Deno.readTextFile(`${DIR}/expected.json`));

for (const e of EXPECTED.filter((x) => x.cli !== undefined)) {
  const cli = e.cli!;
  Deno.test(`${cli.args[0]} gives the expected outcome for hostile ${e.file}`, async () => {
    const tmp = await Deno.makeTempDir();
    try {
      const args = cli.args.map((a) => a.replaceAll("{dir}", DIR).replaceAll("{tmp}", tmp));
      const r = await runCli(args);
      assert.equal(r.code, cli.code, r.stderr);
      if (cli.stderr) assert.match(r.stderr, new RegExp(cli.stderr));
      // A message, never a stack trace.
      assert.doesNotMatch(r.stderr, /\n\s+at .*:\d+:\d+/);
      const left = [...Deno.readDirSync(tmp)].map((f) => f.name).sort();
      assert.deepEqual(left, Object.keys(cli.files).sort(), "files left");
      for (const [name, pattern] of Object.entries(cli.files)) {
        assert.match(await Deno.readTextFile(`${tmp}/${name}`), new RegExp(pattern), name);
      }
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  });
}
