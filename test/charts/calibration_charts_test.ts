import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { cvCurveChart, rollingAucChart } from "../../src/charts/mod.ts";
import { chartDocument } from "../../src/export/chart_image.ts";

Deno.test("cvCurveChart() draws the curve with the chosen penalty marked", () => {
  const document = chartDocument();
  const curve = [0.1, 1, 10, 100].flatMap((l2, i) => [
    { variant: "dummy", l2, auc: 0.7 + i * 0.01, logLoss: 0.5 - i * 0.01 },
    { variant: "woe", l2, auc: 0.69, logLoss: 0.52 },
  ]);
  const svg = cvCurveChart(curve, {
    document,
    legend: false,
    chosen: { variant: "dummy", l2: 100 },
  });
  assertEquals(svg.tagName.toLowerCase(), "svg");
  // One line per encoding, one red ring on the chosen point.
  const rings = [...svg.querySelectorAll("circle")].filter((c) =>
    c.getAttribute("stroke") === "red" || c.parentElement?.getAttribute("stroke") === "red"
  );
  assertEquals(rings.length, 1);
  const texts = [...svg.querySelectorAll("text")].map((t) => t.textContent ?? "");
  for (const l2 of ["0.1", "1", "10", "100"]) ok(texts.includes(l2), `tick ${l2}: ${texts}`);
  const ru = cvCurveChart(curve, {
    document,
    legend: false,
    labels: { x: "Штраф L2", y: "Лог-потери" },
  });
  const words = [...ru.querySelectorAll("text")].map((t) => t.textContent ?? "").join(" ");
  ok(/Штраф L2/.test(words) && /Лог-потери/.test(words), words);
});

Deno.test("rollingAucChart() draws the static and the refitted line over the periods", () => {
  const document = chartDocument();
  const periods = [
    { start: Date.UTC(2024, 0, 1), staticAuc: 0.7, rollingAuc: 0.72 },
    { start: Date.UTC(2024, 1, 1), staticAuc: 0.62, rollingAuc: 0.7 },
    { start: Date.UTC(2024, 2, 1), staticAuc: NaN, rollingAuc: 0.69 },
  ];
  const svg = rollingAucChart(periods, { document, legend: false });
  assertEquals(svg.tagName.toLowerCase(), "svg");
  // The random-ranking rule and two lines.
  const lines = svg.querySelectorAll("path[d]");
  ok(lines.length >= 2, `paths: ${lines.length}`);
  ok(svg.querySelectorAll("marker").length >= 1, "lines carry markers");
  // A tick per period, written as a date.
  const ticks = [...svg.querySelectorAll("text")].map((t) => t.textContent ?? "");
  for (const d of ["2024-01-01", "2024-02-01", "2024-03-01"]) {
    ok(ticks.includes(d), `${d}: ${ticks}`);
  }
  // With the legend, the two lines are named.
  const figure = rollingAucChart(periods, { document });
  ok(/fitted once/.test(figure.textContent ?? ""), figure.textContent ?? "");
  ok(/refitted before each period/.test(figure.textContent ?? ""));
});
