/**
 * A seeded fuzzer for the whole input surface: CSV, XLSX/ODS, JSON/NDJSON, configs and
 * the SQL compiler, and the `score` command end to end. Each case is made from the seed
 * alone (the same seed gives the same cases everywhere), run, and sorted into a failure
 * class when it breaks a rule every input must keep:
 *
 * - `crash`: an error other than the expected kind (`LoadError` naming the file,
 *   `ConfigError` with JSON paths), or a message that names neither;
 * - `stack`: a stack trace or a stack overflow in a message or on stderr;
 * - `time`: a case over its time budget;
 * - `count`: read != loaded + rejected, or read differs from the records the generator
 *   wrote (counted without the parser), or a reject without a row or a reason;
 * - `output`: a failed command that left a file, or a successful one that left one out;
 * - `formula`: a CSV cell a spreadsheet would run;
 * - `sql`: the compiled SQL fails in DuckDB or disagrees with the engine.
 */
import { ConfigError, parseConfig, toScoringConfig } from "../../src/config/mod.ts";
import type { ScoringConfig } from "../../src/config/types.ts";
import { LoadError, loadTable, rejectsToCsv, type TableKind } from "../../src/data/mod.ts";
import { parseCsv } from "../../src/data/csv_reader.ts";
import { formatScoresCsv, formatTriggersCsv, scoreContacts } from "../../src/engine/mod.ts";
import type { EventRow } from "../../src/data/types.ts";
import { seededRng } from "../../src/metrics/seeded_rng.ts";
import { compileToSql } from "../../src/sql/mod.ts";
import { ods, odsContent, odsRow } from "../testdata/_zip.ts";
import { compareRows, engineScores, sqlScores } from "../sql/_harness.ts";
import type { DuckDBConnection } from "../../src/db/mod.ts";
import { runCli } from "../_cli.ts";

export const FAILURE_CLASSES = [
  "crash",
  "stack",
  "time",
  "count",
  "output",
  "formula",
  "sql",
] as const;
export type FailureClass = typeof FAILURE_CLASSES[number];

export const CASE_KINDS = ["csv", "json", "sheet", "config", "cli"] as const;
export type CaseKind = typeof CASE_KINDS[number];

export interface Failure {
  seed: number;
  kind: CaseKind;
  cls: FailureClass;
  detail: string;
}

export interface FuzzReport {
  cases: number;
  byKind: Record<CaseKind, number>;
  failures: Failure[];
  /** Outcomes seen, so a fuzzer that stopped exercising a path shows up. */
  outcomes: Record<string, number>;
  seconds: number;
}

