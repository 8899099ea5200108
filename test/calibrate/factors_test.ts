import assert from "node:assert/strict";
import {
  binFeature,
  binIndex,
  binListFeature,
  chiSquare2x2,
  chiSquareCritical,
} from "../../src/calibrate/factors.ts";
import { FINE_BINNING } from "../../src/calibrate/calibrate_snapshot.ts";
import { matchesPredicate } from "../../src/engine/mod.ts";
import { seededRng } from "../../src/metrics/mod.ts";

function close(actual: number, expected: number, tol = 1e-12) {
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);
}

Deno.test("binFeature() computes counts, lift, WoE and IV by hand", () => {
  const f = binFeature("lead_source", ["a", "a", "a", "b", "b", null], [1, 0, 0, 1, 1, 0], {
    minBinShare: 0,
  });
  assert.deepEqual(f.bins.map((b) => [b.label, b.count, b.converters]), [
    ["lead_source=a", 3, 1],
    ["lead_source=b", 2, 2],
    ["lead_source missing", 1, 0],
  ]);
  // 3 converters, 3 others, 3 bins, 0.5 added per cell: shares over 4.5.
  close(f.bins[0].woe, Math.log((1.5 / 4.5) / (2.5 / 4.5)));
  close(f.bins[1].woe, Math.log(5));
  close(f.bins[2].woe, Math.log(1 / 3));
  const iv = (1 / 3 - 5 / 9) * Math.log(0.6) + (5 / 9 - 1 / 9) * Math.log(5) +
    (1 / 9 - 1 / 3) * Math.log(1 / 3);
  close(f.iv, iv);
  close(f.bins[1].lift, 1 / 0.5);
  assert.deepEqual(f.bins[2].where, { exists: false });
});

Deno.test("binFeature() groups rare categories as other", () => {
  const values = [
    ...Array(50).fill("Google"),
    ...Array(45).fill("Yandex"),
    "Fax",
    "Telex",
    "Fax",
    "Pigeon",
    "Fax",
  ];
  const labels = values.map((_, i) => i % 3 === 0 ? 1 : 0);
  const f = binFeature("lead_source", values, labels, { minBinShare: 0.05 });
  assert.deepEqual(f.bins.map((b) => b.label), [
    "lead_source=Google",
    "lead_source=Yandex",
    "lead_source=other",
  ]);
  assert.deepEqual(f.bins[2].where, { exists: true, notIn: ["Google", "Yandex"] });
  assert.equal(f.bins[2].count, 5);
  // An unseen value lands in other; a missing one in no bin here.
  assert.equal(binIndex(f, "Carrier pigeon"), 2);
  assert.equal(binIndex(f, null), -1);
});

Deno.test("binFeature() cuts numbers at quantiles with readable whole-number labels", () => {
  const rng = seededRng(2);
  const ages: (number | null)[] = [];
  const y: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const age = 18 + Math.floor(rng() * 60);
    ages.push(i % 20 === 0 ? null : age);
    y.push(rng() < (age >= 35 && age <= 50 ? 0.3 : 0.1) ? 1 : 0);
  }
  const f = binFeature("age", ages, y, { maxBins: 5, monotonic: false });
  assert.equal(f.type, "numeric");
  assert.equal(f.bins.length, 6);
  assert.match(f.bins[0].label, /^age <= \d+$/);
  assert.match(f.bins[1].label, /^age \d+-\d+$/);
  assert.match(f.bins[4].label, /^age \d+\+$/);
  assert.equal(f.bins[5].label, "age missing");
  // Every value falls in exactly one bin, and the engine agrees with binIndex.
  for (let a = 18; a < 78; a++) {
    const hits = f.bins.filter((b) => matchesPredicate(a, b.where)).length;
    assert.equal(hits, 1, `age ${a}`);
  }
  const counts = f.bins.map(() => 0);
  for (const a of ages) counts[binIndex(f, a)]++;
  assert.deepEqual(counts, f.bins.map((b) => b.count));
});

