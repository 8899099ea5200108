/**
 * Factors: one contact column (or event feature) cut into bins, each with its count,
 * converters, conversion rate, lift, weight of evidence (WoE) and information value (IV).
 * Bins carry the spec predicate that selects them, so a fitted bin becomes a config rule
 * whose engine match is exactly the bin used in the fit.
 */
import type { Predicate, Scalar } from "../config/types.ts";
import { matchesPredicate, type PredicateValue } from "../engine/mod.ts";

/** Options for `binFeature`. */
export interface BinningOptions {
  /** Quantile bins to start from for a numeric column. @default 5 */
  maxBins?: number;
  /**
   * Smallest share of the rows a bin may hold: rarer categories go to `other`, smaller
   * numeric bins merge into a neighbour. @default 0.02
   */
  minBinShare?: number;
  /** Most categories kept by name (the most frequent); the rest go to `other`. @default 12 */
  maxCategories?: number;
  /**
   * Merge adjacent numeric bins until the conversion rate is monotonic. `"auto"` keeps the
   * merged bins when they keep at least 90% of the information value (a real U shape
   * survives, noise does not). @default "auto"
   */
  monotonic?: "auto" | boolean;
  /** Bin numbers as ranges even with two distinct values (event counts). @default false */
  numeric?: boolean;
  /** Added to each cell count in WoE, so an empty cell gives a finite WoE. @default 0.5 */
  smoothing?: number;
  /**
   * Fewest rows a bin may hold, beside `minBinShare` (the larger of the two applies). A
   * merge by size never leaves a column with a single bin, so a sparse count keeps its
   * "any non-zero" bin. @default 0
   */
  minBinCount?: number;
  /**
   * Fine binning merged with evidence: a numeric column with at most `maxBins` distinct
   * values starts with one bin per value (otherwise `maxBins` quantile bins that never
   * split a run of equal values), and adjacent bins whose conversion rates do not differ
   * at this significance level (chi-square test of the 2x2 table) are merged, the least
   * different pair first. `null` merges by size only. @default null
   */
  mergeSignificance?: number | null;
  /** Treat the values as unordered categories even when they are numbers (codes). @default false */
  categorical?: boolean;
}

/** One bin of a factor. */
export interface FactorBin {
  /** Readable: `age 25-34`, `lead_source=Google`, `visits 3-5`, `age missing`. */
  label: string;
  /**
   * What selects the bin: a missing value, a category, the other categories, a numeric range, or a
   * list element present or absent.
   */
  kind: "missing" | "category" | "other" | "range" | "has" | "lacks";
  /** Spec predicate on the column that selects exactly this bin. */
  where: Predicate;
  /** Rows in the bin. */
  count: number;
  /** Of those, rows labelled 1. */
  converters: number;
  /** Conversion rate in the bin. */
  rate: number;
  /** Bin rate over the overall rate. */
  lift: number;
  /** `ln(share of converters / share of non-converters)`: positive means likelier to convert. */
  woe: number;
  /** This bin's part of the information value. */
  iv: number;
}

/** A binned column. */
export interface Factor {
  /** Column (contact attribute) or event feature name. */
  field: string;
  /** How the column was binned. */
  type: "categorical" | "numeric" | "list";
  /** For a list column, the element this factor tests. */
  element?: string;
  /** The bins, every row in exactly one. */
  bins: FactorBin[];
  /** Information value: < 0.02 useless, 0.02-0.1 weak, 0.1-0.3 medium, > 0.3 strong, > 0.5 suspicious. */
  iv: number;
  /** Rows binned. */
  count: number;
  /** Of those, rows labelled 1. */
  converters: number;
}

const isMissing = (v: unknown) =>
  v === null || v === undefined || v === "" || (typeof v === "number" && Number.isNaN(v)) ||
  (Array.isArray(v) && v.length === 0);