export interface FuzzOptions {
  /** First seed; case k uses `seed + k`. @default 1 */
  seed?: number;
  /** Budget of one case, in ms (a spreadsheet case includes starting its parser). @default 15_000 */
  budgetMs?: number;
  /** Called after each case, for progress. @default undefined */
  onCase?: (done: number) => void;
  /** A DuckDB connection for the SQL checks of config cases; without one they are skipped. */
  duckdb?: DuckDBConnection;
}

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const int = (rand: Rand, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const enc = new TextEncoder();

// Cells chosen to trip loaders and outputs: formulas, quotes, separators, control
// characters, non-ASCII, numbers that lose digits, dates at the edges, long text.
const HOSTILE_TEXT = [
  "=cmd|' /C calc'!A0",
  "+1+1",
  "@SUM(1;1)",
  "-20",
  "+7 916 123-45-67",
  '"quoted"',
  "a,b",
  "a;b",
  "loans, deposits",
  "tab\there",
  "\u0000nul",
  "client-ü",
  "Иван",
  "😀",
  "12345678901234567890",
  "7.91612E+10",
  '="0042"',
  "constructor",
  "__proto__",
  "",
  " ",
];
const DATES = [
  "2024-03-05",
  "2024-03-05T10:00:00Z",
  "0024-03-05",
  "05.03.2024",
  "03/05/2024",
  "25/02/2024",
  "20240305",
  "45000",
  "1709632800",
  "2024-02-30",
  "not a date",
  "",
];
const TYPES = ["page_view", "email_click", "purchase", '=HYPERLINK("x")', "visit"];
const URLS = ["https://s/sale-1/x", "https://s/shop/a/b/buy", "https://s/pricing", "", "%_\\"];

function cell(rand: Rand): string {
  const r = rand();
  if (r < 0.5) return pick(rand, HOSTILE_TEXT);
  if (r < 0.6) return "x".repeat(int(rand, 1, 3000));
  return String(int(rand, 0, 99999));
}

// --- CSV

interface CsvCase {
  bytes: Uint8Array;
  /** Data records the generator wrote (blank ones excluded), or null after byte damage. */
  records: number | null;
}

export function makeCsv(rand: Rand): CsvCase {
  const d = pick(rand, [",", ";", "\t", "|"]);
  const eol = pick(rand, ["\n", "\r\n", "\r"]);
  const header = ["contact_id", "ts", "type", "url", "value"];
  const lines = [header.join(d)];
  let records = 0;
  const n = int(rand, 0, 30);
  const strayAt = rand() < 0.3 ? int(rand, 0, n) : -1;
  for (let i = 0; i < n; i++) {
    if (rand() < 0.1) {
      lines.push("");
      continue;
    }
    const fields = [
      rand() < 0.9 ? String(int(rand, 1, 20)) : cell(rand),
      pick(rand, DATES),
      pick(rand, TYPES),
      pick(rand, URLS),
      rand() < 0.5 ? String(int(rand, -5, 500)) : cell(rand),
    ].map((f) => {
      // Fields with quotes, delimiters or line ends are quoted as a writer would;
      // their line ends are replaced, so a record is one physical line.
      const flat = f.replace(/[\r\n]/g, " ");
      return flat.includes(d) || flat.includes('"') ? `"${flat.replaceAll('"', '""')}"` : flat;
    });
    // A blank-looking record (every field empty) is skipped by the loader, as intended.
    if (fields.every((f) => f.length === 0)) fields[0] = "1";
    if (i === strayAt) fields[2] = `"${fields[2].replaceAll('"', "")}`;
    lines.push(fields.join(d));
    records++;
  }
  let text = lines.join(eol) + (rand() < 0.8 ? eol : "");
  if (rand() < 0.1) text = "\ufeff" + text;
  let bytes = enc.encode(text);
  let damaged = false;
  if (rand() < 0.3) {
    // Byte damage: flips, cuts, a Windows-1251 line.
    bytes = bytes.slice();
    const flips = int(rand, 1, 5);
    for (let k = 0; k < flips && bytes.length; k++) {
      bytes[int(rand, 0, bytes.length - 1)] = int(rand, 0, 255);
    }
    if (rand() < 0.3) bytes = bytes.subarray(0, int(rand, 0, bytes.length));
    damaged = true;
  }
  return { bytes, records: damaged || strayAt >= n ? null : records };
}

// --- JSON and NDJSON

function deep(rand: Rand, depth: number): string {
  let s = JSON.stringify(cell(rand));
  for (let i = 0; i < depth; i++) s = rand() < 0.5 ? `[${s}]` : `{"k":${s}}`;
  return s;
}

function jsonValue(rand: Rand): string {
  const r = rand();
  if (r < 0.4) return JSON.stringify(cell(rand));
  if (r < 0.55) {
    return pick(rand, ["12345678901234567890", "1e400", "-0", "1.0", "42", "null", "true"]);
  }
  if (r < 0.65) return deep(rand, pick(rand, [1, 3, 300, 3000]));
  return JSON.stringify(pick(rand, DATES));
}

function makeJson(rand: Rand): { name: string; bytes: Uint8Array } {
  const n = int(rand, 0, 20);
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const keys = ["contact_id", "ts", "type", "url", "constructor", "note"].filter(() =>
      rand() < 0.8
    );
    rows.push(
      rand() < 0.05
        ? pick(rand, ["[1,2]", "null", '"x"', "{"])
        : `{${
          keys.map((k) =>
            `${JSON.stringify(k)}:${
              k === "ts" && rand() < 0.7 ? JSON.stringify(pick(rand, DATES)) : jsonValue(rand)
            }`
          ).join(",")
        }}`,
    );
  }
  const ndjson = rand() < 0.5;
  let text = ndjson ? rows.join("\n") + "\n" : `[${rows.join(",\n")}]`;
  if (rand() < 0.15) text = text.slice(0, int(rand, 0, text.length));
  const name = ndjson ? pick(rand, ["f.ndjson", "f.json", "f.jsonl"]) : "f.json";
  return { name, bytes: enc.encode(text) };
}

