import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { openDuckDB, writeTable } from "../../src/db/mod.ts";
import { type CliResult, runCli, tempDirWith } from "../_cli.ts";

const CONFIG = {
  format: "scorebench.config/v1",
  window: { lookbackDays: 30 },
  rules: [
    { id: "pricing", on: "page_view", where: { url: { glob: "*/pricing" } }, points: 8 },
    { id: "click", on: "email_click", points: 5, scopes: ["global", { tag: "mail" }] },
  ],
  tiers: { high: 20, medium: 10 },
};

function cli(args: string[]): Promise<CliResult> {
  return runCli(["sql", ...args]);
}

async function configFile(config: unknown): Promise<string> {
  return `${await tempDirWith({ "config.json": JSON.stringify(config) })}/config.json`;
}

Deno.test({
  name: "sql prints a DuckDB query that scores the tables",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const path = await configFile(CONFIG);
    const { code, stdout, stderr } = await cli([
      "--config",
      path,
      "--dialect",
      "duckdb",
      "--as-of",
      "2024-03-31",
    ]);
    assertEquals(code, 0, stderr);
    ok(stderr.includes("Printed the duckdb SQL"), stderr);
    const { conn } = await openDuckDB();
    const T = Date.UTC(2024, 2, 31);
    writeTable(conn, "events", [
      { contact_id: "007", ts: T - 3_600_000, type: "page_view", url: "https://s/pricing" },
      { contact_id: "007", ts: T - 7_200_000, type: "email_click", url: null },
      { contact_id: "42", ts: T - 40 * 86_400_000, type: "email_click", url: null },
    ]);
    writeTable(conn, "contacts", [{ contact_id: "007" }, { contact_id: "42" }]);
    const rows = conn.query(stdout).toArray().map((r) => {
      const o = r.toJSON();
      return [o.as_of, o.contact_id, o.score, o.tier, o.matched_events, o.reasons];
    });
    conn.close();
    assertEquals(rows, [
      ["2024-03-31T00:00:00Z", "007", 13, "medium", 2, "pricing:+8;click:+5"],
      ["2024-03-31T00:00:00Z", "42", 0, "unscored", 0, ""],
    ]);
  },
});

Deno.test("sql refuses an unknown dialect and lists the supported ones", async () => {
  const path = await configFile(CONFIG);
  const { code, stdout, stderr } = await cli(["--config", path, "--dialect", "oracle"]);
  assertEquals(code, 2);
  assertEquals(stdout, "");
  ok(stderr.includes('--dialect "oracle" is not supported; supported dialects: duckdb'), stderr);
});

Deno.test("sql names every problem of a broken config by JSON path", async () => {
  const path = await configFile({ format: "scorebench.config/v1", rules: [{ id: "r", on: 3 }] });
  const { code, stdout, stderr } = await cli(["--config", path]);
  assertEquals(code, 1);
  assertEquals(stdout, "");
  ok(stderr.includes("rules[0].on"), stderr);
  ok(stderr.includes("rules[0].points"), stderr);
  ok(!stderr.includes("    at "), `no stack trace expected: ${stderr}`);
});

Deno.test("sql --out writes the file and prints a one-line summary", async () => {
  const path = await configFile(CONFIG);
  const out = path.replace("config.json", "score.sql");
  const { code, stdout } = await cli(["--config", path, "--out", out]);
  assertEquals(code, 0);
  assertEquals(stdout.trim().split("\n").length, 1);
  ok(
    stdout.startsWith(
      `Wrote the duckdb SQL of "Untitled scoring" (2 event rules, 0 attribute rules) to ${out}`,
    ),
  );
  const sql = await Deno.readTextFile(out);
  ok(sql.startsWith("WITH\n") && sql.includes('FROM "as_of"'), sql.slice(0, 200));
});

Deno.test("sql refuses a --partition that is not I/N with I < N", async () => {
  const path = await configFile(CONFIG);
  for (const bad of ["4/4", "x", "1/"]) {
    const { code, stderr } = await cli(["--config", path, "--partition", bad]);
    assertEquals(code, 2);
    ok(stderr.includes(`--partition must be I/N with 0 <= I < N (such as 0/4), got "${bad}"`));
  }
  const { code, stdout } = await cli(["--config", path, "--partition", "1/4"]);
  assertEquals(code, 0);
  ok(stdout.includes("% 4 AS INTEGER) = 1"), stdout.slice(0, 300));
});
