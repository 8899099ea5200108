import * as Plot from "@observablehq/plot";
import {
  type ChartOptions,
  type ChartPeriod,
  TIER_ORDER,
  tierFrame,
  toDate,
  wordsOf,
} from "./_periods.ts";

/**
 * Stacked bars of contacts per tier at each instant: how the hot share grows or shrinks.
 *
 * @example
 * ```ts
 * const svg = tierSizesChart(result.periods, { width: 800, document });
 * ```
 */
export function tierSizesChart(
  periods: ChartPeriod[],
  options: ChartOptions = {},
): SVGSVGElement | HTMLElement {
  const frame = tierFrame(options);
  const { width, color: { legend } } = frame;
  const t = wordsOf(options);
  const order = TIER_ORDER.map(t);
  const data = periods.flatMap((p) =>
    TIER_ORDER.map((tier) => ({
      period: toDate(p.asOf).toISOString().slice(0, 10),
      tier: t(tier),
      contacts: p.tiers[tier]?.contacts ?? 0,
    }))
  );
  const rotate = periods.length * 80 > width;
  const last = data.filter((d) => d.period === data[data.length - 1]?.period && d.contacts > 0);
  return Plot.plot({
    ...frame,
    // Many dates do not fit side by side: tilt them and make room below.
    marginBottom: rotate ? 60 : 30,
    x: { label: rotate ? null : t("As of"), type: "band", tickRotate: rotate ? -30 : 0 },
    y: { label: t("Contacts"), grid: true },
    marks: [
      Plot.barY(data, {
        x: "period",
        y: "contacts",
        fill: "tier",
        order,
        title: (d: { tier: string; contacts: number }) => `${d.tier}: ${d.contacts}`,
      }),
      legend ? null : Plot.text(
        last,
        Plot.stackY({
          y: "contacts",
          z: "tier",
          order,
          text: "tier",
          textAnchor: "start",
          dx: 4,
          frameAnchor: "right",
        }),
      ),
      Plot.ruleY([0]),
    ],
  });
}
