import * as Plot from "@observablehq/plot";
import { type ChartOptions, type ChartPeriod, dateTicks, toDate, wordsOf } from "./_periods.ts";

/**
 * AUC per instant on a 0.5..1 scale with the 0.5 line of a score that ranks at random,
 * labelled as such.
 */
export function aucChart(
  periods: ChartPeriod[],
  options: ChartOptions = {},
): SVGSVGElement | HTMLElement {
  const { width = 640, height = 260, document, title } = options;
  const t = wordsOf(options);
  const data = periods.flatMap((p) =>
    p.auc === null || p.auc === undefined ? [] : [{ asOf: toDate(p.asOf), auc: p.auc }]
  );
  return Plot.plot({
    document,
    width,
    height,
    title,
    marginLeft: 50,
    // Room for the last date label.
    marginRight: 40,
    // Ticks as dates (2024-07-01), the same in every language.
    x: { label: t("As of"), type: "utc", tickFormat: "%Y-%m-%d", ticks: dateTicks(width) },
    y: { label: "AUC", grid: true, domain: [0.4, 1] },
    marks: [
      Plot.ruleY([0.5], { stroke: "#999", strokeDasharray: "4,3" }),
      Plot.text([0.5], {
        y: (d: number) => d,
        text: () => t("random ranking"),
        frameAnchor: "left",
        textAnchor: "start",
        dx: 4,
        dy: -7,
        fill: "#666",
      }),
      Plot.lineY(data, { x: "asOf", y: "auc", marker: "circle" }),
    ],
  });
}
