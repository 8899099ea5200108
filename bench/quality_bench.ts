/**
 * Quality benchmark: do the calibrated whole points rank buyers as well as the fit they come
 * from, and at least as well as a plain logistic regression (one-hot categories,
 * standardized numbers, same IRLS) fitted on the same rows? On the real datasets of
 * `../shared/data/real/` (each section skips with a message when its files are absent):
 *
 * - bank marketing out of time: fitted on calls up to 2009-07-01, judged on later calls
 *   (pooled, and as the mean AUC per month), and recalibrated before each month;
 * - online shoppers: a random 30 % hold-out;
 * - CDNOW repeat purchase: the window chosen from the data by time-ordered cross-validation
 *   over 1997, then the config replayed monthly over 1998 (backtest AUC);
 * - the bundled sample: the ground-truth weights recovered (as the calibration test checks).
 *
 * Run: `deno task bench quality` (or `deno run -A bench/quality_bench.ts --only=cdnow`, with
 * `bank`, `shoppers`, `cdnow` or `sample`).
 */
import {
  calibrateSnapshot,
  calibrateTemporal,
  type CalibrationResult,
  defaultCutoffs,
  fitPlainRegression,
  predictPlain,
} from "../src/calibrate/mod.ts";
import { toScoringConfig } from "../src/config/mod.ts";
import { calibrateRolling, replay } from "../src/backtest/mod.ts";
import { loadTable } from "../src/data/mod.ts";
import type { ContactRow } from "../src/data/types.ts";
import {
  bankMarketing,
  cdnow,
  exists,
  onlineShoppers,
  REAL_DATA_DIR,
} from "../test/recipes/mod.ts";
import { auc } from "../src/metrics/mod.ts";

const only = Deno.args.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const wanted = (section: string) => only === undefined || only === section;
const checks: { what: string; ok: boolean; detail: string }[] = [];
function check(what: string, ok: boolean, detail: string) {
  checks.push({ what, ok, detail });
}
const f4 = (x: number | null | undefined) => (x === null || x === undefined ? "n/a" : x.toFixed(4));
const seconds = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

function evidenceLine(name: string, r: CalibrationResult) {
  const h = r.holdout!;
  console.log(
    `${name}: hold-out ${h.unrounded.rows} rows (${h.unrounded.converters} converters); AUC whole points ${
      f4(h.integer.auc)
    }, exact fit ${f4(h.unrounded.auc)}, plain regression ${
      f4(h.baseline?.auc)
    }; encoding ${r.selection?.encoding}, L2 ${r.selection?.l2} (${r.selection?.by}, ${r.selection?.folds} ${r.selection?.foldOrder} folds, rule ${r.selection?.rule}), ${r.model.featureNames.length} coefficients`,
  );
  check(
    `${name}: whole points within 0.002 AUC of the exact fit`,
    h.unrounded.auc - h.integer.auc <= 0.002,
    `${f4(h.integer.auc)} vs ${f4(h.unrounded.auc)}`,
  );
  if (h.baseline) {
    check(
      `${name}: whole points >= plain regression`,
      h.integer.auc >= h.baseline.auc,
      `${f4(h.integer.auc)} vs ${f4(h.baseline.auc)}`,
    );
  }
}

const present = (path: string, what: string) =>
  exists(path).then((yes) => {
    if (!yes) console.log(`Skipping ${what}: ${path} is absent`);
    return yes;
  });

