/**
 * A seeded pseudo-random generator (mulberry32): returns a function giving floats in
 * [0, 1). The same seed gives the same sequence on every machine, so resampling,
 * hold-out splits and synthetic data are reproducible.
 */
export function seededRng(seed: number): () => number {
  if (!Number.isFinite(seed)) throw new RangeError(`Cannot seed a generator with "${seed}"`);
  let a = Math.floor(seed) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
