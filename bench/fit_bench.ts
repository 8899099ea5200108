/**
 * Fit benchmark: `fitLogistic` (Newton/IRLS with Cholesky) on seeded synthetic data of
 * 100k and 1M rows x 30 features, on a small size the comparison with the npm
 * `ml-logistic-regression` package, and calibration on the real datasets when present.
 *
 * Why ml-logistic-regression is not the default: it fits no intercept (a ones column has to
 * be added, and then it is penalised by nothing but also not treated apart), runs one
 * classifier per class one-vs-rest (twice the work for two classes), and climbs the
 * gradient at a fixed learning rate for a fixed number of steps, so it neither reaches the
 * maximum-likelihood answer in useful time nor says whether it converged; it gives no
 * standard errors either. It appears here only as a documented comparison.
 *
 * Run: `deno task bench fit` (or `deno run -A bench/fit_bench.ts [--quick]`).
 */
import { Matrix } from "ml-matrix";
import LogisticRegression from "ml-logistic-regression";
import {
  calibrateSnapshot,
  calibrateTemporal,
  type CalibrationResult,
  defaultCutoffs,
  fitLogistic,
} from "../src/calibrate/mod.ts";
import {
  bankMarketing,
  cdnow,
  exists,
  hillstrom,
  onlineShoppers,
  REAL_DATA_DIR,
} from "../test/recipes/mod.ts";
import { seededRng } from "../src/metrics/mod.ts";

function synthetic(rows: number, cols: number, seed: number) {
  const rng = seededRng(seed);
  const data = new Float64Array(rows * cols);
  const y = new Uint8Array(rows);
  const coef = Array.from({ length: cols }, (_, j) => ((j % 3) - 1) * 0.3 / (1 + j / 10));
  for (let i = 0; i < rows; i++) {
    let eta = -2;
    for (let j = 0; j < cols; j++) {
      // A mix of binary flags, small counts and continuous values, as in lead data.
      const v = j % 3 === 0
        ? (rng() < 0.3 ? 1 : 0)
        : j % 3 === 1
        ? Math.floor(rng() * 5)
        : rng() * 2 - 1;
      data[i * cols + j] = v;
      eta += coef[j] * v;
    }
    y[i] = rng() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { data, y, coef };
}

const quick = Deno.args.includes("--quick");
const sizes = quick ? [20_000] : Deno.args.includes("--real-only") ? [] : [100_000, 1_000_000];
for (const rows of sizes) {
  const { data, y, coef } = synthetic(rows, 30, 1);
  const t0 = performance.now();
  const m = fitLogistic({ data, rows, cols: 30 }, y);
  const s = (performance.now() - t0) / 1000;
  let worst = 0;
  for (let j = 0; j < 30; j++) worst = Math.max(worst, Math.abs(m.coef[j] - coef[j]) / m.stdErr[j]);
  console.log(
    `fitLogistic ${rows} x 30: ${
      s.toFixed(2)
    } s, ${m.nIter} iterations, converged ${m.converged}, ` +
      `largest |coef - true| / SE ${worst.toFixed(2)}, heap ${
        (Deno.memoryUsage().heapUsed / 1e6).toFixed(0)
      } MB`,
  );
}

// The comparison on a small size.
{
  const rows = 2_000;
  const cols = 5;
  const { data, y } = synthetic(rows, cols, 2);
  const t0 = performance.now();
  const ours = fitLogistic({ data, rows, cols }, y);
  const oursMs = performance.now() - t0;
  const X = new Matrix(rows, cols + 1);
  for (let i = 0; i < rows; i++) {
    X.set(i, 0, 1);
    for (let j = 0; j < cols; j++) X.set(i, j + 1, data[i * cols + j]);
  }
  const Y = Matrix.columnVector(Array.from(y));
  for (const numSteps of [100, 500]) {
    const t1 = performance.now();
    const ml = new LogisticRegression({ numSteps, learningRate: 5e-4 });
    ml.train(X, Y);
    const mlMs = performance.now() - t1;
    // One-vs-rest: classifier 0 predicts "not class 0", i.e. class 1, so its weights are ours.
    const w = ml.classifiers[0].weights.to1DArray() as number[];
    const diffs = [w[0] - ours.intercept, ...ours.coef.map((c, j) => w[j + 1] - c)].map(Math.abs);
    console.log(
      `ml-logistic-regression ${rows} x ${cols}, ${numSteps} steps: ${
        mlMs.toFixed(0)
      } ms, largest |difference| from the maximum-likelihood fit ${
        Math.max(...diffs).toFixed(4)
      } (fitLogistic: ${oursMs.toFixed(1)} ms, ${ours.nIter} iterations)`,
    );
  }
}

// Calibration on the real datasets, when present: time and hold-out AUC (exact fit and
// whole-point config as the engine scores it).
if (!quick && await exists(REAL_DATA_DIR)) {
  const report = (name: string, seconds: number, r: CalibrationResult) => {
    const h = r.holdout!;
    console.log(
      `${name}: ${
        seconds.toFixed(1)
      } s, ${r.model.featureNames.length} features, ${r.training.rows} training rows, ` +
        `hold-out ${h.unrounded.rows} rows: AUC ${h.unrounded.auc.toFixed(4)} [${
          h.unrounded.aucInterval?.lower.toFixed(4)
        }, ${h.unrounded.aucInterval?.upper.toFixed(4)}] exact, ${
          h.integer.auc.toFixed(4)
        } whole points, KS ${h.integer.ks.toFixed(3)}, Brier ${h.integer.brier.toFixed(4)}, PSI ${
          h.psi.toFixed(3)
        }`,
    );
  };
  const timed = <T>(f: () => T): [T, number] => {
    const t0 = performance.now();
    const out = f();
    return [out, (performance.now() - t0) / 1000];
  };
  const bank = await bankMarketing();
  const [b, bs] = timed(() =>
    calibrateSnapshot(bank.contacts, {
      label: "y",
      holdout: { after: Date.UTC(2009, 6, 1) },
      exclude: ["year", "month", "day_of_week"],
    })
  );
  report("bank marketing (snapshot, out of time after 2009-07-01)", bs, b);
  const shoppers = await onlineShoppers();
  const [s, ss] = timed(() => calibrateSnapshot(shoppers.contacts, { label: "Revenue" }));
  report("online shoppers (snapshot, random 30%)", ss, s);
  const hill = await hillstrom();
  const [h, hs] = timed(() => calibrateSnapshot(hill.contacts, { label: "conversion" }));
  report("hillstrom conversion (snapshot, random 30%)", hs, h);
  const cd = await cdnow();
  const cutoffs = defaultCutoffs(
    { eventsFrom: Date.UTC(1997, 0, 1), eventsTo: Date.UTC(1998, 5, 30), purchasesTo: null },
    90,
    30,
  );
  const [c, cs] = timed(() =>
    calibrateTemporal(cd, { cutoffs, lookbackDays: 90, horizonDays: 30 })
  );
  report(
    `cdnow repeat purchase in 30 days (temporal, ${cutoffs.length} monthly cutoffs, last held out)`,
    cs,
    c,
  );
}