function _checkBinning(
  field: string,
  values: ArrayLike<unknown>,
  labels: ArrayLike<number>,
  options: BinningOptions,
) {
  const {
    maxBins = 5,
    minBinShare = 0.02,
    maxCategories = 12,
    monotonic = "auto",
    smoothing = 0.5,
    numeric = false,
    minBinCount = 0,
    mergeSignificance = null,
    categorical = false,
  } = options;
  const where = `Cannot bin "${field}"`;
  if (!Number.isInteger(maxBins) || maxBins < 1) {
    throw new RangeError(`${where}: maxBins must be a positive integer, got "${maxBins}"`);
  }
  if (!(minBinShare >= 0 && minBinShare < 0.5)) {
    throw new RangeError(`${where}: minBinShare must be in [0, 0.5), got "${minBinShare}"`);
  }
  if (!Number.isInteger(maxCategories) || maxCategories < 1) {
    throw new RangeError(
      `${where}: maxCategories must be a positive integer, got "${maxCategories}"`,
    );
  }
  if (monotonic !== "auto" && monotonic !== true && monotonic !== false) {
    throw new RangeError(`${where}: monotonic must be "auto", true or false, got "${monotonic}"`);
  }
  if (!(smoothing > 0)) throw new RangeError(`${where}: smoothing must be > 0, got "${smoothing}"`);
  if (!(minBinCount >= 0)) {
    throw new RangeError(`${where}: minBinCount must be >= 0, got "${minBinCount}"`);
  }
  if (mergeSignificance !== null && !(mergeSignificance > 0 && mergeSignificance < 1)) {
    throw new RangeError(
      `${where}: mergeSignificance must be in (0, 1) or null, got "${mergeSignificance}"`,
    );
  }
  if (numeric && categorical) {
    throw new RangeError(`${where}: a column cannot be both numeric and categorical`);
  }
  if (values.length !== labels.length) {
    throw new RangeError(`${where}: ${values.length} values but ${labels.length} labels`);
  }
  return {
    maxBins,
    minBinShare,
    maxCategories,
    monotonic,
    smoothing,
    numeric,
    minBinCount,
    chiCritical: mergeSignificance === null ? null : chiSquareCritical(mergeSignificance),
    categorical,
  };
}

/** Fewest rows a rare category needs to be tested for a bin of its own. */
const RARE_CATEGORY_MIN = 10;

/** Upper `alpha` quantile of the chi-square distribution with one degree of freedom. */
export function chiSquareCritical(alpha: number): number {
  // chi2(1) is the square of a standard normal: invert the two-sided normal tail.
  let lo = 0;
  let hi = 40;
  for (let k = 0; k < 100; k++) {
    const mid = (lo + hi) / 2;
    if (normalTwoSidedTail(mid) > alpha) lo = mid;
    else hi = mid;
  }
  const z = (lo + hi) / 2;
  return z * z;
}

/** `P(|Z| > z)` for a standard normal (Abramowitz-Stegun 7.1.26, error below 1.5e-7). */
function normalTwoSidedTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 +
    t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return poly * Math.exp(-x * x);
}

/** Pearson chi-square of two bins' converters against non-converters (0 when either is empty). */
export function chiSquare2x2(n1: number, c1: number, n2: number, c2: number): number {
  const n = n1 + n2;
  const c = c1 + c2;
  if (n1 === 0 || n2 === 0 || c === 0 || c === n) return 0;
  const d = c1 * (n2 - c2) - c2 * (n1 - c1);
  return (n * d * d) / (n1 * n2 * c * (n - c));
}

/** Fills rate, lift, WoE and IV of raw bins (count and converters known). */
export function withEvidence(
  raw: {
    label: string;
    kind: FactorBin["kind"];
    where: Predicate;
    count: number;
    converters: number;
  }[],
  totalPos: number,
  totalNeg: number,
  smoothing = 0.5,
): { bins: FactorBin[]; iv: number } {
  const overall = totalPos / (totalPos + totalNeg);
  const k = raw.length;
  let iv = 0;
  const bins = raw.map((b) => {
    const pos = (b.converters + smoothing) / (totalPos + smoothing * k);
    const neg = (b.count - b.converters + smoothing) / (totalNeg + smoothing * k);
    const woe = Math.log(pos / neg);
    const part = (pos - neg) * woe;
    iv += part;
    const rate = b.count ? b.converters / b.count : NaN;
    return { ...b, rate, lift: rate / overall, woe, iv: part };
  });
  return { bins, iv };
}

function formatBound(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}

