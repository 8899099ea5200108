import { choleskyInPlace, choleskyInverseDiagonal, choleskySolve } from "./_linalg.ts";

/**
 * A design matrix as a flat Float64Array. `layout: "row"` stores row i at
 * `data[i * cols ... i * cols + cols - 1]`; `"column"` stores column j contiguously.
 */
export interface DesignMatrix {
  /** The values, `rows * cols` of them. */
  data: Float64Array;
  /** Number of rows (observations). */
  rows: number;
  /** Number of columns (features), without an intercept column. */
  cols: number;
  /** Whether rows or columns are contiguous in `data`. @default "row" */
  layout?: "row" | "column";
}

/** Options for `fitLogistic`. */
export interface FitLogisticOptions {
  /** L2 penalty on the coefficients (never on the intercept): adds `l2/2 * sum(coef^2)`. @default 0 */
  l2?: number;
  /** Newton (IRLS) iterations before giving up and reporting `converged: false`. @default 50 */
  maxIter?: number;
  /** Converged when the largest Newton step on any parameter is below `tol`. @default 1e-10 */
  tol?: number;
  /** Non-negative weight per row (e.g. frequency weights). @default all 1 */
  sampleWeight?: ArrayLike<number>;
  /** A name per column, kept in the model. @default ["x0", "x1", ...] */
  featureNames?: string[];
  /**
   * Starting point (a warm start, e.g. the fit at a nearby `l2`): the intercept and one
   * coefficient per column. @default the intercept-only solution
   */
  init?: { intercept: number; coef: ArrayLike<number> };
}

/** A fitted logistic regression: plain, JSON-able data. */
export interface LogisticModel {
  /** One coefficient per feature, on the log-odds scale. */
  coef: number[];
  /** The constant term, on the log-odds scale. */
  intercept: number;
  /** Standard errors from the inverse of the (penalised) observed information. */
  stdErr: number[];
  /** Standard error of the intercept. */
  interceptStdErr: number;
  /** Newton iterations run. */
  nIter: number;
  /** `false` when `maxIter` ran out first; the model is then reported, never hidden. */
  converged: boolean;
  /** Unpenalised log-likelihood at the solution (weighted). */
  logLikelihood: number;
  /** Log-likelihood of the intercept-only model, for a pseudo-R² (`1 - ll / ll0`). */
  nullLogLikelihood: number;
  /** A name per coefficient. */
  featureNames: string[];
  /** The L2 penalty used. */
  l2: number;
  /** Rows fitted on. */
  rows: number;
  /**
   * Complete or quasi-complete separation: some fitted probabilities reached 0 or 1 while
   * coefficients kept growing, so the maximum-likelihood estimate does not exist. Use
   * `l2 > 0` or merge the offending bins.
   */
  separation: boolean;
  /** Features whose coefficients ran away under separation. */
  separatedFeatures: string[];
  /** Every problem met while fitting, in words. */
  warnings: string[];
}

interface Checked {
  x: Float64Array;
  n: number;
  p: number;
  y: Uint8Array;
  w: Float64Array;
  l2: number;
  maxIter: number;
  tol: number;
  featureNames: string[];
  init: { intercept: number; coef: ArrayLike<number> } | undefined;
}