// 1. Bank marketing, out of time.
if (wanted("bank") && await present(`${REAL_DATA_DIR}uci_bank_marketing`, "bank marketing")) {
  const { contacts, label } = await bankMarketing();
  const after = Date.UTC(2009, 6, 1);
  // Calendar columns only say when a call was made, which later calls never share.
  const exclude = ["year", "month", "day_of_week"];
  let t0 = performance.now();
  const r = calibrateSnapshot(contacts, {
    label,
    holdout: { after },
    exclude,
    evidence: { resamples: 0 },
  });
  console.log(`\nbank marketing, trained on calls up to 2009-07-01 (${seconds(t0)})`);
  evidenceLine("bank marketing out of time (pooled)", r);
  check(
    "bank marketing out of time: whole points >= 0.64 AUC (pooled hold-out)",
    r.holdout!.integer.auc >= 0.64,
    f4(r.holdout!.integer.auc),
  );
  // For comparison, not a target: the same folds choosing the lowest log-loss outright. The
  // months of 2008 validate every setting near AUC 0.51, so the fold-to-fold spread is wide.
  t0 = performance.now();
  const lowest = calibrateSnapshot(contacts, {
    label,
    holdout: { after },
    exclude,
    selectionRule: "best",
    refit: false,
    evidence: { resamples: 0 },
  });
  console.log(
    `bank marketing, lowest CV log-loss instead of the one-standard-error rule: ${lowest.selection?.encoding}, L2 ${lowest.selection?.l2}; AUC whole points ${
      f4(lowest.holdout!.integer.auc)
    }, exact fit ${f4(lowest.holdout!.unrounded.auc)} (${seconds(t0)})`,
  );
  const rounded = (x: number) => x.toFixed(4);
  console.log(
    `  CV curve of the shipped fit on every row (mean validation log-loss +- standard error): ${
      r.selection!.curve.map((c) =>
        `${c.variant}/${c.l2} ${rounded(c.logLoss)}+-${rounded(c.logLossSe ?? NaN)}`
      ).join(", ")
    }`,
  );

  // Per month: the static config, the plain regression fitted once, and recalibration.
  const months = [...new Set(contacts.map((c) => c.created_at as number))]
    .filter((t) => t > after).sort((a, b) => a - b);
  const train = contacts.filter((c) => (c.created_at as number) <= after);
  const columns = Object.keys(contacts[0]).filter((k) =>
    !["contact_id", "created_at", label, ...exclude].includes(k)
  );
  const plain = fitPlainRegression(train, train.map((c) => c[label] as number), { columns });
  t0 = performance.now();
  const rolling = calibrateRolling(contacts, {
    label,
    periods: months,
    exclude,
    evidence: { resamples: 0 },
    // The encoding and penalty are chosen once, on the static fit, and kept for the refits.
  });
  const plainAucs: number[] = [];
  console.log(
    `\nmonth     rows  static  rolling  plain regression (fitted once)  (${seconds(t0)})`,
  );
  for (const p of rolling.periods) {
    const rows = contacts.filter((c) =>
      (c.created_at as number) >= p.start && (p.end === null || (c.created_at as number) < p.end)
    );
    const a = auc(predictPlain(plain, rows), rows.map((c: ContactRow) => c[label] as number));
    plainAucs.push(a);
    console.log(
      `${new Date(p.start).toISOString().slice(0, 7)}  ${String(p.rows).padStart(5)}  ${
        f4(p.staticAuc)
      }  ${f4(p.rollingAuc)}   ${f4(a)}`,
    );
  }
  const meanPlain = plainAucs.reduce((s, x) => s + x, 0) / plainAucs.length;
  console.log(
    `bank marketing mean period AUC: static ${f4(rolling.meanStaticAuc)}, rolling ${
      f4(rolling.meanRollingAuc)
    }, plain regression fitted once ${f4(meanPlain)}`,
  );
  check(
    "bank marketing: static config >= 0.64 mean period AUC",
    rolling.meanStaticAuc >= 0.64,
    f4(rolling.meanStaticAuc),
  );
  check(
    "bank marketing: static whole points >= plain regression fitted once (mean period AUC)",
    rolling.meanStaticAuc >= meanPlain,
    `${f4(rolling.meanStaticAuc)} vs ${f4(meanPlain)}`,
  );
  check(
    "bank marketing: rolling recalibration >= 0.65 mean period AUC",
    rolling.meanRollingAuc >= 0.65,
    f4(rolling.meanRollingAuc),
  );
}

// 2. Online shoppers, random hold-out.
if (
  wanted("shoppers") &&
  await present(`${REAL_DATA_DIR}uci_online_shoppers_intention`, "online shoppers")
) {
  const { contacts, label } = await onlineShoppers();
  const t0 = performance.now();
  const r = calibrateSnapshot(contacts, {
    label,
    holdout: { fraction: 0.3, seed: 1 },
    evidence: { resamples: 0 },
  });
  console.log(`\nonline shoppers (${seconds(t0)})`);
  evidenceLine("online shoppers", r);
}