/** Readable label and predicate of numeric bin `[lo, hi)` (`null` = unbounded). */
function rangeBin(
  field: string,
  lo: number | null,
  hi: number | null,
  integer: boolean,
  min: number,
  max: number,
) {
  // A whole-number end bin holding one value reads as that value (`visits 0`).
  if (integer && lo === null && hi !== null && hi - 1 === min) {
    return { label: `${field} ${formatBound(min)}`, where: { lt: hi } as Predicate };
  }
  if (integer && hi === null && lo !== null && lo === max) {
    return { label: `${field} ${formatBound(lo)}`, where: { gte: lo } as Predicate };
  }
  if (lo === null && hi === null) {
    return { label: `${field} any`, where: { exists: true } as Predicate };
  }
  if (lo === null) {
    return {
      label: integer ? `${field} <= ${formatBound(hi! - 1)}` : `${field} < ${formatBound(hi!)}`,
      where: { lt: hi! } as Predicate,
    };
  }
  if (hi === null) {
    return {
      label: integer ? `${field} ${formatBound(lo)}+` : `${field} >= ${formatBound(lo)}`,
      where: { gte: lo },
    };
  }
  if (integer) {
    const top = hi - 1;
    return {
      label: top === lo
        ? `${field} ${formatBound(lo)}`
        : `${field} ${formatBound(lo)}-${formatBound(top)}`,
      where: top === lo ? { eq: lo } : { between: [lo, top] as [number, number] },
    };
  }
  return {
    label: `${field} ${formatBound(lo)} to <${formatBound(hi)}`,
    where: { gte: lo, lt: hi },
  };
}

function numericBins(
  field: string,
  xs: number[],
  ys: number[],
  missing: { count: number; converters: number },
  totalPos: number,
  totalNeg: number,
  opts: ReturnType<typeof _checkBinning>,
): FactorBin[][] {
  const n = xs.length;
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const sorted = order.map((i) => xs[i]);
  const integer = sorted.every(Number.isInteger);
  // Cut points: a bin is [cut_k, cut_{k+1}). Equal-frequency bins that never split a tie,
  // each sized on what is left, so a mass point (most counts are 0) takes one bin and the
  // rest is still divided rather than lost.
  const cuts: number[] = [];
  let start = 0;
  const distinct = opts.chiCritical === null ? Infinity : countDistinct(sorted);
  if (distinct <= opts.maxBins) {
    for (let r = 1; r < n; r++) if (sorted[r] !== sorted[r - 1]) cuts.push(sorted[r]);
    start = n;
  }
  for (let left = opts.maxBins; left > 1 && start < n;) {
    let j = start + Math.max(1, Math.ceil((n - start) / left));
    while (j < n && sorted[j] === sorted[j - 1]) j++;
    if (j >= n) break;
    cuts.push(sorted[j]);
    start = j;
    left--;
  }
  const total = n + missing.count;
  const stats = (cs: number[]) => {
    const counts = new Array(cs.length + 1).fill(0);
    const conv = new Array(cs.length + 1).fill(0);
    let b = 0;
    for (let r = 0; r < n; r++) {
      while (b < cs.length && sorted[r] >= cs[b]) b++;
      counts[b]++;
      conv[b] += ys[order[r]];
    }
    return { counts, conv };
  };
  const work = [...cuts];
  if (opts.chiCritical === null) {
    // Merge bins below the minimum share into their smaller neighbour.
    for (;;) {
      const { counts } = stats(work);
      let worst = -1;
      for (let b = 0; b < counts.length; b++) {
        if (
          counts[b] < opts.minBinShare * total && counts.length > 1 &&
          (worst < 0 || counts[b] < counts[worst])
        ) worst = b;
      }
      if (worst < 0) break;
      if (worst === 0) work.splice(0, 1);
      else if (worst === counts.length - 1) work.splice(worst - 1, 1);
      else work.splice(counts[worst - 1] <= counts[worst + 1] ? worst - 1 : worst, 1);
    }
  } else {
    mergeWithEvidence(work, stats, Math.max(opts.minBinCount, opts.minBinShare * total), opts);
  }
  const build = (cs: number[]) => {
    const { counts, conv } = stats(cs);
    const raw: Parameters<typeof withEvidence>[0] = counts.map((count, b) => ({
      ...rangeBin(
        field,
        b === 0 ? null : cs[b - 1],
        b === cs.length ? null : cs[b],
        integer,
        sorted[0],
        sorted[n - 1],
      ),
      kind: "range",
      count,
      converters: conv[b],
    }));
    if (missing.count > 0) {
      raw.push({
        label: `${field} missing`,
        kind: "missing",
        where: { exists: false },
        ...missing,
      });
    }
    return withEvidence(raw, totalPos, totalNeg, opts.smoothing);
  };
  const plain = build(work);
  if (opts.monotonic === false || work.length === 0) return [plain.bins];
  // Pool adjacent violators in the direction of the overall trend (first vs last bin).
  const { counts, conv } = stats(work);
  const rates = counts.map((c, b) => conv[b] / c);
  const up = rates[rates.length - 1] >= rates[0];
  const mono = [...work];
  for (;;) {
    const s = stats(mono);
    const r = s.counts.map((c, b) => s.conv[b] / c);
    let violation = -1;
    for (let b = 0; b + 1 < r.length; b++) {
      if (up ? r[b + 1] < r[b] : r[b + 1] > r[b]) {
        violation = b;
        break;
      }
    }
    if (violation < 0) break;
    mono.splice(violation, 1);
  }
  if (mono.length === work.length) return [plain.bins];
  const merged = build(mono);
  if (opts.monotonic === true || merged.iv >= 0.9 * plain.iv) return [merged.bins];
  return [plain.bins];
}