function _checkFitLogistic(
  X: DesignMatrix | number[][],
  y: ArrayLike<number | boolean>,
  options: FitLogisticOptions,
): Checked {
  const { l2 = 0, maxIter = 50, tol = 1e-10, sampleWeight, featureNames, init } = options;
  if (typeof l2 !== "number" || !(l2 >= 0) || !Number.isFinite(l2)) {
    throw new RangeError(
      `Cannot fit logistic regression: l2 must be a finite number >= 0, got "${l2}"`,
    );
  }
  if (!Number.isInteger(maxIter) || maxIter < 1) {
    throw new RangeError(
      `Cannot fit logistic regression: maxIter must be a positive integer, got "${maxIter}"`,
    );
  }
  if (typeof tol !== "number" || !(tol > 0) || !Number.isFinite(tol)) {
    throw new RangeError(
      `Cannot fit logistic regression: tol must be a positive number, got "${tol}"`,
    );
  }
  let x: Float64Array;
  let n: number;
  let p: number;
  if (Array.isArray(X)) {
    n = X.length;
    p = n > 0 ? X[0].length : 0;
    x = new Float64Array(n * p);
    for (let i = 0; i < n; i++) {
      if (!Array.isArray(X[i]) || X[i].length !== p) {
        throw new RangeError(
          `Cannot fit logistic regression: row ${i} of X has ${X[i]?.length} values, expected ${p}`,
        );
      }
      for (let j = 0; j < p; j++) x[i * p + j] = X[i][j];
    }
  } else if (X && X.data instanceof Float64Array) {
    n = X.rows;
    p = X.cols;
    if (!Number.isInteger(n) || !Number.isInteger(p) || n < 0 || p < 0 || X.data.length !== n * p) {
      throw new RangeError(
        `Cannot fit logistic regression: X has ${X.data.length} values, not rows x cols = ${n} x ${p}`,
      );
    }
    const layout = X.layout ?? "row";
    if (layout === "row") x = X.data;
    else if (layout === "column") {
      x = new Float64Array(n * p);
      for (let j = 0; j < p; j++) for (let i = 0; i < n; i++) x[i * p + j] = X.data[j * n + i];
    } else {
      throw new RangeError(
        `Cannot fit logistic regression: layout must be "row" or "column", got "${layout}"`,
      );
    }
  } else {
    throw new TypeError(
      "Cannot fit logistic regression: X must be number[][] or { data: Float64Array, rows, cols }",
    );
  }
  for (let k = 0; k < x.length; k++) {
    if (!Number.isFinite(x[k])) {
      throw new RangeError(
        `Cannot fit logistic regression: X[${Math.floor(k / p)}][${k % p}] is "${
          x[k]
        }", not a finite number`,
      );
    }
  }
  if (n === 0) throw new RangeError("Cannot fit logistic regression: X has no rows");
  if (!y || typeof y.length !== "number" || y.length !== n) {
    throw new RangeError(`Cannot fit logistic regression: y has ${y?.length} labels for ${n} rows`);
  }
  const yy = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (v === 1 || v === true) yy[i] = 1;
    else if (v !== 0 && v !== false) {
      throw new RangeError(`Cannot fit logistic regression: y[${i}] is "${v}", expected 0 or 1`);
    }
  }
  const w = new Float64Array(n).fill(1);
  if (sampleWeight !== undefined) {
    if (!sampleWeight || sampleWeight.length !== n) {
      throw new RangeError(
        `Cannot fit logistic regression: sampleWeight has ${sampleWeight?.length} values for ${n} rows`,
      );
    }
    for (let i = 0; i < n; i++) {
      const v = sampleWeight[i];
      if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) {
        throw new RangeError(
          `Cannot fit logistic regression: sampleWeight[${i}] is "${v}", expected a finite number >= 0`,
        );
      }
      w[i] = v;
    }
  }
  let names: string[];
  if (featureNames === undefined) names = Array.from({ length: p }, (_, j) => `x${j}`);
  else {
    if (!Array.isArray(featureNames) || featureNames.length !== p) {
      throw new RangeError(
        `Cannot fit logistic regression: featureNames has ${featureNames?.length} names for ${p} columns`,
      );
    }
    names = featureNames.map(String);
  }
  if (init !== undefined) {
    const ok = init && Number.isFinite(init.intercept) && init.coef?.length === p &&
      Array.from(init.coef).every(Number.isFinite);
    if (!ok) {
      throw new RangeError(
        `Cannot fit logistic regression: init must hold a finite intercept and ${p} finite coefficients`,
      );
    }
  }
  return { x, n, p, y: yy, w, l2, maxIter, tol, featureNames: names, init };
}

