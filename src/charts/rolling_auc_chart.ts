import * as Plot from "@observablehq/plot";
import { type ChartOptions, toDate, wordsOf } from "./_periods.ts";

/** A period of a rolling recalibration as the chart reads it. */
export interface RollingChartPeriod {
  /** Start of the period (epoch ms or ISO 8601). */
  start: number | string;
  /** AUC of the config fitted once before the first period. */
  staticAuc: number | null;
  /** AUC of the config refitted before this period. */
  rollingAuc: number | null;
}

/** Options for `rollingAucChart`. */
export interface RollingAucChartOptions extends ChartOptions {
  /** Words of the axes and of the two lines (another language). @default English */
  labels?: { x?: string; y?: string; static?: string; refitted?: string };
}

/**
 * Two lines over the periods of a rolling recalibration: the AUC of the config fitted once
 * and of the one refitted before each period, with the 0.5 line of a random ranking.
 */
export function rollingAucChart(
  periods: RollingChartPeriod[],
  options: RollingAucChartOptions = {},
): SVGSVGElement | HTMLElement {
  const { width = 640, height = 260, document, title, legend = true, labels = {} } = options;
  const fixed = labels.static ?? "fitted once";
  const refitted = labels.refitted ?? "refitted before each period";
  const data = periods.flatMap((p) => [
    { start: toDate(p.start), auc: p.staticAuc, config: fixed },
    { start: toDate(p.start), auc: p.rollingAuc, config: refitted },
  ]).filter((d) => typeof d.auc === "number" && Number.isFinite(d.auc));
  return Plot.plot({
    document,
    width,
    height,
    title,
    marginLeft: 50,
    // A tick per period start (up to a year of months), each labelled as a date.
    x: {
      label: labels.x ?? "Period from",
      type: "utc",
      ...(periods.length <= 12
        ? { ticks: periods.map((p) => toDate(p.start)), tickFormat: "%Y-%m-%d" }
        : {}),
    },
    y: { label: labels.y ?? "AUC", grid: true, domain: [0.4, 1] },
    color: { legend, domain: [fixed, refitted], range: ["#8892a6", "#1f5fbf"] },
    marks: [
      Plot.ruleY([0.5], { stroke: "#999", strokeDasharray: "4,3" }),
      Plot.text([0.5], {
        y: (d: number) => d,
        text: () => wordsOf(options)("random ranking"),
        frameAnchor: "left",
        textAnchor: "start",
        dx: 4,
        dy: -7,
        fill: "#666",
      }),
      Plot.lineY(data, { x: "start", y: "auc", stroke: "config", marker: "circle", tip: true }),
    ],
  });
}