function countDistinct(sorted: number[]): number {
  let d = sorted.length ? 1 : 0;
  for (let r = 1; r < sorted.length; r++) if (sorted[r] !== sorted[r - 1]) d++;
  return d;
}

/**
 * Merges adjacent bins in place (removing cuts): first each bin under `minCount` into the
 * neighbour whose rate is closest, never down to one bin; then, while the least different
 * adjacent pair is not significantly different, that pair.
 */
function mergeWithEvidence(
  work: number[],
  stats: (cs: number[]) => { counts: number[]; conv: number[] },
  minCount: number,
  opts: ReturnType<typeof _checkBinning>,
) {
  const chi = (s: { counts: number[]; conv: number[] }, b: number) =>
    chiSquare2x2(s.counts[b], s.conv[b], s.counts[b + 1], s.conv[b + 1]);
  while (work.length > 1) {
    const s = stats(work);
    let worst = -1;
    for (let b = 0; b < s.counts.length; b++) {
      if (s.counts[b] < minCount && (worst < 0 || s.counts[b] < s.counts[worst])) worst = b;
    }
    if (worst < 0) break;
    // Cut k separates bin k from bin k + 1.
    const left = worst > 0 ? chi(s, worst - 1) : Infinity;
    const right = worst < s.counts.length - 1 ? chi(s, worst) : Infinity;
    work.splice(left <= right ? worst - 1 : worst, 1);
  }
  while (work.length > 0) {
    const s = stats(work);
    let best = -1;
    let bestChi = Infinity;
    for (let b = 0; b + 1 < s.counts.length; b++) {
      const x = chi(s, b);
      if (x < bestChi) {
        bestChi = x;
        best = b;
      }
    }
    if (best < 0 || bestChi >= opts.chiCritical!) break;
    work.splice(best, 1);
  }
}

/**
 * Bins one column against 0/1 labels. Numbers are cut at quantiles (whole-number columns
 * get inclusive labels such as `age 25-34`), optionally merged to a monotonic trend;
 * text and booleans are categories, the rare ones grouped as `other`; missing values
 * (absent, null, empty) form their own bin. A list column (`interests`) gives one factor
 * per frequent element (`has`/`lacks`); use `binListFeature` for those.
 */