/** `log(1 + exp(t))` without overflow. */
function log1pExp(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/**
 * L2-regularised logistic regression with an unpenalised intercept, fitted by Newton's
 * method (IRLS) with step halving, solving each step by Cholesky. Exact to machine
 * precision where the maximum-likelihood estimate exists; non-convergence and
 * separation are reported in the model (`converged`, `separation`, `warnings`), never
 * hidden.
 *
 * @example
 * ```ts
 * const model = fitLogistic([[0], [1], [1], [0]], [0, 1, 0, 1], { featureNames: ["email_click"] });
 * ```
 */
export function fitLogistic(
  X: DesignMatrix | number[][],
  y: ArrayLike<number | boolean>,
  options: FitLogisticOptions = {},
): LogisticModel {
  const { x, n, p, y: yy, w, l2, maxIter, tol, featureNames, init } = _checkFitLogistic(
    X,
    y,
    options,
  );
  const q = p + 1; // parameter 0 is the intercept
  const beta = new Float64Array(q);
  const warnings: string[] = [];
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < n; i++) {
    sw += w[i];
    swy += w[i] * yy[i];
  }
  if (sw === 0) throw new RangeError("Cannot fit logistic regression: every sampleWeight is 0");
  const nullLogLikelihood = swy === 0 || swy === sw
    ? 0
    : swy * Math.log(swy / sw) + (sw - swy) * Math.log(1 - swy / sw);
  if (swy === 0 || swy === sw) {
    warnings.push(`Every row has label ${swy === 0 ? 0 : 1}: the intercept runs to infinity`);
  } else {
    beta[0] = Math.log(swy / (sw - swy));
  }
  if (init) {
    beta[0] = init.intercept;
    for (let j = 0; j < p; j++) beta[j + 1] = init.coef[j];
  }

  const eta = new Float64Array(n);
  const computeEta = (b: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let e = b[0];
      const o = i * p;
      for (let j = 0; j < p; j++) e += x[o + j] * b[j + 1];
      eta[i] = e;
    }
  };
  const logLik = () => {
    let ll = 0;
    for (let i = 0; i < n; i++) ll -= w[i] * (yy[i] ? log1pExp(-eta[i]) : log1pExp(eta[i]));
    return ll;
  };
  const penalty = (b: Float64Array) => {
    let s = 0;
    for (let j = 1; j < q; j++) s += b[j] * b[j];
    return (l2 / 2) * s;
  };

  computeEta(beta);
  let ll = logLik();
  let objective = ll - penalty(beta);
  const H = new Float64Array(q * q);
  const g = new Float64Array(q);
  const row = new Float64Array(q);
  const nzIndex = new Int32Array(q);
  let nIter = 0;
  let converged = false;
  let lastL: Float64Array | null = null;
  let jitter = 0;
  for (let iter = 1; iter <= maxIter; iter++) {
    nIter = iter;
    H.fill(0);
    g.fill(0);
    for (let i = 0; i < n; i++) {
      const mu = 1 / (1 + Math.exp(-eta[i]));
      const wi = w[i] * mu * (1 - mu);
      const ri = w[i] * (yy[i] - mu);
      // Only the non-zero entries of the row: dummy-coded designs are mostly zeros.
      let nz = 1;
      nzIndex[0] = 0;
      row[0] = 1;
      const o = i * p;
      for (let j = 0; j < p; j++) {
        const v = x[o + j];
        if (v !== 0) {
          nzIndex[nz] = j + 1;
          row[nz++] = v;
        }
      }
      for (let ka = 0; ka < nz; ka++) {
        const a = nzIndex[ka];
        const ra = row[ka];
        g[a] += ri * ra;
        const wa = wi * ra;
        const base = a * q;
        for (let kb = 0; kb <= ka; kb++) H[base + nzIndex[kb]] += wa * row[kb];
      }
    }
    for (let j = 1; j < q; j++) {
      g[j] -= l2 * beta[j];
      H[j * q + j] += l2 + jitter;
    }
    let L = Float64Array.from(H);
    if (!choleskyInPlace(L, q)) {
      // Singular information: a constant or duplicated column, or separation. A small ridge
      // keeps Newton moving; the warning says the estimate is not unique.
      jitter = Math.max(1e-8, jitter * 10);
      warnings.push(
        `Information matrix is singular at iteration ${iter} (constant, duplicated or separated features); added ridge ${jitter}`,
      );
      L = Float64Array.from(H);
      for (let j = 0; j < q; j++) L[j * q + j] += jitter;
      if (!choleskyInPlace(L, q)) {
        warnings.push("Information matrix stays singular; stopped");
        break;
      }
    }
    lastL = L;
    const step = choleskySolve(L, q, g);
    let t = 1;
    const next = new Float64Array(q);
    let improved = false;
    for (let half = 0; half < 30; half++) {
      for (let j = 0; j < q; j++) next[j] = beta[j] + t * step[j];
      computeEta(next);
      const nextLl = logLik();
      const nextObj = nextLl - penalty(next);
      if (nextObj >= objective - 1e-12 * Math.abs(objective)) {
        beta.set(next);
        ll = nextLl;
        objective = nextObj;
        improved = true;
        break;
      }
      t /= 2;
    }
    if (!improved) {
      computeEta(beta);
      converged = true; // no ascent direction left at machine precision
      break;
    }
    let maxStep = 0;
    for (let j = 0; j < q; j++) maxStep = Math.max(maxStep, Math.abs(t * step[j]));
    if (maxStep < tol) {
      converged = true;
      break;
    }
  }

  // Standard errors from the information matrix. After convergence the last Newton step
  // moved no parameter by more than `tol`, so its factor is the one at the solution (up to
  // that) and a last pass over the rows is saved; otherwise it is rebuilt at the estimate.
  computeEta(beta);
  let extreme = 0;
  for (let i = 0; i < n; i++) if (w[i] > 0 && Math.abs(eta[i]) > 30) extreme++;
  let se = new Float64Array(q).fill(NaN);
  if (converged && jitter === 0 && lastL) {
    se = choleskyInverseDiagonal(lastL, q).map(Math.sqrt);
  } else {
    H.fill(0);
    for (let i = 0; i < n; i++) {
      const mu = 1 / (1 + Math.exp(-eta[i]));
      const wi = w[i] * mu * (1 - mu);
      row[0] = 1;
      const o = i * p;
      for (let j = 0; j < p; j++) row[j + 1] = x[o + j];
      for (let a = 0; a < q; a++) {
        const wa = wi * row[a];
        if (wa === 0) continue;
        for (let b = 0; b <= a; b++) H[a * q + b] += wa * row[b];
      }
    }
    for (let j = 1; j < q; j++) H[j * q + j] += l2;
    const Lf = Float64Array.from(H);
    if (choleskyInPlace(Lf, q)) se = choleskyInverseDiagonal(Lf, q).map(Math.sqrt);
    else if (lastL) se = choleskyInverseDiagonal(lastL, q).map(Math.sqrt);
  }

  const coef = Array.from(beta.subarray(1));
  let maxAbs = 0;
  for (const c of coef) maxAbs = Math.max(maxAbs, Math.abs(c));
  const separation = extreme > 0 && (!converged || maxAbs > 15 || Math.abs(beta[0]) > 15) &&
    swy > 0 && swy < sw;
  const separatedFeatures = separation
    ? featureNames.filter((_, j) =>
      Math.abs(coef[j]) > 10 || se[j + 1] > 100 * Math.max(1, Math.abs(coef[j]))
    )
    : [];
  if (separation) {
    warnings.push(
      `Separation: ${extreme} rows have fitted probability 0 or 1 and coefficients diverge${
        separatedFeatures.length ? ` (${separatedFeatures.map((f) => `"${f}"`).join(", ")})` : ""
      }; the maximum-likelihood estimate does not exist, use l2 > 0 or merge bins`,
    );
  }
  if (!converged) {
    warnings.push(`Did not converge in ${maxIter} iterations (tol ${tol})`);
  }
  return {
    coef,
    intercept: beta[0],
    stdErr: Array.from(se.subarray(1)),
    interceptStdErr: se[0],
    nIter,
    converged,
    logLikelihood: ll,
    nullLogLikelihood,
    featureNames,
    l2,
    rows: n,
    separation,
    separatedFeatures,
    warnings,
  };
}

/** Predicted log-odds of each row of `X` under `model`. */
export function predictLogit(model: LogisticModel, X: DesignMatrix | number[][]): Float64Array {
  const rowsOf = Array.isArray(X) ? X.length : X.rows;
  const p = model.coef.length;
  const out = new Float64Array(rowsOf);
  for (let i = 0; i < rowsOf; i++) {
    let e = model.intercept;
    for (let j = 0; j < p; j++) {
      const v = Array.isArray(X)
        ? X[i][j]
        : (X.layout ?? "row") === "row"
        ? X.data[i * X.cols + j]
        : X.data[j * X.rows + i];
      e += v * model.coef[j];
    }
    out[i] = e;
  }
  return out;
}

/** The logistic function. */
export function sigmoid(t: number): number {
  return 1 / (1 + Math.exp(-t));
}
