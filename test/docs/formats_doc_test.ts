/**
 * `docs/formats.md` against the table definitions of `src/tables/`: each input table has a
 * section whose rows list exactly its canonical columns, in order, with the kind, DuckDB
 * type and required flag the code uses; the DuckDB section states the type of every kind
 * and the input-order column.
 */
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import {
  ANY_OF_REQUIRED,
  DUCKDB_TYPE_OF_KIND,
  duckdbColumns,
  ORDER_COLUMN,
  TABLE_KINDS,
  TABLE_SCHEMAS,
} from "../../src/tables/mod.ts";

const DOC_URL = new URL("../../docs/formats.md", import.meta.url);

/** Rows of the tables under each heading, cells trimmed; the heading's text is the key. */
function tablesByHeading(markdown: string): Map<string, { cells: string[]; line: number }[]> {
  const out = new Map<string, { cells: string[]; line: number }[]>();
  let rows: { cells: string[]; line: number }[] | null = null;
  markdown.split("\n").forEach((raw, i) => {
    const heading = /^#{2,4} (.+)$/.exec(raw);
    if (heading) {
      rows = [];
      out.set(heading[1].trim(), rows);
      return;
    }
    const line = raw.trim();
    if (rows === null || !line.startsWith("|")) return;
    const cells = line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());
    if (cells.every((c) => /^:?-+:?$/.test(c))) return;
    rows.push({ cells, line: i + 1 });
  });
  return out;
}

/** Problems of the column tables of `markdown` against `TABLE_SCHEMAS`. */
function columnProblems(markdown: string): string[] {
  const tables = tablesByHeading(markdown);
  const problems: string[] = [];
  for (const kind of TABLE_KINDS) {
    const rows = tables.get(`\`${kind}\``);
    if (!rows) {
      problems.push(`docs/formats.md has no section "#### \`${kind}\`"`);
      continue;
    }
    const [header, ...body] = rows;
    const at = (name: string) => header.cells.findIndex((c) => c.toLowerCase() === name);
    const [cCol, cKind, cType, cReq] = ["column", "kind", "duckdb type", "required"].map(at);
    if ([cCol, cKind, cType, cReq].some((c) => c < 0)) {
      problems.push(`docs/formats.md:${header.line}: ${kind} table lacks a column of its header`);
      continue;
    }
    const documented = body.filter((r) => /^`[^`]+`$/.test(r.cells[cCol]));
    const names = documented.map((r) => r.cells[cCol].slice(1, -1));
    const expected = TABLE_SCHEMAS[kind].map((c) => c.name);
    if (names.join() !== expected.join()) {
      problems.push(
        `${kind}: docs list ${names.join(", ")}; src/tables has ${expected.join(", ")}`,
      );
    }
    for (const spec of TABLE_SCHEMAS[kind]) {
      const row = documented.find((r) => r.cells[cCol] === `\`${spec.name}\``);
      if (!row) continue;
      const where = `docs/formats.md:${row.line}: ${kind}.${spec.name}`;
      if (row.cells[cKind] !== spec.kind) {
        problems.push(`${where} kind "${row.cells[cKind]}", src/tables says "${spec.kind}"`);
      }
      const type = DUCKDB_TYPE_OF_KIND[spec.kind];
      if (row.cells[cType] !== type) {
        problems.push(`${where} DuckDB type "${row.cells[cType]}", src/tables says "${type}"`);
      }
      const required = !spec.required
        ? "no"
        : ANY_OF_REQUIRED.has(kind)
        ? "one of the three"
        : "yes";
      if (row.cells[cReq] !== required) {
        problems.push(`${where} required "${row.cells[cReq]}", src/tables says "${required}"`);
      }
    }
  }
  return problems;
}

const markdown = await Deno.readTextFile(DOC_URL);

Deno.test("docs/formats.md lists every table's columns with the kinds, types and flags of src/tables", () => {
  assertEquals(columnProblems(markdown), []);
});

Deno.test("columnProblems() reports a missing column, a wrong type and a missing table", () => {
  const broken = markdown
    .replace(/^\| `phrase` .*\n/m, "")
    .replace(/^(\| `value` +\| number +\| )DOUBLE/m, "$1BIGINT")
    .replace("#### `purchases`", "#### Purchases");
  const problems = columnProblems(broken);
  assert(
    problems.some((p) => /^events: docs list .*tag, stage, value; src\/tables/.test(p)),
    problems.join("\n"),
  );
  assert(problems.some((p) => /events\.value DuckDB type "BIGINT"/.test(p)), problems.join("\n"));
  assert(
    problems.includes('docs/formats.md has no section "#### `purchases`"'),
    problems.join("\n"),
  );
});

Deno.test("docs/formats.md states the DuckDB type of every column kind and the input-order column", () => {
  const rows = tablesByHeading(markdown).get("DuckDB tables");
  assert(rows, 'no section "### DuckDB tables"');
  const types = new Map(rows.slice(1).map((r) => [r.cells[0], r.cells[1]]));
  for (const [kind, type] of Object.entries(DUCKDB_TYPE_OF_KIND)) {
    assertEquals(types.get(kind), type, `DuckDB type of kind ${kind}`);
  }
  const section = markdown.slice(markdown.indexOf("### DuckDB tables"));
  const seqType = duckdbColumns("events")[ORDER_COLUMN];
  assert(section.includes(`\`${ORDER_COLUMN}\` (\`${seqType}\`)`), `no ${ORDER_COLUMN} ${seqType}`);
});