Deno.test("binFeature() merges to a monotonic trend when it keeps the information", () => {
  const rng = seededRng(5);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const v = rng() * 100;
    x.push(v);
    y.push(rng() < 0.05 + v / 400 ? 1 : 0);
  }
  const f = binFeature("visits", x, y, { maxBins: 10, monotonic: true });
  const rates = f.bins.map((b) => b.rate);
  for (let k = 1; k < rates.length; k++) assert.ok(rates[k] >= rates[k - 1], rates.join(", "));
  assert.match(f.bins[1].label, /^visits [\d.]+ to <[\d.]+$/);
  assert.throws(
    () => binFeature("visits", x, y, { maxBins: 0 }),
    /maxBins must be a positive integer, got "0"/,
  );
  assert.throws(() => binFeature("visits", x, y.slice(1)), /3000 values but 2999 labels/);
});

Deno.test("binListFeature() gives has/lacks bins per frequent element", () => {
  const values = [["loans"], ["loans", "cards"], [], null, ["cards"], ["loans"]];
  const [loans, cards] = binListFeature("interests", values, [1, 1, 0, 0, 0, 1], {
    minBinShare: 0,
  });
  assert.equal(loans.element, "loans");
  assert.deepEqual(loans.bins.map((b) => [b.label, b.count, b.converters]), [
    ["interests has loans", 3, 3],
    ["interests lacks loans", 3, 0],
  ]);
  assert.equal(cards.bins[0].count, 2);
  for (let i = 0; i < values.length; i++) {
    const inHas = matchesPredicate(values[i], loans.bins[0].where);
    const inLacks = matchesPredicate(values[i], loans.bins[1].where);
    assert.notEqual(inHas, inLacks, `row ${i}`);
  }
});

Deno.test("binFeature() bins sparse counts: the mass at 0 is one bin, the rest still divided", () => {
  const counts = [
    ...Array(850).fill(0),
    ...Array(90).fill(1),
    ...Array(40).fill(2),
    ...Array(20).fill(5),
  ];
  const y = counts.map((c, i) => (i % 10 < c + 1 ? 1 : 0));
  const f = binFeature("call", counts, y, { numeric: true, monotonic: false });
  assert.deepEqual(f.bins.map((b) => b.label), ["call 0", "call 1", "call 2-4", "call 5"]);
  assert.deepEqual(f.bins.map((b) => b.count), [850, 90, 40, 20]);
  // Two distinct values stay ranges with `numeric`, categories without.
  assert.deepEqual(
    binFeature("x", [0, 0, 1, 1], [0, 1, 1, 1], { numeric: true, minBinShare: 0 }).bins.map((b) =>
      b.label
    ),
    [
      "x 0",
      "x 1",
    ],
  );
  assert.deepEqual(
    binFeature("x", [0, 0, 1, 1], [0, 1, 1, 1], { minBinShare: 0 }).bins.map((b) => b.label),
    ["x=0", "x=1"],
  );
});

Deno.test("chiSquareCritical() gives the chi-square(1) quantiles", () => {
  // The normal tail is approximated to 1.5e-7, so the quantiles hold to about 1e-4.
  close(chiSquareCritical(0.05), 3.841459, 1e-4);
  close(chiSquareCritical(0.01), 6.634897, 1e-4);
  close(chiSquare2x2(100, 10, 100, 10), 0);
  // 2x2 table a=30 b=70 / c=10 d=90: n (ad - bc)^2 / (row and column totals).
  close(chiSquare2x2(100, 30, 100, 10), (200 * (30 * 90 - 10 * 70) ** 2) / (100 * 100 * 40 * 160));
});

