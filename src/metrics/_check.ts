/** Input checks shared by every metric: one place that names the bad index and value. */

/** Scores (or probabilities) and 0/1 labels of equal length, copied to typed arrays. */
export interface Scored {
  scores: Float64Array;
  labels: Uint8Array;
  positives: number;
  negatives: number;
}

/**
 * Checks `scores`/`labels` for `what` and returns typed copies. Labels may be `0`/`1` or
 * booleans; scores must be finite (with `probabilities`, within 0..1).
 */
export function _checkScored(
  what: string,
  scores: ArrayLike<number>,
  labels: ArrayLike<number | boolean>,
  probabilities = false,
): Scored {
  if (scores === null || typeof scores !== "object" || typeof scores.length !== "number") {
    throw new TypeError(`Cannot compute ${what}: scores must be an array of numbers`);
  }
  if (labels === null || typeof labels !== "object" || typeof labels.length !== "number") {
    throw new TypeError(`Cannot compute ${what}: labels must be an array of 0/1 values`);
  }
  if (scores.length !== labels.length) {
    throw new RangeError(
      `Cannot compute ${what}: ${scores.length} scores but ${labels.length} labels`,
    );
  }
  const n = scores.length;
  const s = new Float64Array(n);
  const y = new Uint8Array(n);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const v = scores[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new RangeError(
        `Cannot compute ${what}: score at index ${i} is "${v}", not a finite number`,
      );
    }
    if (probabilities && (v < 0 || v > 1)) {
      throw new RangeError(
        `Cannot compute ${what}: probability at index ${i} is "${v}", outside 0..1`,
      );
    }
    s[i] = v;
    const l = labels[i];
    if (l === 1 || l === true) {
      y[i] = 1;
      positives++;
    } else if (l !== 0 && l !== false) {
      throw new RangeError(
        `Cannot compute ${what}: label at index ${i} is "${l}", expected 0 or 1`,
      );
    }
  }
  return { scores: s, labels: y, positives, negatives: n - positives };
}

/** Indices of `scores` sorted by descending score; ties keep index order. */
export function _orderDescending(scores: Float64Array): Uint32Array {
  const idx = new Uint32Array(scores.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((a, b) => scores[b] - scores[a] || a - b);
  return idx;
}
