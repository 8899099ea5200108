/**
 * Plot options for the bins of the strongest factors: one bar per bin, grouped under its
 * factor, so each factor keeps its own bins (facets would share one axis of every label).
 */
import * as Plot from "@observablehq/plot";

/** The parts of a factor (see the calibration module's `Factor`) this chart reads. */
export interface ChartFactor {
  field: string;
  iv: number;
  bins: { label: string; rate: number; lift: number; count: number }[];
}

export interface FactorBinsChartOptions {
  /** Bar length: conversion rate or lift over the average. @default "lift" */
  value?: "lift" | "rate";
  /** Factors shown, by information value. @default 6 */
  top?: number;
  /** The chart's words in another language (see `ChartOptions.translate`). @default English */
  translate?: (english: string) => string;
}

/** Options for `<sb-plot-figure>`: the bins of the `top` factors with the highest IV. */
export function factorBinsChart(
  factors: readonly ChartFactor[],
  options: FactorBinsChartOptions = {},
): Plot.PlotOptions {
  const { value = "lift", top = 6, translate: t = (english: string) => english } = options;
  const rows = [...factors].sort((a, b) => b.iv - a.iv).slice(0, top).flatMap((f) =>
    f.bins.map((b) => ({
      row: `${f.field} · ${b.label}`,
      factor: `${f.field} (IV ${f.iv.toFixed(3)})`,
      value: b[value],
      contacts: b.count,
    }))
  );
  const average = value === "lift" ? 1 : null;
  return {
    marginLeft: Math.min(380, 12 + 6.5 * Math.max(0, ...rows.map((r) => r.row.length))),
    height: 40 + 20 * rows.length,
    x: {
      label: value === "lift" ? t("lift (conversion / average)") : t("conversion"),
      tickFormat: value === "rate" ? "%" : undefined,
      grid: true,
    },
    y: { label: null, domain: rows.map((r) => r.row) },
    color: { legend: false },
    marks: [
      Plot.barX(rows, { y: "row", x: "value", fill: "factor", tip: true }),
      ...(average === null ? [] : [
        Plot.ruleX([average], { strokeDasharray: "4,3" }),
        Plot.text([average], {
          x: (d: number) => d,
          text: () => t("average"),
          frameAnchor: "top",
          textAnchor: "start",
          dx: 4,
          dy: 4,
          fill: "#666",
        }),
      ]),
    ],
  };
}
