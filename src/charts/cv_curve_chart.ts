import * as Plot from "@observablehq/plot";
import type { CvPoint } from "../calibrate/types.ts";
import { type ChartOptions, wordsOf } from "./_periods.ts";

/** Options for `cvCurveChart`. */
export interface CvCurveChartOptions extends ChartOptions {
  /** The setting chosen, marked on its line. @default none */
  chosen?: { variant?: string; l2: number } | null;
  /** Axis words (another language). @default English */
  labels?: { x?: string; y?: string };
}

/**
 * The cross-validation curve of a calibration: mean validation log-loss against the L2
 * penalty, one line per encoding or window tried, the chosen setting marked in red. The
 * penalties are spaced evenly in the order tried (0 has no place on a log scale).
 */
export function cvCurveChart(
  curve: CvPoint[],
  options: CvCurveChartOptions = {},
): SVGSVGElement | HTMLElement {
  const {
    width = 520,
    height = 240,
    document,
    title,
    legend = true,
    chosen = null,
    labels = {},
  } = options;
  const penalties = [...new Set(curve.map((c) => c.l2))].sort((a, b) => a - b).map(String);
  const data = curve.filter((c) => Number.isFinite(c.logLoss)).map((c) => ({
    variant: c.variant,
    l2: String(c.l2),
    logLoss: c.logLoss,
    auc: c.auc,
  }));
  const variants = new Set(data.map((d) => d.variant));
  const isChosen = (d: { variant: string; l2: string }) =>
    chosen !== null && d.l2 === String(chosen.l2) &&
    (chosen.variant === undefined || variants.size === 1 || d.variant === chosen.variant);
  return Plot.plot({
    document,
    width,
    height,
    title,
    marginLeft: 60,
    x: { label: labels.x ?? wordsOf(options)("L2 penalty"), type: "point", domain: penalties },
    y: { label: labels.y ?? wordsOf(options)("Validation log-loss"), grid: true, zero: false },
    color: variants.size > 1 ? { legend } : undefined,
    marks: [
      Plot.lineY(data, {
        x: "l2",
        y: "logLoss",
        stroke: variants.size > 1 ? "variant" : "#1f5fbf",
        marker: "circle",
        tip: true,
      }),
      Plot.dot(data.filter(isChosen), { x: "l2", y: "logLoss", r: 6, stroke: "red", fill: "none" }),
    ],
  });
}