// 3. CDNOW: the window chosen from the data, then a monthly backtest.
if (wanted("cdnow") && await present(`${REAL_DATA_DIR}cdnow`, "CDNOW")) {
  const data = await cdnow();
  const cutoffs = defaultCutoffs(
    { eventsFrom: Date.UTC(1997, 0, 1), eventsTo: Date.UTC(1998, 5, 30), purchasesTo: null },
    90,
    30,
  );
  const holdAfter = Date.UTC(1997, 11, 1);
  const backtestAt = cutoffs.filter((t) => t > holdAfter);
  const run = (grid: boolean) =>
    calibrateTemporal(data, {
      cutoffs,
      horizonDays: 30,
      holdout: { after: holdAfter },
      l2: "cv",
      refit: false, // the backtest judges the config fitted before its periods
      evidence: { resamples: 0 },
      ...(grid ? { lookbackGrid: [90, 180, 365], halfLifeGrid: [null, 30, 60, 120] } : {}),
    });
  const backtest = (r: CalibrationResult) => {
    const result = replay(toScoringConfig(r.config), data, {
      asOf: backtestAt,
      horizonDays: 30,
      keepContacts: false,
    });
    const mean = (xs: (number | null)[]) => {
      const v = xs.filter((x): x is number => x !== null);
      return v.reduce((s, x) => s + x, 0) / v.length;
    };
    return {
      scored: mean(result.periods.map((p) => p.auc)),
      all: mean(result.periods.map((p) => p.aucAll)),
      coverage: mean(result.periods.map((p) => p.coverage)),
    };
  };
  let t0 = performance.now();
  const fixed = run(false);
  const fixedAuc = backtest(fixed);
  console.log(
    `\nCDNOW repeat purchase within 30 days; calibrated on ${
      fixed.training.cutoffs!.length
    } monthly cutoffs of 1997, backtest over ${backtestAt.length} months of 1998`,
  );
  const line = (b: ReturnType<typeof backtest>) =>
    `backtest mean AUC ${f4(b.scored)} over scored contacts (coverage ${f4(b.coverage)}), ${
      f4(b.all)
    } over all contacts`;
  console.log(`CDNOW default window (90 d, no decay): ${line(fixedAuc)} (${seconds(t0)})`);
  t0 = performance.now();
  const chosen = run(true);
  const chosenAuc = backtest(chosen);
  const w = chosen.selection!.window!;
  console.log(
    `CDNOW window chosen by time-ordered CV: lookback ${w.lookbackDays} d, ${
      w.halfLifeDays === null ? "no decay" : `half-life ${w.halfLifeDays} d`
    }: ${line(chosenAuc)} (${seconds(t0)})`,
  );
  console.log(
    `  grid (mean CV AUC): ${
      w.grid.map((g) => `${g.lookbackDays}/${g.halfLifeDays ?? "-"} ${g.auc.toFixed(3)}`).join(", ")
    }`,
  );
  const h = chosen.holdout!;
  console.log(
    `CDNOW hold-out (pooled 1998 cutoffs): AUC whole points ${f4(h.integer.auc)}, exact fit ${
      f4(h.unrounded.auc)
    }, plain regression (every candidate count over 90 d, standardized) ${f4(h.baseline?.auc)}`,
  );
  if (h.baseline) {
    check(
      "CDNOW: whole points >= plain regression (pooled hold-out)",
      h.integer.auc >= h.baseline.auc,
      `${f4(h.integer.auc)} vs ${f4(h.baseline.auc)}`,
    );
  }
  check(
    "CDNOW: window chosen from data >= 0.80 backtest AUC (scored contacts only, replay's headline; its population moves with the window's coverage)",
    chosenAuc.scored >= 0.8,
    f4(chosenAuc.scored),
  );
  check(
    "CDNOW: window chosen from data >= 0.80 backtest AUC (all contacts, unscored lowest: the issue's measure, its 90-day default 0.728 being this one)",
    chosenAuc.all >= 0.8,
    f4(chosenAuc.all),
  );
  check(
    "CDNOW: whole points within 0.002 AUC of the exact fit",
    h.unrounded.auc - h.integer.auc <= 0.002,
    `${f4(h.integer.auc)} vs ${f4(h.unrounded.auc)}`,
  );
  check(
    "CDNOW: chosen window >= default window (backtest)",
    chosenAuc.scored >= fixedAuc.scored && chosenAuc.all >= fixedAuc.all,
    `${f4(chosenAuc.scored)} vs ${f4(fixedAuc.scored)} scored, ${f4(chosenAuc.all)} vs ${
      f4(fixedAuc.all)
    } all`,
  );
}

// 4. The bundled sample's ground truth.
if (wanted("sample")) {
  const sample = new URL("../data/sample/", import.meta.url);
  if (await present(new URL("ground_truth.json", sample).pathname, "the sample ground truth")) {
    const truth = JSON.parse(await Deno.readTextFile(new URL("ground_truth.json", sample)));
    const [contacts, events, purchases] = await Promise.all([
      loadTable("contacts", new URL("contacts.csv", sample).pathname),
      loadTable("events", new URL("events.csv", sample).pathname),
      loadTable("purchases", new URL("purchases.csv", sample).pathname),
    ]);
    const weights = truth.temporal.weights as Record<string, number>;
    const features = Object.keys(weights).map((k) =>
      k.startsWith("type:")
        ? { id: k.slice(5), label: k, on: k.slice(5) }
        : { id: "pricing", label: k, on: "page_view", column: "url", value: k.slice(4) }
    );
    const r = calibrateTemporal(
      { contacts: contacts.rows, events: events.rows, purchases: purchases.rows },
      { cutoffs: truth.temporal.cutoffs.map(Date.parse), features, holdout: null },
    );
    const z = r.model.featureNames.map((name, j) =>
      Math.abs((r.model.coef[j] - weights[name]) / r.model.stdErr[j])
    );
    z.push(Math.abs((r.model.intercept - truth.temporal.intercept) / r.model.interceptStdErr));
    const out95 = z.filter((x) => x > 1.96).length;
    const out999 = z.filter((x) => x > 3.29).length;
    console.log(
      `\nsample ground truth: ${z.length} parameters, ${out95} outside their 95% interval, ${out999} outside 99.9% (largest |z| ${
        Math.max(...z).toFixed(2)
      })`,
    );
    check(
      "sample ground truth: at most 2 outside 95%, none outside 99.9%",
      out95 <= 2 && !out999,
      `${out95} / ${out999}`,
    );
  }
}

console.log("\nchecks:");
for (const c of checks) console.log(`  ${c.ok ? "MET " : "MISS"} ${c.what}: ${c.detail}`);