export function binFeature(
  field: string,
  values: ArrayLike<unknown>,
  labels: ArrayLike<number>,
  options: BinningOptions = {},
): Factor {
  const opts = _checkBinning(field, values, labels, options);
  const n = values.length;
  let totalPos = 0;
  for (let i = 0; i < n; i++) totalPos += labels[i] ? 1 : 0;
  const totalNeg = n - totalPos;
  const missing = { count: 0, converters: 0 };
  let numeric = true;
  let present = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (isMissing(v)) {
      missing.count++;
      missing.converters += labels[i] ? 1 : 0;
    } else {
      present++;
      if (typeof v !== "number") numeric = false;
      if (Array.isArray(v)) {
        throw new TypeError(`Cannot bin "${field}": it holds lists; use binListFeature()`);
      }
    }
  }
  if (numeric && present > 0 && !opts.categorical) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!isMissing(values[i])) {
        xs.push(values[i] as number);
        ys.push(labels[i] ? 1 : 0);
      }
    }
    const distinct = new Set(xs);
    if (distinct.size > 2 || opts.numeric) {
      const [bins] = numericBins(field, xs, ys, missing, totalPos, totalNeg, opts);
      return finish(field, "numeric", bins, n, totalPos);
    }
  }
  // Categories by frequency; ties broken by value so the result never depends on row order.
  const byValue = new Map<string, { value: Scalar; count: number; converters: number }>();
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (isMissing(v)) continue;
    const key = `${typeof v}:${String(v)}`;
    let e = byValue.get(key);
    if (!e) byValue.set(key, e = { value: v as Scalar, count: 0, converters: 0 });
    e.count++;
    e.converters += labels[i] ? 1 : 0;
  }
  const cats = [...byValue.values()].sort((a, b) =>
    b.count - a.count || String(a.value).localeCompare(String(b.value))
  );
  const minCategory = Math.max(opts.minBinCount, opts.minBinShare * n);
  const kept = cats.filter((c, k) => k < opts.maxCategories && c.count >= minCategory);
  if (opts.chiCritical !== null) {
    // A rare category that converts unlike the rest of `other` keeps a bin of its own, so
    // `other` does not hide it; the test is stricter (1 %) as many small ones are tried.
    const strict = chiSquareCritical(0.01);
    let pool = cats.filter((c) => !kept.includes(c));
    for (const c of [...pool]) {
      if (kept.length >= opts.maxCategories) break;
      if (c.count < RARE_CATEGORY_MIN) continue;
      const others = pool.filter((x) => x !== c);
      const n2 = others.reduce((a, x) => a + x.count, 0);
      const c2 = others.reduce((a, x) => a + x.converters, 0);
      if (n2 > 0 && chiSquare2x2(c.count, c.converters, n2, c2) >= strict) {
        kept.push(c);
        pool = others;
      }
    }
  }
  const rest = cats.filter((c) => !kept.includes(c));
  const raw: Parameters<typeof withEvidence>[0] = kept.map((c) => ({
    label: `${field}=${String(c.value)}`,
    kind: "category",
    where: { eq: c.value },
    count: c.count,
    converters: c.converters,
  }));
  if (rest.length > 0) {
    raw.push({
      label: `${field}=other`,
      kind: "other",
      where: kept.length ? { exists: true, notIn: kept.map((c) => c.value) } : { exists: true },
      count: rest.reduce((s, c) => s + c.count, 0),
      converters: rest.reduce((s, c) => s + c.converters, 0),
    });
  }
  if (missing.count > 0) {
    raw.push({ label: `${field} missing`, kind: "missing", where: { exists: false }, ...missing });
  }
  return finish(
    field,
    "categorical",
    withEvidence(raw, totalPos, totalNeg, opts.smoothing).bins,
    n,
    totalPos,
  );
}

function finish(
  field: string,
  type: Factor["type"],
  bins: FactorBin[],
  count: number,
  converters: number,
): Factor {
  return { field, type, bins, iv: bins.reduce((s, b) => s + b.iv, 0), count, converters };
}

/**
 * For a list column (`interests`, `tags`): one two-bin factor per element held by at least
 * `minBinShare` of the rows, `interests has loans` (`eq`, which holds when some element is
 * equal) against `interests lacks loans` (`notIn`, which also holds on an empty list).
 */
export function binListFeature(
  field: string,
  values: ArrayLike<unknown>,
  labels: ArrayLike<number>,
  options: BinningOptions = {},
): Factor[] {
  const opts = _checkBinning(field, values, labels, options);
  const n = values.length;
  let totalPos = 0;
  for (let i = 0; i < n; i++) totalPos += labels[i] ? 1 : 0;
  const elements = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Array.isArray(v)) continue;
    for (const e of new Set(v.map(String))) elements.set(e, (elements.get(e) ?? 0) + 1);
  }
  const keep = [...elements].filter(([, c]) => c >= opts.minBinShare * n && c < n)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, opts.maxCategories);
  return keep.map(([element]) => {
    const has = { count: 0, converters: 0 };
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (Array.isArray(v) && v.some((e) => String(e) === element)) {
        has.count++;
        has.converters += labels[i] ? 1 : 0;
      }
    }
    const raw: Parameters<typeof withEvidence>[0] = [
      { label: `${field} has ${element}`, kind: "has", where: { eq: element }, ...has },
      {
        label: `${field} lacks ${element}`,
        kind: "lacks",
        where: { notIn: [element] },
        count: n - has.count,
        converters: totalPos - has.converters,
      },
    ];
    const f = finish(
      field,
      "list",
      withEvidence(raw, totalPos, n - totalPos, opts.smoothing).bins,
      n,
      totalPos,
    );
    f.element = element;
    return f;
  });
}

/**
 * Index of the first bin of `factor` whose predicate holds on `value`, judged by the
 * engine's own `matchesPredicate` so the fit and the engine can never disagree; -1 when
 * none holds (e.g. a fraction between two whole-number bins).
 */
export function binIndex(factor: Factor, value: PredicateValue): number {
  for (let b = 0; b < factor.bins.length; b++) {
    if (matchesPredicate(value, factor.bins[b].where)) return b;
  }
  return -1;
}