// --- spreadsheets

export async function makeSheet(rand: Rand): Promise<{ name: string; bytes: Uint8Array }> {
  const rowsXml = [odsRow(["contact_id", "ts", "type"])];
  for (let i = 0, n = int(rand, 0, 10); i < n; i++) {
    rowsXml.push(odsRow([String(int(rand, 1, 9)), pick(rand, DATES), pick(rand, TYPES)].map(
      (c) => c.replace(/[<&]/g, ""),
    )));
  }
  const r = rand();
  if (r < 0.25) {
    const rows = pick(rand, [2, 1000, 1_000_000]);
    const cols = pick(rand, [1, 1000, 16_384]);
    rowsXml.push(
      `<table:table-row table:number-rows-repeated="${rows}"><table:table-cell table:number-columns-repeated="${cols}"${
        rand() < 0.5 ? "/>" : ` office:value-type="string"><text:p>x</text:p></table:table-cell>`
      }</table:table-row>`,
    );
  } else if (r < 0.35) {
    const n = pick(rand, [10, 300]);
    rowsXml.push(
      `<table:table-row>${"<text:span>".repeat(n)}${"</text:span>".repeat(n)}</table:table-row>`,
    );
  }
  const content = odsContent(rowsXml.join(""), rand() < 0.3);
  let bytes: Uint8Array;
  let name: string;
  if (content.startsWith("<?xml") && content.includes("office:document ")) {
    bytes = enc.encode(content);
    name = "f.fods";
  } else {
    bytes = await ods(content);
    name = "f.ods";
  }
  if (rand() < 0.4 && name === "f.ods") {
    // Damage inside the zip: a byte of an entry's data, or of its headers.
    bytes = bytes.slice();
    for (let k = 0, flips = int(rand, 1, 3); k < flips; k++) {
      bytes[int(rand, 0, bytes.length - 1)] = int(rand, 0, 255);
    }
  } else if (rand() < 0.1) {
    bytes = bytes.subarray(0, int(rand, 0, bytes.length));
  }
  return { name, bytes };
}

// --- configs

const COLUMNS = ["url", "channel", "value", "tag"];

function predicate(rand: Rand): Record<string, unknown> {
  const text = () =>
    pick(rand, ["*/sale-?/*", "%_\\", "a'b", 'q"q', "=x", "😀?", "*", "", "a\u0000b", "\\*"]);
  switch (int(rand, 0, 6)) {
    case 0:
      return { eq: rand() < 0.5 ? text() : int(rand, 0, 100) };
    case 1:
      return { glob: text() };
    case 2:
      return { prefix: text() };
    case 3:
      return { contains: text() };
    case 4:
      return { in: [text(), int(rand, 0, 9)] };
    case 5:
      return { gte: int(rand, 0, 100) };
    default:
      return { exists: rand() < 0.5 };
  }
}

