/**
 * The reference a scorecard must beat: a plain logistic regression on one-hot categories and
 * standardized numbers, fitted by the same IRLS. It is what an analyst would fit first with
 * scikit-learn's defaults (`OneHotEncoder`, `StandardScaler`, `LogisticRegression(C=1)`), so
 * its L2 strength is 1 on the summed log-likelihood, as there.
 */
import type { ContactRow } from "../tables/mod.ts";
import {
  type DesignMatrix,
  fitLogistic,
  type LogisticModel,
  predictLogit,
} from "./fit_logistic.ts";

/** Options for `fitPlainRegression`. */
export interface PlainRegressionOptions {
  /** Contact columns used as inputs. */
  columns: string[];
  /** Columns one-hot coded even when they hold numbers. @default [] */
  categorical?: string[];
  /** L2 penalty, as scikit-learn's `C = 1 / l2`. @default 1 */
  l2?: number;
}

/** How one column becomes design columns. */
export type PlainColumn =
  | { column: string; kind: "number"; mean: number; sd: number; missingFlag: boolean }
  | { column: string; kind: "category"; levels: string[] };

/** A fitted plain regression: the encoding of each column and the model. */
export interface PlainRegression {
  /** How each input column became design columns. */
  columns: PlainColumn[];
  /** The fitted model, one coefficient per design column. */
  model: LogisticModel;
}

const MISSING = "(missing)";

const isMissing = (v: unknown) =>
  v === null || v === undefined || v === "" || (typeof v === "number" && Number.isNaN(v));

function levelOf(v: unknown): string {
  return isMissing(v) ? MISSING : `${typeof v}:${String(v)}`;
}

/** The design matrix of `rows` under a fitted encoding (unseen categories are all zeros). */
export function plainDesign(columns: PlainColumn[], rows: ContactRow[]): DesignMatrix {
  const width = columns.reduce(
    (s, c) => s + (c.kind === "number" ? (c.missingFlag ? 2 : 1) : c.levels.length),
    0,
  );
  const data = new Float64Array(rows.length * width);
  const index = columns.map((c) =>
    c.kind === "category" ? new Map(c.levels.map((l, k) => [l, k])) : null
  );
  rows.forEach((row, i) => {
    let o = i * width;
    columns.forEach((c, j) => {
      const v = row[c.column];
      if (c.kind === "number") {
        const missing = isMissing(v) || typeof v !== "number";
        data[o++] = missing ? 0 : ((v as number) - c.mean) / c.sd;
        if (c.missingFlag) data[o++] = missing ? 1 : 0;
      } else {
        const k = index[j]!.get(levelOf(v));
        if (k !== undefined) data[o + k] = 1;
        o += c.levels.length;
      }
    });
  });
  return { data, rows: rows.length, cols: width };
}

/** Fits the plain regression on `rows` against 0/1 `labels`. */
export function fitPlainRegression(
  rows: ContactRow[],
  labels: ArrayLike<number>,
  options: PlainRegressionOptions,
): PlainRegression {
  const { columns, categorical = [], l2 = 1 } = options;
  if (rows.length !== labels.length) {
    throw new RangeError(
      `Cannot fit the plain regression: ${rows.length} rows but ${labels.length} labels`,
    );
  }
  const forced = new Set(categorical.map((c) => c.toLowerCase()));
  const encoding: PlainColumn[] = columns.map((column) => {
    const values = rows.map((r) => r[column]);
    const present = values.filter((v) => !isMissing(v));
    const numeric = present.length > 0 && present.every((v) => typeof v === "number") &&
      !forced.has(column.toLowerCase());
    if (numeric) {
      const xs = present as number[];
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length) || 1;
      return { column, kind: "number", mean, sd, missingFlag: present.length < values.length };
    }
    const counts = new Map<string, number>();
    for (const v of values) counts.set(levelOf(v), (counts.get(levelOf(v)) ?? 0) + 1);
    const levels = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([l]) => l);
    return { column, kind: "category", levels };
  });
  const names = encoding.flatMap((c) =>
    c.kind === "number"
      ? (c.missingFlag ? [c.column, `${c.column} missing`] : [c.column])
      : c.levels.map((l) => `${c.column}=${l.replace(/^[a-z]+:/, "")}`)
  );
  const model = fitLogistic(plainDesign(encoding, rows), labels, { l2, featureNames: names });
  return { columns: encoding, model };
}

/** Log-odds of `rows` under a fitted plain regression. */
export function predictPlain(fit: PlainRegression, rows: ContactRow[]): Float64Array {
  return predictLogit(fit.model, plainDesign(fit.columns, rows));
}
