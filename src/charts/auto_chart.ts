/**
 * Picks a chart for a SQL answer from the shape of its columns, so an analyst sees the
 * answer drawn without writing chart code: time + number -> line, text + number -> bars,
 * number + number -> dots. Anything else gets no chart (`null`).
 */
import * as Plot from "@observablehq/plot";

type ColumnType = "time" | "number" | "text" | "other";

function columnType(rows: Record<string, unknown>[], column: string): ColumnType {
  for (const row of rows) {
    const v = row[column];
    if (v === null || v === undefined) continue;
    if (v instanceof Date) return "time";
    if (typeof v === "number") return "number";
    if (typeof v === "string" || typeof v === "boolean") return "text";
    return "other";
  }
  return "other";
}

/** Plot options for `rows`, charting the first column against the first numeric one. */
export function autoChart(
  columns: string[],
  rows: Record<string, unknown>[],
): Plot.PlotOptions | null {
  if (!rows.length || columns.length < 2 || rows.length > 5000) return null;
  const types = columns.map((c) => columnType(rows, c));
  const x = columns[0];
  const yIndex = types.findIndex((t, i) => i > 0 && t === "number");
  if (yIndex < 0) return null;
  const y = columns[yIndex];
  switch (types[0]) {
    case "time":
      return {
        marginLeft: 50,
        // Dates as dates (2024-07-01), the same in every language.
        x: { tickFormat: "%Y-%m-%d", ticks: 6 },
        y: { grid: true },
        marks: [Plot.lineY(rows, { x, y, tip: true }), Plot.ruleY([0])],
      };
    case "text":
      if (rows.length > 60) return null;
      return {
        marginLeft: 110,
        x: { grid: true },
        marks: [Plot.barX(rows, { y: x, x: y, sort: { y: "-x" }, tip: true }), Plot.ruleX([0])],
      };
    case "number":
      return {
        marginLeft: 50,
        grid: true,
        marks: [
          rows.length <= 40
            ? Plot.barY(rows, { x, y, tip: true })
            : Plot.dot(rows, { x, y, tip: true }),
        ],
      };
    default:
      return null;
  }
}
