import * as Plot from "@observablehq/plot";
import { type ChartOptions, type ChartPeriod, toDate } from "./_periods.ts";

/** AUC per instant on a 0.5..1 scale with the 0.5 line of a score that ranks at random. */
export function aucChart(
  periods: ChartPeriod[],
  options: ChartOptions = {},
): SVGSVGElement | HTMLElement {
  const { width = 640, height = 260, document, title } = options;
  const data = periods.flatMap((p) =>
    p.auc === null || p.auc === undefined ? [] : [{ asOf: toDate(p.asOf), auc: p.auc }]
  );
  return Plot.plot({
    document,
    width,
    height,
    title,
    marginLeft: 50,
    x: { label: "As of", type: "utc" },
    y: { label: "AUC", grid: true, domain: [0.4, 1] },
    marks: [
      Plot.ruleY([0.5], { stroke: "#999", strokeDasharray: "4,3" }),
      Plot.lineY(data, { x: "asOf", y: "auc", marker: "circle" }),
    ],
  });
}