Deno.test("binFeature() with mergeSignificance keeps one bin per value when values differ", () => {
  // Values 0-9: 5 converts at 2.3 %, 6 at 11.3 %; equal-frequency cuts would lump them.
  const rates = [0.02, 0.02, 0.02, 0.02, 0.02, 0.023, 0.113, 0.113, 0.113, 0.113];
  const x: number[] = [];
  const y: number[] = [];
  const rng = seededRng(9);
  for (let i = 0; i < 40_000; i++) {
    const v = Math.floor(rng() * 10);
    x.push(v);
    y.push(rng() < rates[v] ? 1 : 0);
  }
  const f = binFeature("visits", x, y, {
    maxBins: 20,
    minBinShare: 0.01,
    mergeSignificance: 0.05,
    monotonic: false,
  });
  // The low values merge, the high values merge, and 5 | 6 stays a boundary.
  assert.ok(f.bins.length >= 2 && f.bins.length <= 4, f.bins.map((b) => b.label).join(", "));
  const five = binIndex(f, 5);
  const six = binIndex(f, 6);
  assert.notEqual(five, six);
  assert.ok(f.bins[six].rate > 0.1 && f.bins[five].rate < 0.03);
  for (let v = 0; v <= 9; v++) assert.ok(binIndex(f, v) >= 0, `value ${v} has a bin`);
});

Deno.test("binFeature() with mergeSignificance keeps a rare non-zero bin that differs", () => {
  // 0.5 % of rows are non-zero and convert at 39 % against 5.8 %: a size rule alone would
  // merge them away and leave a single bin.
  const x: number[] = [];
  const y: number[] = [];
  const rng = seededRng(4);
  for (let i = 0; i < 9000; i++) {
    const nonzero = i % 200 === 0;
    x.push(nonzero ? 1 + Math.floor(rng() * 3) : 0);
    y.push(rng() < (nonzero ? 0.39 : 0.058) ? 1 : 0);
  }
  const f = binFeature("calls", x, y, { ...FINE_BINNING, numeric: true });
  assert.deepEqual(f.bins.map((b) => b.label), ["calls 0", "calls 1+"]);
  // Noise does not survive: the same counts with no effect fall to one bin.
  const flat = binFeature("calls", x, x.map(() => (rng() < 0.058 ? 1 : 0)), {
    ...FINE_BINNING,
    numeric: true,
  });
  assert.equal(flat.bins.length, 1);
});

Deno.test("binFeature() with categorical bins number codes as unordered categories", () => {
  const codes = [1, 1, 2, 2, 41, 41, 41, 3];
  const f = binFeature("customer_type", codes, [1, 0, 0, 0, 1, 1, 0, 0], {
    categorical: true,
    minBinShare: 0,
  });
  assert.equal(f.type, "categorical");
  assert.deepEqual(f.bins.map((b) => b.where), [{ eq: 41 }, { eq: 1 }, { eq: 2 }, { eq: 3 }]);
  assert.throws(
    () => binFeature("x", codes, codes.map(() => 0), { categorical: true, numeric: true }),
    /both numeric and categorical/,
  );
  assert.throws(
    () => binFeature("x", codes, codes.map(() => 0), { mergeSignificance: 1 }),
    /mergeSignificance must be in \(0, 1\) or null, got "1"/,
  );
});

Deno.test("binFeature() with mergeSignificance keeps a rare category that converts unlike other", () => {
  // 3000 rows at 10 %; "vip" is 0.5 % of the rows and converts at 80 %, the other rare ones
  // at the base rate.
  const values: string[] = [];
  const y: number[] = [];
  const rng = seededRng(6);
  for (let i = 0; i < 3000; i++) {
    const v = i % 200 === 0 ? "vip" : i % 50 === 1 ? `rare${i % 7}` : ["a", "b", "c"][i % 3];
    values.push(v);
    y.push(rng() < (v === "vip" ? 0.8 : 0.1) ? 1 : 0);
  }
  const f = binFeature("segment", values, y, FINE_BINNING);
  const labels = f.bins.map((b) => b.label);
  assert.ok(labels.includes("segment=vip"), labels.join(", "));
  assert.ok(!labels.some((l) => /rare\d/.test(l)), labels.join(", "));
  const other = f.bins.find((b) => b.kind === "other")!;
  assert.ok(other.rate < 0.2, String(other.rate));
  assert.equal(binIndex(f, "rare3"), f.bins.indexOf(other));
});
