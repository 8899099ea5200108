import * as Plot from "@observablehq/plot";
import type { MigrationMatrix, MigrationState } from "../backtest/migration_matrix.ts";
import { type ChartOptions, wordsOf } from "./_periods.ts";

const STATES: MigrationState[] = ["high", "medium", "low", "unscored", "absent"];

/**
 * Heat map of a tier migration matrix: rows the earlier tier, columns the later one, cells
 * the number of contacts, so movement off the diagonal stands out.
 */
export function migrationChart(
  matrix: MigrationMatrix,
  options: ChartOptions = {},
): SVGSVGElement | HTMLElement {
  const { width = 420, height = 360, document, title, legend = true } = options;
  const t = wordsOf(options);
  const data = STATES.flatMap((from) =>
    STATES.map((to) => ({ from: t(from), to: t(to), contacts: matrix[from]?.[to] ?? 0 }))
  );
  const domain = STATES.map(t);
  return Plot.plot({
    document,
    width,
    height,
    title,
    marginLeft: 70,
    marginTop: 40,
    x: { label: t("Later tier"), domain, axis: "top" },
    y: { label: t("Earlier tier"), domain },
    color: { scheme: "blues", type: "sqrt", legend, label: t("Contacts") },
    marks: [
      Plot.cell(data, { x: "to", y: "from", fill: "contacts", inset: 0.5 }),
      Plot.text(data, {
        x: "to",
        y: "from",
        text: (d: { contacts: number }) => String(d.contacts),
        fill: "black",
        // Readable on light and dark cells alike.
        stroke: "white",
        strokeWidth: 3,
        paintOrder: "stroke",
      }),
    ],
  });
}
