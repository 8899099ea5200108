/** The calibration evidence workbook `calibrate --report` writes. */
import { buildWorkbook } from "./workbook.ts";
import type { CalibrationResult } from "../calibrate/mod.ts";

/**
 * The evidence workbook: summary, factors, coefficients and points, metrics, gains and
 * calibration sheets, written through the shared formula-safe `buildWorkbook`.
 */
export function calibrationReport(
  result: CalibrationResult,
  provenance: Record<string, unknown>,
): Uint8Array {
  const h = result.holdout;
  const m = result.model;
  const summary: [string, unknown][] = [
    ["config", result.config.name ?? ""],
    ["method", provenance.method],
    ["training rows", result.training.rows],
    ["training converters", result.training.converters],
    ["features fitted", m.featureNames.length],
    ["converged", m.converged],
    ["iterations", m.nIter],
    ["separation", m.separation],
    ["log-likelihood", m.logLikelihood],
    ["pseudo R2 (McFadden)", 1 - m.logLikelihood / m.nullLogLikelihood],
    ["points to double the odds", result.scale.pdo],
    ["points per unit log-odds", result.scale.factor],
    ["log-odds at score 0", result.scoreToProbability.atZero],
    ["AUC lost to whole points (training)", result.training.roundingCost],
    ["tier high from", result.config.tiers?.high],
    ["tier medium from", result.config.tiers?.medium],
    ["hold-out rows", h?.unrounded.rows ?? "none"],
    ["hold-out AUC, exact fit", h?.unrounded.auc ?? ""],
    ["hold-out AUC, whole-point config", h?.integer.auc ?? ""],
    ["hold-out AUC, plain regression baseline", h?.baseline?.auc ?? ""],
    ["shipped config fitted on", result.refit ? `all ${result.refit.rows} rows` : "training rows"],
    ["evidence from", result.evidenceFrom],
  ];
  if (result.selection) {
    summary.push(
      ["encoding", result.selection.encoding],
      ["L2 penalty", result.selection.l2],
      ["L2 chosen by", result.selection.by],
      ["cross-validation folds", `${result.selection.folds} (${result.selection.foldOrder})`],
    );
    // The CV curve stays in the summary: the workbook's sheets are a fixed set.
    for (const c of result.selection.curve) {
      summary.push([
        `cross-validation ${c.variant}, L2 ${c.l2}`,
        `mean AUC ${c.auc}, mean log-loss ${c.logLoss}`,
      ]);
    }
    for (const c of result.selection.window?.grid ?? []) {
      summary.push([
        `cross-validation window lookback ${c.lookbackDays} d, half-life ${
          c.halfLifeDays ?? "none"
        }`,
        `mean AUC ${c.auc}, mean log-loss ${c.logLoss}`,
      ]);
    }
    if (result.selection.window) {
      const w = result.selection.window;
      summary.push([
        "window",
        `lookback ${w.lookbackDays} d, ${
          w.halfLifeDays === null ? "no decay" : `half-life ${w.halfLifeDays} d`
        } (${w.by})`,
      ]);
    }
  }
  for (
    const input of (provenance.inputs as {
      kind: string;
      file: string;
      sha256: string;
      rowsLoaded: number;
    }[]) ?? []
  ) {
    summary.push([
      `input ${input.kind}`,
      `${input.file} (${input.rowsLoaded} rows, sha256 ${input.sha256})`,
    ]);
  }
  for (const row of result.scoreTable) {
    summary.push([
      `training score p${row.percentile}`,
      `${row.score} -> probability ${row.probability}`,
    ]);
  }
  for (const w of result.warnings) summary.push(["warning", w]);
  const factors = result.factors.flatMap((f) =>
    f.bins.map((b) => ({
      factor: f.element === undefined ? f.field : `${f.field}:${f.element}`,
      "factor IV": f.iv,
      bin: b.label,
      count: b.count,
      converters: b.converters,
      rate: b.rate,
      lift: b.lift,
      WoE: b.woe,
      IV: b.iv,
    }))
  );
  const points = result.points.map((p) => ({
    feature: p.feature,
    bin: p.label,
    "rule id": p.ruleId ?? "",
    coefficient: p.coef,
    "std error": p.stdErr,
    z: p.coef / p.stdErr,
    WoE: p.woe ?? "",
    "exact points": p.exactPoints,
    points: p.points,
  }));
  const metricNames = [
    "rows",
    "converters",
    "rate",
    "auc",
    "gini",
    "ks",
    "prAuc",
    "brier",
    "logLoss",
  ] as const;
  const metrics = h
    ? [
      ...metricNames.map((k) => ({
        metric: k,
        "exact fit": h.unrounded[k],
        "whole-point config": h.integer[k],
        "plain regression": h.baseline?.[k] ?? "",
      })),
      {
        metric: "converters in the top 20 %",
        "exact fit": h.unrounded.top20?.converters ?? "",
        "whole-point config": h.integer.top20?.converters ?? "",
        "plain regression": h.baseline?.top20?.converters ?? "",
      },
      {
        metric: "auc 95% interval",
        "exact fit": h.unrounded.aucInterval
          ? `${h.unrounded.aucInterval.lower} - ${h.unrounded.aucInterval.upper}`
          : "",
        "whole-point config": h.integer.aucInterval
          ? `${h.integer.aucInterval.lower} - ${h.integer.aucInterval.upper}`
          : "",
      },
      { metric: "PSI, training to hold-out scores", "exact fit": "", "whole-point config": h.psi },
    ]
    : [{ metric: "no hold-out", "exact fit": "", "whole-point config": "" }];
  const tag = (which: string, rows: object[]) => rows.map((r) => ({ score: which, ...r }));
  return buildWorkbook([
    {
      name: "summary",
      rows: summary.map(([k, v]) => ({ item: k, value: v })),
      columns: ["item", "value"],
    },
    { name: "factors", rows: factors },
    { name: "coefficients and points", rows: points },
    { name: "metrics", rows: metrics },
    {
      name: "gains",
      rows: h
        ? [...tag("exact fit", h.unrounded.gains), ...tag("whole-point config", h.integer.gains)]
        : [],
    },
    {
      name: "calibration",
      rows: h
        ? [
          ...tag("exact fit", h.unrounded.calibration),
          ...tag("whole-point config", h.integer.calibration),
        ]
        : [],
    },
  ]);
}