function makeConfig(rand: Rand): unknown {
  const ids = ["r1", "r'2", '=HYPERLINK("x")', "r-4", "r\\5", "😀", "r\u00007", "r\n8"];
  const rules = Array.from({ length: int(rand, 1, 4) }, (_, i) => {
    const where: Record<string, unknown> = {};
    for (const c of COLUMNS) if (rand() < 0.4) where[c] = predicate(rand);
    return {
      id: rand() < 0.7 ? `rule${i}` : `${pick(rand, ids)}${i}`,
      on: pick(rand, TYPES),
      where,
      points: pick(rand, [1, 5, -3, 2.5]),
    };
  });
  const config: Record<string, unknown> = {
    format: "scorebench.config/v1",
    window: { lookbackDays: 30 },
    rules,
    tiers: { high: 5, medium: 2 },
    triggers: [{
      id: rand() < 0.5 ? "warm" : pick(rand, ["@SUM(1;1)", "-x", "t\u0000"]),
      reaches: "medium",
    }],
  };
  const r = rand();
  if (r < 0.1) config.provenance = JSON.parse(deep(rand, pick(rand, [70, 3000])));
  else if (r < 0.2) (rules[0] as Record<string, unknown>).points = pick(rand, ["5", null, [], {}]);
  else if (r < 0.25) config.rules = "not rules";
  return config;
}

function eventsFor(rand: Rand): EventRow[] {
  return Array.from({ length: int(rand, 1, 30) }, () => ({
    contact_id: pick(rand, ["a", "=b", "+1+1", "c"]),
    ts: Date.UTC(2024, 2, int(rand, 1, 30)),
    type: pick(rand, TYPES),
    url: pick(rand, URLS),
    channel: pick(rand, ["online", "offline", "a\u0000b", "%"]),
    value: int(rand, 0, 100),
    tag: pick(rand, ["x", "=y"]),
  }));
}

// --- checks

const STACK = /\n\s+at .*:\d+:\d+|Maximum call stack/;

/** A cell a spreadsheet would run: the check is written apart from `safeCell` on purpose. */
function unguarded(field: string): boolean {
  if (!/^[=+\-@\t\r]/.test(field)) return false;
  if (/^[+-]?(\d+([.,]\d+)?|[.,]\d+)([eE][+-]?\d+)?$/.test(field)) return false;
  if (/^\+\d[\d ()-]*\d$/.test(field) && field.replace(/\D/g, "").length >= 7) return false;
  return true;
}

function formulaCells(csv: string): string[] {
  const out: string[] = [];
  for (const rec of parseCsv(csv, { delimiter: "," })) {
    for (const f of rec.fields ?? []) if (unguarded(f)) out.push(f);
  }
  return out;
}

interface Check {
  fail(cls: FailureClass, detail: string): void;
  outcome(name: string): void;
}

