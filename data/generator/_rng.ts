/** The generator's random draws, all from one seeded stream so a seed fixes the base. */
import { seededRng } from "../../src/metrics/seeded_rng.ts";

/** Draws from a seeded uniform stream; the order of calls is part of the base's identity. */
export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRng(seed);
  }
  /** A whole number in `[0, n)`. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  /** One of `xs` with the probabilities `shares` (the last takes what remains). */
  weighted<T>(xs: readonly T[], shares: readonly number[]): T {
    let u = this.next();
    for (let i = 0; i < xs.length - 1; i++) {
      u -= shares[i];
      if (u < 0) return xs[i];
    }
    return xs[xs.length - 1];
  }
  /** A standard normal draw. */
  normal(): number {
    // Box-Muller; 1 - u keeps the log finite.
    const u = 1 - this.next(), v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const l = Math.exp(-lambda);
    let k = 0, p = 1;
    for (;;) {
      p *= this.next();
      if (p <= l) return k;
      k++;
    }
  }
  bernoulli(p: number): 0 | 1 {
    return this.next() < p ? 1 : 0;
  }
}

/** The logistic function: log-odds to probability. */
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
