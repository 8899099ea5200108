import assert from "node:assert/strict";
import { convertersInTop } from "../../src/metrics/mod.ts";

Deno.test("convertersInTop() counts converters among the best-scored share", () => {
  const cases = [
    {
      name: "ten rows, top two hold one converter",
      s: [10, 9, 8, 7, 6, 5, 4, 3, 2, 1],
      y: [1, 0, 1, 0, 0, 0, 0, 1, 0, 0],
      share: 0.2,
      expected: 1,
    },
    {
      name: "input order does not matter",
      s: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      y: [0, 0, 1, 0, 0, 0, 0, 1, 0, 1],
      share: 0.2,
      expected: 1,
    },
    {
      name: "a tie across the edge counts in proportion",
      // top 2 of 5 rows: score 9 (converter), then one of the three tied at 5 (one converter).
      s: [9, 5, 5, 5, 1],
      y: [1, 1, 0, 0, 1],
      share: 0.4,
      expected: 1 + 1 / 3,
    },
    { name: "share 1 takes every converter", s: [3, 2, 1], y: [1, 0, 1], share: 1, expected: 2 },
    {
      name: "a share below one row counts part of the first",
      s: [2, 1],
      y: [1, 0],
      share: 0.25,
      expected: 0.5,
    },
  ];
  for (const c of cases) {
    const top = convertersInTop(c.s, c.y, { share: c.share });
    assert.ok(Math.abs(top.converters - c.expected) < 1e-12, `${c.name}: ${top.converters}`);
    assert.equal(top.rows, c.share * c.s.length, c.name);
  }
  const top = convertersInTop([3, 2, 1, 0, -1], [1, 0, 0, 1, 0]);
  assert.equal(top.share, 0.2);
  assert.equal(top.capture, 0.5);
  assert.ok(Number.isNaN(convertersInTop([1, 2], [0, 0]).capture));
});

Deno.test("convertersInTop() refuses a share outside (0, 1] and bad scores", () => {
  assert.throws(
    () => convertersInTop([1], [1], { share: 0 }),
    /share must be in \(0, 1\], got "0"/,
  );
  assert.throws(() => convertersInTop([1], [1], { share: 1.5 }), /got "1.5"/);
  assert.throws(() => convertersInTop([1, NaN], [1, 0]), /index 1 is "NaN"/);
});
