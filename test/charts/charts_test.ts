import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import {
  aucChart,
  type ChartPeriod,
  conversionChart,
  migrationChart,
  tierSizesChart,
} from "../../src/charts/mod.ts";
import { chartDocument, chartPng, chartSvg, DEFAULT_FONT } from "../../src/export/chart_image.ts";
import { migrationMatrix } from "../../src/backtest/migration_matrix.ts";

const tier = (contacts: number, rate: number | null) => ({
  contacts,
  converters: rate === null ? 0 : Math.round(contacts * rate),
  conversionRate: rate,
});

const periods: ChartPeriod[] = [
  {
    asOf: "2024-01-31T00:00:00Z",
    conversionRate: 0.05,
    auc: 0.71,
    tiers: {
      high: tier(10, 0.3),
      medium: tier(30, 0.1),
      low: tier(50, 0.02),
      unscored: tier(10, 0),
    },
  },
  {
    asOf: Date.UTC(2024, 1, 29),
    conversionRate: 0.06,
    auc: 0.74,
    tiers: {
      high: tier(17, 0.35),
      medium: tier(25, 0.12),
      low: tier(40, 0.01),
      unscored: tier(18, null),
    },
  },
];

Deno.test("tierSizesChart() draws one bar segment per tier and period", () => {
  const document = chartDocument();
  const svg = tierSizesChart(periods, { document, legend: false });
  assertEquals(svg.tagName.toLowerCase(), "svg");
  assertEquals(svg.querySelectorAll("rect").length, 8);
  // Tier names label the last bar because a file has no HTML legend.
  const texts = [...svg.querySelectorAll("text")].map((t) => t.textContent);
  for (const name of ["high", "medium", "low", "unscored"]) ok(texts.includes(name), name);
});

Deno.test("conversionChart() draws a line per tier with a rate and the overall line", () => {
  const document = chartDocument();
  const svg = conversionChart(periods, { document, legend: false });
  // high, medium, low, unscored (one point only) and the overall rate.
  assertEquals(svg.querySelectorAll("path[d]").length >= 5, true);
  const texts = [...svg.querySelectorAll("text")].map((t) => t.textContent);
  ok(texts.includes("all"));
});

Deno.test("charts speak the words translate gives: axes, tier names, labelled lines", () => {
  const document = chartDocument();
  const ru: Record<string, string> = {
    "As of": "На дату",
    "Contacts": "Контакты",
    high: "высокий",
    medium: "средний",
    low: "низкий",
    unscored: "без оценки",
    "random ranking": "случайное ранжирование",
    "Later tier": "Уровень позже",
  };
  const translate = (w: string) => ru[w] ?? w;
  const words = (svg: Element) => [...svg.querySelectorAll("text")].map((t) => t.textContent);
  const sizes = words(tierSizesChart(periods, { document, legend: false, translate }));
  for (const w of ["высокий", "средний", "низкий", "без оценки"]) ok(sizes.includes(w), w);
  ok(!sizes.includes("high"), sizes.join(", "));
  ok(sizes.some((t) => t?.includes("Контакты")), sizes.join(", "));
  // The 0.5 line of the AUC chart says what it is; the dates read as dates in any language.
  const auc = words(aucChart(periods, { document, translate }));
  ok(auc.includes("случайное ранжирование"), auc.join(", "));
  ok(auc.some((t) => /^\d{4}-\d{2}-\d{2}$/.test(t ?? "")), auc.join(", "));
  ok(!auc.some((t) => /^(Jan|Feb|Mar)/.test(t ?? "")), auc.join(", "));
  const m = migrationMatrix([3, 3, 2, 1, 0], [3, 2, 2, 0, -1]);
  const moves = words(migrationChart(m, { document, legend: false, translate }));
  ok(moves.some((t) => t?.includes("Уровень позже")), moves.join(", "));
  ok(moves.includes("высокий"), moves.join(", "));
});

Deno.test("migrationChart() labels each of the 25 cells with its count", () => {
  const document = chartDocument();
  const m = migrationMatrix([3, 3, 2, 1, 0], [3, 2, 2, 0, -1]);
  const svg = migrationChart(m, { document, legend: false });
  assertEquals(svg.querySelectorAll("rect").length, 25);
  const counts = [...svg.querySelectorAll("text")].map((t) => t.textContent);
  ok(counts.filter((c) => c === "1").length >= 4);
});

Deno.test("chartSvg() adds the SVG namespace and chartPng() renders it", async () => {
  const document = chartDocument();
  const text = chartSvg(aucChart(periods, { document }));
  ok(text.includes('xmlns="http://www.w3.org/2000/svg"'));
  ok(text.startsWith("<?xml"));
  const fontPresent = await Deno.stat(DEFAULT_FONT).then(() => true, () => false);
  const { png, warning } = await chartPng(text);
  if (!fontPresent) {
    console.log(`PNG not checked: ${warning}`);
    assertEquals(png, null);
    return;
  }
  ok(png);
  assertEquals([...png.slice(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  assertEquals(warning, null);
});

Deno.test("chartPng() skips with a warning when the font is missing", async () => {
  const { png, warning } = await chartPng("<svg xmlns='http://www.w3.org/2000/svg'/>", {
    fontPath: "/nonexistent/font.ttf",
  });
  assertEquals(png, null);
  ok(warning?.includes('"/nonexistent/font.ttf"'));
});
