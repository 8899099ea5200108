/** Small dense linear algebra on Float64Array (row-major, symmetric positive definite). */

/**
 * In-place Cholesky factorisation of the `p x p` symmetric matrix `a` (lower triangle
 * read and overwritten with L). Returns false when `a` is not positive definite.
 */
export function choleskyInPlace(a: Float64Array, p: number): boolean {
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j];
    for (let k = 0; k < j; k++) d -= a[j * p + k] * a[j * p + k];
    if (!(d > 0) || !Number.isFinite(d)) return false;
    const ljj = Math.sqrt(d);
    a[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j];
      for (let k = 0; k < j; k++) s -= a[i * p + k] * a[j * p + k];
      a[i * p + j] = s / ljj;
    }
  }
  return true;
}

/** Solves `L L^T x = b` given the factor from `choleskyInPlace`; returns a new array. */
export function choleskySolve(l: Float64Array, p: number, b: Float64Array): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < p; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= l[i * p + k] * x[k];
    x[i] = s / l[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < p; k++) s -= l[k * p + i] * x[k];
    x[i] = s / l[i * p + i];
  }
  return x;
}

/** Diagonal of the inverse of `L L^T`. */
export function choleskyInverseDiagonal(l: Float64Array, p: number): Float64Array {
  const out = new Float64Array(p);
  const e = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    e.fill(0);
    e[j] = 1;
    out[j] = choleskySolve(l, p, e)[j];
  }
  return out;
}

/**
 * Columns of the row-major `n x p` matrix `x` that are linearly independent of the
 * intercept and of the columns kept before them, in order (a Cholesky of the Gram matrix
 * that skips a column whose pivot is below `tol` of its own squared norm). A feature that
 * is a sum of others, such as the values of a column that cover every event of a type,
 * would make the fit singular.
 */
export function independentColumns(x: Float64Array, n: number, p: number, tol = 1e-9): number[] {
  const q = p + 1;
  const G = new Float64Array(q * q);
  const row = new Float64Array(q);
  row[0] = 1;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) row[j + 1] = x[i * p + j];
    for (let a = 0; a < q; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      for (let b = 0; b <= a; b++) G[a * q + b] += ra * row[b];
    }
  }
  // Incremental Cholesky over the kept columns only.
  const kept: number[] = [0];
  const L: number[][] = [[Math.sqrt(G[0])]];
  const out: number[] = [];
  for (let a = 1; a < q; a++) {
    const l: number[] = [];
    for (let k = 0; k < kept.length; k++) {
      let s = G[a * q + kept[k]];
      for (let m = 0; m < k; m++) s -= l[m] * L[k][m];
      l.push(s / L[k][k]);
    }
    let d = G[a * q + a];
    for (const v of l) d -= v * v;
    if (!(d > tol * G[a * q + a])) continue;
    l.push(Math.sqrt(d));
    L.push(l);
    kept.push(a);
    out.push(a - 1);
  }
  return out;
}
