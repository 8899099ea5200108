import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { NdjsonAppender, readNdjsonFile } from "../../src/serve/ndjson_file.ts";
import { withTempDir } from "../_cli.ts";

function readAll(path: string, from = 0, to?: number) {
  const values: unknown[] = [];
  const ends: number[] = [];
  const end = readNdjsonFile(path, (v, e) => {
    values.push(v);
    ends.push(e);
  }, { from, to });
  return { values, ends, end };
}

Deno.test("NdjsonAppender.open() cuts a torn last line and appends after the last whole one", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/log.ndjson`;
    await Deno.writeTextFile(path, '{"a":1}\n{"b":2}\n{"c":');
    const read = readAll(path);
    assertEquals(read.values, [{ a: 1 }, { b: 2 }]);
    assertEquals(read.end, { end: 16, tornBytes: 5 });
    const log = NdjsonAppender.open(path);
    assertEquals(log.length, 16);
    log.append(['{"d":4}', '{"e":5}']);
    await log.sync();
    log.close();
    assertEquals(await Deno.readTextFile(path), '{"a":1}\n{"b":2}\n{"d":4}\n{"e":5}\n');
    // Reading from an offset, and up to one.
    assertEquals(readAll(path, 8).values, [{ b: 2 }, { d: 4 }, { e: 5 }]);
    assertEquals(readAll(path, 0, 16).values, [{ a: 1 }, { b: 2 }]);
  });
});

Deno.test("readNdjsonFile() refuses a damaged line, naming the file, line and byte", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/log.ndjson`;
    await Deno.writeTextFile(path, '{"a":1}\nnot json\n{"b":2}\n');
    let message = "";
    try {
      readAll(path);
    } catch (err) {
      assert(err instanceof SyntaxError);
      message = err.message;
    }
    assert(
      message.includes(path) && message.includes("line 2") && message.includes("byte 8"),
      message,
    );
  });
});

Deno.test("readNdjsonFile() reads a missing file as empty and long lines across chunks", async () => {
  await withTempDir(async (dir) => {
    assertEquals(readAll(`${dir}/none.ndjson`).values, []);
    const path = `${dir}/big.ndjson`;
    const big = { rows: "x".repeat(5_000_000) };
    await Deno.writeTextFile(path, JSON.stringify(big) + "\n" + '{"n":2}\n');
    const r = readAll(path);
    assertEquals(r.values.length, 2);
    assertEquals((r.values[0] as { rows: string }).rows.length, 5_000_000);
  });
});
