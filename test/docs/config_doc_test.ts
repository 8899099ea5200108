/**
 * `docs/config.md` against the JSON Schema and the parser, so the reference cannot drift
 * from what the engine accepts: every property path of the schema has a row in one of the
 * page's field tables (and no row names a path the schema lacks), each row's type and
 * default agree with the schema and with `DEFAULTS`, and every JSON example that is a
 * config (or a fragment of one) is accepted by `parseConfig` and by the schema.
 */
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { CONFIG_JSON_SCHEMA } from "../../src/config/config_json_schema.ts";
import { parseConfig } from "../../src/config/parse_config.ts";
import { CONFIG_FORMAT, DEFAULTS } from "../../src/config/types.ts";
import { validate } from "../config/_json_schema.ts";

const DOC_URL = new URL("../../docs/config.md", import.meta.url);

type Schema = Record<string, unknown>;

/** One documentable place in the schema: its dotted path and the schema node found there. */
interface SchemaField {
  path: string;
  node: Schema;
  /** Listed in its parent object's `required`. */
  required: boolean;
}

function refName(node: Schema): string | null {
  const ref = node.$ref;
  if (typeof ref !== "string") return null;
  const m = /^#\/\$defs\/(.+)$/.exec(ref);
  if (!m) throw new Error(`Unsupported $ref "${ref}"`);
  return m[1];
}

/** How many times each `$defs` entry is referenced anywhere in the schema. */
function refCounts(schema: unknown, counts = new Map<string, number>()): Map<string, number> {
  if (Array.isArray(schema)) { for (const x of schema) refCounts(x, counts); }
  else if (typeof schema === "object" && schema !== null) {
    const name = refName(schema as Schema);
    if (name !== null) counts.set(name, (counts.get(name) ?? 0) + 1);
    for (const v of Object.values(schema)) refCounts(v, counts);
  }
  return counts;
}

/**
 * Every property path of `schema`: `window.lookbackDays`, `rules[].id` (array items as
 * `[]`), `rules[].where.<column>` (an object's free keys as `<column>`). A definition that
 * several places reference (the predicate) is documented once, under its own name
 * (`predicate.eq`); a definition used once is walked in place. Tuple positions
 * (`prefixItems`) are not paths: the tuple is documented as a whole.
 */
function schemaFields(schema: Schema): SchemaField[] {
  const defs = (schema.$defs ?? {}) as Record<string, Schema>;
  const shared = new Set([...refCounts(schema)].filter(([, n]) => n > 1).map(([name]) => name));
  const out: SchemaField[] = [];
  const walkedShared = new Set<string>();

  function resolve(node: Schema): Schema {
    const name = refName(node);
    return name === null ? node : defs[name];
  }

  function children(node: Schema, path: string): void {
    const name = refName(node);
    if (name !== null && shared.has(name)) {
      if (!walkedShared.has(name)) {
        walkedShared.add(name);
        children(defs[name], name);
      }
      return;
    }
    const n = resolve(node);
    const props = n.properties as Record<string, Schema> | undefined;
    if (props) {
      const required = (n.required ?? []) as string[];
      for (const [key, child] of Object.entries(props)) {
        const p = path === "" ? key : `${path}.${key}`;
        out.push({ path: p, node: child, required: required.includes(key) });
        children(child, p);
      }
    }
    if (typeof n.additionalProperties === "object" && n.additionalProperties !== null) {
      const p = `${path}.<column>`;
      const child = n.additionalProperties as Schema;
      out.push({ path: p, node: child, required: false });
      children(child, p);
    }
    if (typeof n.items === "object" && n.items !== null) children(n.items as Schema, `${path}[]`);
    for (const branch of (n.anyOf ?? []) as Schema[]) children(branch, path);
  }

  children(schema, "");
  return out;
}

/** One row of a field table: `| field | type | default | meaning |`. */
interface DocRow {
  path: string;
  type: string;
  default: string;
  line: number;
}