async function checkLoad(
  check: Check,
  kind: TableKind,
  name: string,
  bytes: Uint8Array,
  records: number | null,
): Promise<void> {
  try {
    const r = await loadTable(kind, { name, bytes }, { parseTimeoutMs: 10_000 });
    const s = r.summary;
    check.outcome(`${kind}:loaded`);
    if (s.rowsRead !== s.rowsLoaded + s.rowsRejected) {
      check.fail(
        "count",
        `read ${s.rowsRead} != loaded ${s.rowsLoaded} + rejected ${s.rowsRejected}`,
      );
    }
    if (records !== null && s.rowsRead !== records) {
      check.fail("count", `read ${s.rowsRead}, the generator wrote ${records} records`);
    }
    for (const j of r.rejects) {
      if (!(j.row >= 1) || !j.reason) {
        check.fail("count", `reject without row or reason: ${JSON.stringify(j)}`);
      }
      if (STACK.test(j.reason)) check.fail("stack", j.reason);
    }
    const bad = formulaCells(rejectsToCsv(r.rejects));
    if (bad.length) check.fail("formula", `rejects.csv: ${JSON.stringify(bad[0])}`);
    if (kind === "events" && r.rows.length) {
      const config = toScoringConfig({
        format: "scorebench.config/v1",
        rules: [{ id: "view", on: "page_view", points: 1 }],
        tiers: { high: 1, medium: 0.5 },
        triggers: [{ id: "t", reaches: "high" }],
      });
      const result = scoreContacts(config, { events: r.rows as EventRow[] }, {
        asOf: [Date.UTC(2024, 0, 1), Date.UTC(2030, 0, 1)],
      });
      for (const csv of [formatScoresCsv(result), formatTriggersCsv(result)]) {
        const f = formulaCells(csv);
        if (f.length) check.fail("formula", `scores/triggers: ${JSON.stringify(f[0])}`);
      }
    }
  } catch (err) {
    const e = err as Error;
    if (STACK.test(e?.message ?? "")) check.fail("stack", e.message.slice(0, 300));
    else if (!(e instanceof LoadError) || !e.message.includes(name)) {
      check.fail("crash", `${e?.name}: ${String(e?.message).slice(0, 300)}`);
    } else check.outcome(`${kind}:refused`);
  }
}

function checkConfig(check: Check, json: unknown, rand: Rand, duckdb: FuzzOptions["duckdb"]): void {
  let config: ScoringConfig;
  try {
    config = parseConfig(json, { file: "fuzz.json" }).config;
  } catch (err) {
    const e = err as Error;
    if (STACK.test(e.message)) check.fail("stack", e.message.slice(0, 300));
    else if (!(e instanceof ConfigError) || e.problems.some((p) => typeof p.path !== "string")) {
      check.fail("crash", `${e.name}: ${e.message.slice(0, 300)}`);
    } else check.outcome("config:refused");
    return;
  }
  check.outcome("config:accepted");
  const events = eventsFor(rand);
  const asOf = [Date.UTC(2024, 3, 1)];
  let engine;
  try {
    engine = scoreContacts(config, { events }, { asOf });
    const f = [formatScoresCsv(engine), formatTriggersCsv(engine)].flatMap(formulaCells);
    if (f.length) check.fail("formula", `scores/triggers: ${JSON.stringify(f[0])}`);
  } catch (err) {
    check.fail("crash", `engine: ${(err as Error).message.slice(0, 300)}`);
    return;
  }
  let sql: string;
  try {
    sql = compileToSql(config, { asOf, tables: { contacts: null, verification: null } });
  } catch (err) {
    check.fail("sql", `compile: ${(err as Error).message.slice(0, 300)}`);
    return;
  }
  if (sql.includes("\u0000")) check.fail("sql", "a raw NUL in the SQL text");
  if (!duckdb) return;
  try {
    const { rows } = sqlScores(duckdb, config, { events }, asOf);
    const diff = compareRows(config, engineScores(config, { events }, asOf), rows);
    if (diff.length) check.fail("sql", diff.slice(0, 3).join("; "));
    else check.outcome("config:sql-agrees");
  } catch (err) {
    check.fail("sql", `DuckDB: ${(err as Error).message.slice(0, 300)}`);
  }
}

