import * as Plot from "@observablehq/plot";
import type { WindowCell } from "../backtest/compare_windows.ts";
import { type ChartOptions, wordsOf } from "./_periods.ts";

/**
 * Heat map of out-of-time AUC over the lookback x half-life grid, the chosen cell outlined,
 * so one sees whether the choice sits on a plateau or a lucky peak.
 */
export function windowGridChart(
  grid: WindowCell[],
  options: ChartOptions & { best?: WindowCell | null } = {},
): SVGSVGElement | HTMLElement {
  const { width = 480, height = 320, document, title, legend = true, best = null } = options;
  const t = wordsOf(options);
  const data = grid.map((c) => ({
    lookback: String(c.lookbackDays),
    halfLife: c.halfLifeDays === null ? t("none") : String(c.halfLifeDays),
    auc: c.outOfTimeAuc,
    chosen: c === best,
  }));
  return Plot.plot({
    document,
    width,
    height,
    title,
    marginLeft: 70,
    marginTop: 30,
    // Days are categories here: only the values tried exist, in the order tried.
    x: {
      label: t("Half-life (days)"),
      type: "band",
      domain: [...new Set(data.map((d) => d.halfLife))],
    },
    y: {
      label: t("Look-back (days)"),
      type: "band",
      domain: [...new Set(data.map((d) => d.lookback))],
    },
    color: { scheme: "viridis", legend, label: t("Out-of-time AUC") },
    marks: [
      Plot.cell(data, { x: "halfLife", y: "lookback", fill: "auc", inset: 0.5 }),
      Plot.text(data, {
        x: "halfLife",
        y: "lookback",
        text: (d: { auc: number | null }) => (d.auc === null ? t("n/a") : d.auc.toFixed(3)),
        fill: "white",
        stroke: "black",
        strokeWidth: 2,
        paintOrder: "stroke",
      }),
      legend ? null : Plot.text([t("Out-of-time AUC; outlined: chosen on the earlier periods")], {
        frameAnchor: "top",
        dy: -14,
      }),
      Plot.cell(data.filter((d) => d.chosen), {
        x: "halfLife",
        y: "lookback",
        stroke: "red",
        strokeWidth: 3,
        fill: "none",
      }),
    ],
  });
}
