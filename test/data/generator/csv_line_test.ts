import assert from "node:assert/strict";
import { csvLineFormatter, isoFormatter } from "../../../data/generator/_csv_line.ts";
import { COLUMNS, GENERATED_SCHEMAS } from "../../../data/generator/columns.ts";
import {
  type ColumnSpec,
  formatInstant,
  TABLE_KINDS,
  TABLE_SCHEMAS,
} from "../../../src/tables/mod.ts";

const spec = (name: string, kind: ColumnSpec["kind"]): ColumnSpec => ({
  name,
  kind,
  required: false,
});

Deno.test("csvLineFormatter() writes each kind of cell and quotes as csvField does", () => {
  const line = csvLineFormatter([
    spec("id", "id"),
    spec("ts", "instant"),
    spec("tags", "list"),
    spec("note", "text"),
    spec("n", "number"),
    spec("missing", "text"),
  ]);
  const cases = [
    {
      name: "plain",
      row: { id: "007", ts: Date.UTC(2024, 2, 1, 10, 15), tags: ["a", "b"], note: "hi", n: 3.5 },
      expected: "007,2024-03-01T10:15:00Z,a;b,hi,3.5,",
    },
    {
      name: "comma and quote",
      row: { id: "1", ts: null, tags: null, note: 'ипотека, "ставки"', n: 0 },
      expected: '1,,,"ипотека, ""ставки""",0,',
    },
    {
      name: "line break and empty list",
      row: { id: "2", ts: 0, tags: [], note: "a\r\nb", n: null },
      expected: '2,1970-01-01T00:00:00Z,,"a\r\nb",,',
    },
  ];
  for (const { name, row, expected } of cases) assert.equal(line(row), expected, name);
});

Deno.test("isoFormatter() agrees with formatInstant on whole seconds across days", () => {
  const iso = isoFormatter();
  for (
    let ms = Date.UTC(2023, 11, 31, 23, 59, 58);
    ms < Date.UTC(2024, 0, 1, 0, 0, 3);
    ms += 1000
  ) {
    assert.equal(iso(ms), formatInstant(ms));
  }
  assert.equal(iso(Date.UTC(2024, 1, 29, 5, 6, 7)), "2024-02-29T05:06:07Z");
});

Deno.test("COLUMNS are the canonical columns of src/tables, then the generator's extras", () => {
  assert.deepEqual(Object.keys(COLUMNS), [...TABLE_KINDS]);
  for (const kind of TABLE_KINDS) {
    const canonical = TABLE_SCHEMAS[kind].map((c) => c.name);
    assert.deepEqual(COLUMNS[kind].slice(0, canonical.length), canonical, kind);
    assert.deepEqual(GENERATED_SCHEMAS[kind].map((c) => c.name), COLUMNS[kind], kind);
  }
  assert.deepEqual(COLUMNS.contacts.slice(-2), ["lead_source", "converted"]);
});
