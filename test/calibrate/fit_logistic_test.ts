import assert from "node:assert/strict";
import { fitLogistic, predictLogit } from "../../src/calibrate/fit_logistic.ts";
import { seededRng } from "../../src/metrics/mod.ts";

function close(actual: number, expected: number, tol: number, what = "") {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what} expected ${expected}, got ${actual} (diff ${Math.abs(actual - expected)})`,
  );
}

/** Rows of a 2x2 table: `a` converters and `b` non-converters at x=0, `c` and `d` at x=1. */
function table(a: number, b: number, c: number, d: number) {
  const X: number[][] = [];
  const y: number[] = [];
  const push = (x: number, label: number, k: number) => {
    for (let i = 0; i < k; i++) {
      X.push([x]);
      y.push(label);
    }
  };
  push(0, 1, a);
  push(0, 0, b);
  push(1, 1, c);
  push(1, 0, d);
  return { X, y };
}

Deno.test("fitLogistic() matches the closed form of a 2x2 table", () => {
  const [a, b, c, d] = [12, 48, 30, 20];
  const { X, y } = table(a, b, c, d);
  const m = fitLogistic(X, y, { featureNames: ["clicked"] });
  assert.equal(m.converged, true);
  assert.equal(m.separation, false);
  close(m.intercept, Math.log(a / b), 1e-9, "intercept");
  close(m.coef[0], Math.log((c * b) / (d * a)), 1e-9, "coef");
  close(m.stdErr[0], Math.sqrt(1 / a + 1 / b + 1 / c + 1 / d), 1e-9, "stdErr");
  close(m.interceptStdErr, Math.sqrt(1 / a + 1 / b), 1e-9, "interceptStdErr");
  // Saturated model: ll = sum of k log(k/n) per cell.
  const ll = a * Math.log(a / (a + b)) + b * Math.log(b / (a + b)) +
    c * Math.log(c / (c + d)) + d * Math.log(d / (c + d));
  close(m.logLikelihood, ll, 1e-9, "logLikelihood");
  const n = a + b + c + d;
  const pos = a + c;
  close(m.nullLogLikelihood, pos * Math.log(pos / n) + (n - pos) * Math.log(1 - pos / n), 1e-9);
  assert.deepEqual(m.featureNames, ["clicked"]);
  assert.deepEqual(JSON.parse(JSON.stringify(m)), m);
});

function synthetic(n: number, p: number, seed: number) {
  const rng = seededRng(seed);
  const X: number[][] = [];
  const y: number[] = [];
  const trueCoef = Array.from({ length: p }, (_, j) => (j % 2 ? -0.6 : 0.8) / (1 + j));
  for (let i = 0; i < n; i++) {
    const row = Array.from(
      { length: p },
      (_, j) => (j === 0 ? (rng() < 0.3 ? 1 : 0) : rng() * 4 - 2),
    );
    let eta = -1;
    for (let j = 0; j < p; j++) eta += row[j] * trueCoef[j];
    X.push(row);
    y.push(rng() < 1 / (1 + Math.exp(-eta)) ? 1 : 0);
  }
  return { X, y };
}

/** Penalised weighted log-likelihood, written plainly and independently of the fitter. */
function objective(X: number[][], y: number[], w: number[], l2: number, beta: number[]): number {
  let s = 0;
  for (let i = 0; i < X.length; i++) {
    let eta = beta[0];
    for (let j = 0; j < X[i].length; j++) eta += X[i][j] * beta[j + 1];
    const p = 1 / (1 + Math.exp(-eta));
    s += w[i] * (y[i] ? Math.log(p) : Math.log(1 - p));
  }
  for (let j = 1; j < beta.length; j++) s -= (l2 / 2) * beta[j] ** 2;
  return s;
}

function gradient(X: number[][], y: number[], w: number[], l2: number, beta: number[]): number[] {
  const g = new Array(beta.length).fill(0);
  for (let i = 0; i < X.length; i++) {
    let eta = beta[0];
    for (let j = 0; j < X[i].length; j++) eta += X[i][j] * beta[j + 1];
    const r = w[i] * (y[i] - 1 / (1 + Math.exp(-eta)));
    g[0] += r;
    for (let j = 0; j < X[i].length; j++) g[j + 1] += r * X[i][j];
  }
  for (let j = 1; j < beta.length; j++) g[j] -= l2 * beta[j];
  return g;
}

/** Slow reference: Newton with a Hessian from central differences of the gradient, Gauss-Jordan solve. */
function referenceFit(X: number[][], y: number[], w: number[], l2: number): number[] {
  const q = X[0].length + 1;
  let beta = new Array(q).fill(0);
  for (let iter = 0; iter < 100; iter++) {
    const g = gradient(X, y, w, l2, beta);
    const h = 1e-5;
    const H: number[][] = [];
    for (let j = 0; j < q; j++) {
      const up = beta.slice();
      const dn = beta.slice();
      up[j] += h;
      dn[j] -= h;
      const gu = gradient(X, y, w, l2, up);
      const gd = gradient(X, y, w, l2, dn);
      H.push(gu.map((v, k) => -(v - gd[k]) / (2 * h)));
    }
    // Solve H d = g by Gauss-Jordan elimination with partial pivoting.
    const A = H.map((r, i) => [...r, g[i]]);
    for (let c = 0; c < q; c++) {
      let piv = c;
      for (let r = c + 1; r < q; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r;
      [A[c], A[piv]] = [A[piv], A[c]];
      for (let r = 0; r < q; r++) {
        if (r === c) continue;
        const f = A[r][c] / A[c][c];
        for (let k = c; k <= q; k++) A[r][k] -= f * A[c][k];
      }
    }
    const d = A.map((r, i) => r[q] / r[i]);
    beta = beta.map((b, j) => b + d[j]);
    if (Math.max(...d.map(Math.abs)) < 1e-12) break;
  }
  return beta;
}

Deno.test("fitLogistic() zeroes the penalised gradient and matches a slow reference", () => {
  const { X, y } = synthetic(600, 5, 11);
  const rng = seededRng(5);
  const w = X.map(() => 0.5 + rng());
  for (const l2 of [0, 2.5]) {
    const m = fitLogistic(X, y, { l2, sampleWeight: w });
    assert.equal(m.converged, true);
    const beta = [m.intercept, ...m.coef];
    const g = gradient(X, y, w, l2, beta);
    for (const gj of g) close(gj, 0, 1e-8, "gradient");
    const ref = referenceFit(X, y, w, l2);
    beta.forEach((b, j) => close(b, ref[j], 1e-6, `l2=${l2} beta[${j}]`));
    // No small move raises the penalised likelihood.
    const best = objective(X, y, w, l2, beta);
    for (let j = 0; j < beta.length; j++) {
      for (const dx of [-1e-3, 1e-3]) {
        const moved = beta.slice();
        moved[j] += dx;
        assert.ok(objective(X, y, w, l2, moved) < best);
      }
    }
  }
});

Deno.test("fitLogistic() penalises the coefficients, not the intercept", () => {
  const { X, y } = table(10, 90, 30, 70);
  const strong = fitLogistic(X, y, { l2: 1e9 });
  close(strong.coef[0], 0, 1e-6);
  // With the coefficient pinned at 0 the intercept is the overall log odds.
  close(strong.intercept, Math.log(40 / 160), 1e-6);
});

Deno.test("fitLogistic() reads row and column layouts and weights alike", () => {
  const { X, y } = synthetic(300, 3, 2);
  const rowData = new Float64Array(X.flat());
  const colData = new Float64Array(300 * 3);
  for (let i = 0; i < 300; i++) for (let j = 0; j < 3; j++) colData[j * 300 + i] = X[i][j];
  const a = fitLogistic({ data: rowData, rows: 300, cols: 3 }, y);
  const b = fitLogistic({ data: colData, rows: 300, cols: 3, layout: "column" }, y);
  a.coef.forEach((c, j) => close(c, b.coef[j], 1e-12));
  // Weight 2 equals the row twice.
  const w = X.map((_, i) => (i < 50 ? 2 : 1));
  const weighted = fitLogistic(X, y, { sampleWeight: w });
  const doubled = fitLogistic([...X, ...X.slice(0, 50)], [...y, ...y.slice(0, 50)]);
  weighted.coef.forEach((c, j) => close(c, doubled.coef[j], 1e-9));
  close(weighted.stdErr[1], doubled.stdErr[1], 1e-9);
  const logit = predictLogit(a, { data: rowData, rows: 300, cols: 3 });
  close(logit[7], a.intercept + X[7].reduce((s, v, j) => s + v * a.coef[j], 0), 1e-12);
});

Deno.test("fitLogistic() reports separation instead of hiding it", () => {
  // x = 1 always converts: quasi-complete separation.
  const { X, y } = table(10, 40, 20, 0);
  const m = fitLogistic(X, y, { featureNames: ["demo_booked"] });
  assert.equal(m.separation, true);
  assert.deepEqual(m.separatedFeatures, ["demo_booked"]);
  assert.ok(m.warnings.some((w) => w.includes("Separation")), m.warnings.join("\n"));
  // A ridge makes the estimate exist.
  const r = fitLogistic(X, y, { l2: 1, featureNames: ["demo_booked"] });
  assert.equal(r.separation, false);
  assert.equal(r.converged, true);
  assert.ok(r.coef[0] > 1 && r.coef[0] < 10);
});

Deno.test("fitLogistic() reports non-convergence", () => {
  const { X, y } = synthetic(200, 3, 4);
  const m = fitLogistic(X, y, { maxIter: 1 });
  assert.equal(m.converged, false);
  assert.equal(m.nIter, 1);
  assert.ok(m.warnings.some((w) => w.startsWith("Did not converge in 1 iterations")));
});

Deno.test("fitLogistic() refuses each bad parameter with its value", () => {
  const X = [[0], [1], [1], [0]];
  const y = [0, 1, 0, 1];
  const cases: [string, () => unknown, RegExp][] = [
    ["l2", () => fitLogistic(X, y, { l2: -1 }), /l2 must be a finite number >= 0, got "-1"/],
    [
      "maxIter",
      () => fitLogistic(X, y, { maxIter: 0 }),
      /maxIter must be a positive integer, got "0"/,
    ],
    ["tol", () => fitLogistic(X, y, { tol: 0 }), /tol must be a positive number, got "0"/],
    [
      "sampleWeight length",
      () => fitLogistic(X, y, { sampleWeight: [1] }),
      /sampleWeight has 1 values for 4 rows/,
    ],
    [
      "sampleWeight value",
      () => fitLogistic(X, y, { sampleWeight: [1, -1, 1, 1] }),
      /sampleWeight\[1\] is "-1"/,
    ],
    [
      "all-zero weights",
      () => fitLogistic(X, y, { sampleWeight: [0, 0, 0, 0] }),
      /every sampleWeight is 0/,
    ],
    [
      "featureNames",
      () => fitLogistic(X, y, { featureNames: ["a", "b"] }),
      /featureNames has 2 names for 1 columns/,
    ],
    ["y length", () => fitLogistic(X, [0, 1]), /y has 2 labels for 4 rows/],
    ["y value", () => fitLogistic(X, [0, 1, 2, 0]), /y\[2\] is "2"/],
    ["X value", () => fitLogistic([[0], [NaN], [1], [0]], y), /X\[1\]\[0\] is "NaN"/],
    [
      "X ragged",
      () => fitLogistic([[0], [1, 2], [1], [0]], y),
      /row 1 of X has 2 values, expected 1/,
    ],
    [
      "X size",
      () => fitLogistic({ data: new Float64Array(3), rows: 4, cols: 1 }, y),
      /not rows x cols/,
    ],
    [
      "X layout",
      () =>
        fitLogistic({ data: new Float64Array(4), rows: 4, cols: 1, layout: "diag" as "row" }, y),
      /layout must be/,
    ],
    ["X type", () => fitLogistic("x" as unknown as number[][], y), TypeError as unknown as RegExp],
    ["X empty", () => fitLogistic([], []), /X has no rows/],
  ];
  for (const [name, fn, re] of cases) assert.throws(fn, re, name);
});

Deno.test("fitLogistic() from a warm start reaches the same solution in fewer iterations", () => {
  const { X, y } = synthetic(3000, 6, 12);
  const cold = fitLogistic(X, y, { l2: 2 });
  const near = fitLogistic(X, y, { l2: 2.2 });
  const warm = fitLogistic(X, y, { l2: 2, init: { intercept: near.intercept, coef: near.coef } });
  for (let j = 0; j < 6; j++) close(warm.coef[j], cold.coef[j], 1e-9, `coef ${j}`);
  close(warm.intercept, cold.intercept, 1e-9, "intercept");
  assert.ok(warm.nIter < cold.nIter, `${warm.nIter} vs ${cold.nIter}`);
  assert.throws(
    () => fitLogistic(X, y, { init: { intercept: 0, coef: [1] } }),
    /init must hold a finite intercept and 6 finite coefficients/,
  );
});