/**
 * The rows of every Markdown table whose header starts `| field | type | default |`; the
 * first cell holds the path in backticks.
 */
function documentedFields(markdown: string): DocRow[] {
  const rows: DocRow[] = [];
  const lines = markdown.split("\n");
  let inTable = false;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line.startsWith("|")) {
      inTable = false;
      return;
    }
    const cells = line.slice(1, line.endsWith("|") ? -1 : undefined).split(/(?<!\\)\|/).map((c) =>
      c.trim()
    );
    if (
      /^field$/i.test(cells[0]) && /^type$/i.test(cells[1] ?? "") &&
      /^default$/i.test(cells[2] ?? "")
    ) {
      inTable = true;
      return;
    }
    if (!inTable || /^:?-+:?$/.test(cells[0])) return;
    const m = /^`([^`]+)`$/.exec(cells[0]);
    if (!m) throw new Error(`docs/config.md:${i + 1}: first cell "${cells[0]}" is not a \`path\``);
    rows.push({ path: m[1], type: cells[1] ?? "", default: cells[2] ?? "", line: i + 1 });
  });
  return rows;
}

/** Words the type cell of a path must contain, from the schema node. */
function typeWords(node: Schema): string[] {
  const name = refName(node);
  if (name !== null) return [name];
  if ("const" in node) return [JSON.stringify(node.const)];
  if (Array.isArray(node.enum)) return node.enum.map((v) => JSON.stringify(v));
  if (typeof node.type === "string") return [node.type];
  if (Array.isArray(node.type)) return node.type as string[];
  return [];
}

/** Problems of `markdown` as the reference of `schema`, one sentence each (empty when none). */
function fieldProblems(schema: Schema, markdown: string): string[] {
  const fields = schemaFields(schema);
  const rows = documentedFields(markdown);
  const byPath = new Map<string, DocRow[]>();
  for (const r of rows) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
  const problems: string[] = [];
  const known = new Set(fields.map((f) => f.path));
  for (const f of fields) {
    const doc = byPath.get(f.path);
    if (!doc) {
      problems.push(`schema path "${f.path}" has no row in docs/config.md`);
      continue;
    }
    if (doc.length > 1) {
      problems.push(`"${f.path}" has ${doc.length} rows (lines ${doc.map((d) => d.line)})`);
    }
    for (const w of typeWords(f.node)) {
      if (!doc[0].type.includes(w)) {
        problems.push(
          `docs/config.md:${doc[0].line}: type of "${f.path}" should mention ${w}, says "${
            doc[0].type
          }"`,
        );
      }
    }
    const saysRequired = /\brequired\b/i.test(doc[0].default);
    if (f.required !== saysRequired) {
      problems.push(
        `docs/config.md:${doc[0].line}: "${f.path}" is ${
          f.required ? "required" : "optional"
        } in the schema, the default column says "${doc[0].default}"`,
      );
    }
    if ("default" in f.node) {
      const d = JSON.stringify(f.node.default);
      if (!doc[0].default.replaceAll(" ", "").includes(d.replaceAll(" ", ""))) {
        problems.push(
          `docs/config.md:${doc[0].line}: default of "${f.path}" should be ${d} (schema), says "${
            doc[0].default
          }"`,
        );
      }
    }
  }
  for (const r of rows) {
    if (!known.has(r.path)) {
      problems.push(`docs/config.md:${r.line}: "${r.path}" is not a path of the schema`);
    }
  }
  return problems;
}

