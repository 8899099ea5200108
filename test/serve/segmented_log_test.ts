import { deepStrictEqual as assertEquals, rejects, throws } from "node:assert/strict";
import {
  listSegments,
  logLines,
  SegmentedLog,
  segmentName,
} from "../../src/serve/segmented_log.ts";

function readAll(segments: Parameters<typeof logLines>[0], options = {}) {
  const out: { value: unknown; end: number }[] = [];
  const it = logLines(segments, options);
  let r = it.next();
  for (; !r.done; r = it.next()) out.push(r.value);
  return { lines: out, end: r.value };
}

Deno.test("SegmentedLog rolls at the segment size, reads across segments by logical offset and drops the oldest", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A data folder from before segments: its single log becomes the first segment.
    await Deno.writeTextFile(`${dir}/events.ndjson`, '{"n":0}\n{"n":1}\n');
    let segments = await listSegments(dir);
    assertEquals(segments.map((s) => [s.base, s.size]), [[0, 16]]);
    const log = await SegmentedLog.open(dir, segments, 16, 16);
    assertEquals(await log.roll(), 16);
    log.append(['{"n":2}']);
    await log.sync();
    assertEquals(await log.roll(), null);
    log.append(['{"n":3}', '{"n":4}']);
    await log.sync();
    assertEquals(await log.roll(), 40);
    log.append(['{"n":5}']);
    await log.sync();
    assertEquals([log.start, log.length], [0, 48]);
    segments = await listSegments(dir);
    assertEquals(segments.map((s) => s.base), [0, 16, 40]);
    assertEquals(segments[1].path, `${dir}/${segmentName(16)}`);
    const all = readAll(segments);
    assertEquals(all.lines.map((l) => (l.value as { n: number }).n), [0, 1, 2, 3, 4, 5]);
    assertEquals(all.lines.map((l) => l.end), [8, 16, 24, 32, 40, 48]);
    // From and to are logical offsets; a range may span segments.
    assertEquals(
      readAll(segments, { from: 16, to: 40 }).lines.map((l) => (l.value as { n: number }).n),
      [2, 3, 4],
    );

    // Only whole segments before the offset go, in order, and never the newest.
    const kept = (s: { base: number }) => s.base === 16;
    assertEquals((await log.dropBefore(48, kept)).map((s) => s.base), [0]);
    assertEquals((await log.dropBefore(30, () => false)).map((s) => s.base), []);
    assertEquals((await log.dropBefore(48, () => false)).map((s) => s.base), [16]);
    assertEquals(log.start, 40);
    log.close();
    segments = await listSegments(dir);
    assertEquals(readAll(segments).lines.map((l) => (l.value as { n: number }).n), [5]);
    throws(
      () => readAll(segments, { from: 0 }),
      /starts at byte 40 \(older segments were dropped\)/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("listSegments() and logLines() refuse a log with a gap or a torn sealed segment", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/${segmentName(0)}`, '{"n":0}\n');
    await Deno.writeTextFile(`${dir}/${segmentName(16)}`, '{"n":1}\n');
    await rejects(
      listSegments(dir),
      /events-0000000000000000\.ndjson has 8 bytes but the next segment starts at byte 16/,
    );
    await Deno.remove(`${dir}/${segmentName(16)}`);
    await Deno.writeTextFile(`${dir}/${segmentName(0)}`, '{"n":0}\n{"n"');
    await Deno.writeTextFile(`${dir}/${segmentName(12)}`, '{"n":1}\n');
    const segments = await listSegments(dir);
    throws(() => readAll(segments), /cut line but a newer segment follows/);
    // A torn end of the newest segment is a write never acknowledged: reading stops before it.
    await Deno.remove(`${dir}/${segmentName(12)}`);
    const last = readAll(await listSegments(dir));
    assertEquals([last.lines.length, last.end], [1, { end: 8, tornBytes: 4 }]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
