import assert from "node:assert/strict";
import * as XLSX from "xlsx";
import { buildReportWorkbook, guessFormat } from "../../src/export/mod.ts";

/** A 1 x 1 PNG. */
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

/** The file names inside an XLSX (a zip). */
function parts(bytes: Uint8Array): string[] {
  const zip = XLSX.CFB.read(bytes, { type: "array" });
  return zip.FullPaths as string[];
}

Deno.test("guessFormat() tells dates, shares, counts and decimals apart", () => {
  const cases = [
    { name: "as_of", values: ["2024-07-01T00:00:00.000Z", null], expected: "date" },
    { name: "conversion_rate", values: [0.12, 0.5], expected: "percent" },
    { name: "lift", values: [1.5, 0.2], expected: "decimal" },
    { name: "contacts", values: [12, 3000], expected: "integer" },
    { name: "tier", values: ["high", 3], expected: "text" },
    { name: "empty", values: [null, ""], expected: "text" },
  ] as const;
  for (const { name, values, expected } of cases) {
    assert.equal(guessFormat(name, [...values]), expected, name);
  }
});

Deno.test("buildReportWorkbook() writes formats, widths, a frozen filtered header and pictures", async () => {
  const bytes = await buildReportWorkbook([
    {
      name: "Tiers by period",
      rows: [
        {
          as_of: "2024-07-01T00:00:00.000Z",
          tier: "high",
          contacts: 1234,
          conversion_rate: 0.25,
          auc: 0.8123,
        },
        {
          as_of: "2024-08-01T00:00:00.000Z",
          tier: "=cmd()",
          contacts: 5,
          conversion_rate: 0.1,
          auc: 0.7,
        },
      ],
    },
  ], { images: [{ title: "Contacts per tier", png: PNG, width: 300, height: 200 }] });
  const wb = XLSX.read(bytes, { type: "array", cellStyles: true, cellDates: true });
  assert.deepEqual(wb.SheetNames, ["Tiers by period", "Charts"]);
  const ws = wb.Sheets["Tiers by period"];
  assert.equal(ws.A1.v, "as_of");
  assert.ok(ws.A2.v instanceof Date, "dates are date cells");
  assert.equal(ws.A2.z, "yyyy-mm-dd");
  assert.equal(ws.A2.w, "2024-07-01");
  assert.equal(ws.C2.z, "#,##0");
  assert.equal(ws.C2.w, "1,234");
  assert.equal(ws.D2.z, "0.0%");
  assert.equal(ws.D2.w, "25.0%");
  assert.equal(ws.E2.z, "0.000");
  assert.equal(ws.B3.v, "'=cmd()", "text that looks like a formula stays inert");
  assert.equal(ws.B3.f, undefined);
  assert.equal(ws["!autofilter"]?.ref, "A1:E3");
  const widths = (ws["!cols"] ?? []).map((c) => c?.width ?? 0);
  assert.equal(widths.length, 5);
  assert.ok(widths.every((w) => w >= 8), `every column has a width: ${widths}`);
  const files = parts(bytes);
  assert.ok(files.some((f) => /xl\/media\/image1\.png$/.test(f)), files.join(", "));
  assert.ok(files.some((f) => /xl\/drawings\/drawing1\.xml$/.test(f)), "the picture is drawn");
  // The frozen header: a pane split below row 1 in the sheet XML.
  const zip = XLSX.CFB.read(bytes, { type: "array" });
  const sheet =
    zip.FileIndex[zip.FullPaths.findIndex((f: string) => f.endsWith("xl/worksheets/sheet1.xml"))];
  const xml = new TextDecoder().decode(sheet.content as Uint8Array);
  assert.match(xml, /<pane [^>]*ySplit="1"[^>]*state="frozen"/);
  await assert.rejects(() => buildReportWorkbook([]), RangeError);
});