/** Every fenced ```json block, with the line its text starts on. */
function jsonBlocks(markdown: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  const re = /^```json[ \t]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (const m of markdown.matchAll(re)) {
    out.push({ text: m[1], line: markdown.slice(0, m.index).split("\n").length + 1 });
  }
  return out;
}

const ROOT_KEYS = Object.keys(CONFIG_JSON_SCHEMA.properties as Schema);

const markdown = await Deno.readTextFile(DOC_URL);

Deno.test("docs/config.md documents every path of the config schema, and only those", () => {
  assertEquals(fieldProblems(CONFIG_JSON_SCHEMA, markdown), []);
});

Deno.test("fieldProblems() reports a path left undocumented, a stale row, a wrong default and a lost required", () => {
  const schema: Schema = {
    type: "object",
    properties: {
      window: {
        type: "object",
        required: ["lookbackDays"],
        properties: { lookbackDays: { type: "number" }, halfLifeDays: { type: "number" } },
      },
      mode: { enum: ["a", "b"], default: "a" },
    },
  };
  const doc = [
    "| field | type | default | meaning |",
    "| --- | --- | --- | --- |",
    "| `window` | object | none | the window |",
    "| `window.lookbackDays` | number | 90 | days |",
    '| `mode` | `"a"` or `"b"` | `"b"` | which |',
    "| `window.days` | number | none | renamed long ago |",
  ].join("\n");
  assertEquals(fieldProblems(schema, doc), [
    'docs/config.md:4: "window.lookbackDays" is required in the schema, the default column says "90"',
    'schema path "window.halfLifeDays" has no row in docs/config.md',
    'docs/config.md:5: default of "mode" should be "a" (schema), says "`"b"`"',
    'docs/config.md:6: "window.days" is not a path of the schema',
  ]);
});

Deno.test("schemaFields() walks items, free keys, used-once definitions in place and shared ones once", () => {
  const paths = schemaFields(CONFIG_JSON_SCHEMA).map((f) => f.path);
  for (
    const p of [
      "window.lookbackDays",
      "rules[].where.<column>",
      "rules[].scopes[].tag",
      "attributes[].where",
      "audience.touched.types",
      "triggers[].action.type",
      "predicate.between",
    ]
  ) assert(paths.includes(p), `${p} in ${paths.join(", ")}`);
  assert(!paths.some((p) => p.startsWith("rules[].where.<column>.")), "predicate walked in place");
  assertEquals(new Set(paths).size, paths.length);
});

Deno.test("docs/config.md states the defaults toScoringConfig() fills in", () => {
  const rows = new Map(documentedFields(markdown).map((r) => [r.path, r]));
  const expected: [string, string][] = [
    ["name", JSON.stringify(DEFAULTS.name)],
    ["window.lookbackDays", String(DEFAULTS.lookbackDays)],
    ["tiers.high", String(DEFAULTS.tiers.high)],
    ["tiers.medium", String(DEFAULTS.tiers.medium)],
    ["verification.factor", String(DEFAULTS.demoteFactor)],
  ];
  for (const [path, value] of expected) {
    const row = rows.get(path);
    assert(row, `no row for ${path}`);
    assert(row.default.includes(value), `default of ${path}: "${row.default}" lacks ${value}`);
  }
});

Deno.test("every JSON example of docs/config.md that is a config is accepted by parseConfig() and the schema", () => {
  const blocks = jsonBlocks(markdown);
  assert(blocks.length >= 5, `only ${blocks.length} JSON examples`);
  let full = 0, fragments = 0;
  for (const { text, line } of blocks) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`docs/config.md:${line}: example is not JSON: ${(err as Error).message}`);
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) continue;
    const keys = Object.keys(json);
    if (!keys.every((k) => ROOT_KEYS.includes(k))) continue;
    // A fragment (`{"window": ...}`) is checked as the config it would be with a format.
    const config = "format" in json ? json : { format: CONFIG_FORMAT, ...json };
    if ("format" in json) full++;
    else fragments++;
    try {
      parseConfig(config);
    } catch (err) {
      throw new Error(`docs/config.md:${line}: example refused: ${(err as Error).message}`);
    }
    assertEquals(validate(CONFIG_JSON_SCHEMA, config), [], `docs/config.md:${line}: schema`);
  }
  assert(full >= 2, `only ${full} full configs among the examples`);
  assert(fragments >= 3, `only ${fragments} config fragments among the examples`);
});