async function checkCli(check: Check, rand: Rand): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/out`;
    await Deno.mkdir(out);
    const csv = makeCsv(rand);
    await Deno.writeFile(`${dir}/events.csv`, csv.bytes);
    await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(makeConfig(rand)));
    const triggers = rand() < 0.7
      ? `${out}/t.csv`
      : pick(rand, [out, `${out}/s.csv`, `${dir}/none/t.csv`]);
    const r = await runCli([
      "score",
      "--config",
      `${dir}/config.json`,
      "--events",
      `${dir}/events.csv`,
      "--as-of",
      "2024-04-01",
      "--out",
      `${out}/s.csv`,
      "--triggers",
      triggers,
      "--rejects",
      `${out}/r.csv`,
    ]);
    if (STACK.test(r.stderr)) check.fail("stack", r.stderr.slice(0, 300));
    const left = [...Deno.readDirSync(out)].map((e) => e.name).sort();
    if (r.code === 0) {
      check.outcome("cli:ok");
      if (left.join() !== "r.csv,s.csv,t.csv") check.fail("output", `exit 0 left ${left}`);
      for (const name of left) {
        const f = formulaCells(await Deno.readTextFile(`${out}/${name}`));
        if (f.length) check.fail("formula", `${name}: ${JSON.stringify(f[0])}`);
      }
    } else {
      check.outcome(`cli:exit${r.code}`);
      if (left.length) {
        check.fail("output", `exit ${r.code} left ${left}: ${r.stderr.slice(0, 200)}`);
      }
      if (!/"[^"]*"/.test(r.stderr)) {
        check.fail("crash", `no file or flag named: ${r.stderr.slice(0, 200)}`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The kind of case `seed` makes. */
export function caseKind(seed: number): CaseKind {
  const r = seededRng(seed * 7919 + 1)();
  return r < 0.4 ? "csv" : r < 0.62 ? "json" : r < 0.7 ? "sheet" : r < 0.97 ? "config" : "cli";
}

/** Runs `cases` seeded cases and sorts what broke into failure classes. */
export async function runFuzz(cases: number, options: FuzzOptions = {}): Promise<FuzzReport> {
  const { seed = 1, budgetMs = 15_000, onCase, duckdb } = options;
  const started = performance.now();
  const report: FuzzReport = {
    cases,
    byKind: Object.fromEntries(CASE_KINDS.map((k) => [k, 0])) as Record<CaseKind, number>,
    failures: [],
    outcomes: {},
    seconds: 0,
  };
  for (let k = 0; k < cases; k++) {
    const s = seed + k;
    const kind = caseKind(s);
    report.byKind[kind]++;
    const rand = seededRng(s);
    const check: Check = {
      fail: (cls, detail) => report.failures.push({ seed: s, kind, cls, detail }),
      outcome: (name) => report.outcomes[name] = (report.outcomes[name] ?? 0) + 1,
    };
    const t0 = performance.now();
    switch (kind) {
      case "csv": {
        const c = makeCsv(rand);
        await checkLoad(check, "events", `case-${s}.csv`, c.bytes, c.records);
        break;
      }
      case "json": {
        const j = makeJson(rand);
        await checkLoad(check, "events", `case-${s}-${j.name}`, j.bytes, null);
        break;
      }
      case "sheet": {
        const x = await makeSheet(rand);
        await checkLoad(check, "events", `case-${s}-${x.name}`, x.bytes, null);
        break;
      }
      case "config":
        checkConfig(check, makeConfig(rand), rand, duckdb);
        break;
      case "cli":
        await checkCli(check, rand);
        break;
    }
    const ms = performance.now() - t0;
    if (ms > budgetMs) check.fail("time", `${ms.toFixed(0)} ms`);
    onCase?.(k + 1);
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/** The report as a table of failures per class and kind, and the first few failures. */
export function formatReport(report: FuzzReport): string {
  const lines = [
    `${report.cases} cases in ${report.seconds.toFixed(1)} s (${
      CASE_KINDS.map((k) => `${k} ${report.byKind[k]}`).join(", ")
    })`,
    `failures by class: ${
      FAILURE_CLASSES.map((c) => `${c} ${report.failures.filter((f) => f.cls === c).length}`).join(
        ", ",
      )
    }`,
    `outcomes: ${Object.entries(report.outcomes).sort().map(([k, n]) => `${k} ${n}`).join(", ")}`,
  ];
  for (const f of report.failures.slice(0, 20)) {
    lines.push(`  seed ${f.seed} (${f.kind}) ${f.cls}: ${f.detail}`);
  }
  return lines.join("\n");
}
