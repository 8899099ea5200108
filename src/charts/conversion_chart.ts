import * as Plot from "@observablehq/plot";
import {
  type ChartOptions,
  type ChartPeriod,
  dateTicks,
  TIER_ORDER,
  tierFrame,
  toDate,
  wordsOf,
} from "./_periods.ts";

/**
 * Lines of conversion rate within the horizon per tier over the instants, with the overall
 * rate dashed: a working scoring keeps high above medium above low in every period.
 */
export function conversionChart(
  periods: ChartPeriod[],
  options: ChartOptions = {},
): SVGSVGElement | HTMLElement {
  const frame = tierFrame(options);
  const { legend } = frame.color;
  const t = wordsOf(options);
  const data = periods.flatMap((p) =>
    TIER_ORDER.flatMap((tier) => {
      const rate = p.tiers[tier]?.conversionRate;
      return rate === null || rate === undefined
        ? []
        : [{ asOf: toDate(p.asOf), tier: t(tier), rate }];
    })
  );
  const overall = periods.flatMap((p) =>
    p.conversionRate === null || p.conversionRate === undefined
      ? []
      : [{ asOf: toDate(p.asOf), rate: p.conversionRate }]
  );
  return Plot.plot({
    ...frame,
    // Room for the last date label.
    marginRight: Math.max(frame.marginRight, 40),
    // Ticks as dates (2024-07-01), the same in every language.
    x: { label: t("As of"), type: "utc", tickFormat: "%Y-%m-%d", ticks: dateTicks(frame.width) },
    y: { label: t("Conversion rate"), grid: true, tickFormat: "%", zero: true },
    marks: [
      Plot.lineY(data, { x: "asOf", y: "rate", stroke: "tier", marker: "circle" }),
      Plot.lineY(overall, { x: "asOf", y: "rate", stroke: "#555", strokeDasharray: "4,3" }),
      legend ? null : Plot.text(
        data,
        Plot.selectLast({
          x: "asOf",
          y: "rate",
          z: "tier",
          text: "tier",
          fill: "tier",
          textAnchor: "start",
          dx: 6,
        }),
      ),
      // The dashed overall line has no legend entry: it is always named at its end.
      Plot.text(
        overall,
        Plot.selectLast({ x: "asOf", y: "rate", text: () => t("all"), textAnchor: "start", dx: 6 }),
      ),
      Plot.ruleY([0]),
    ],
  });
}
