/**
 * `sql --dialect clickhouse`: the printed schema and query run unchanged on ClickHouse
 * 26.x in process (chdb); the cluster tests run them on 18.16.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { chdbClient, loadChdb, parseScoreRows, toTsv } from "../sql/_clickhouse.ts";
import { type CliResult, runCli, tempDirWith } from "../_cli.ts";

const CONFIG = {
  format: "scorebench.config/v1",
  window: { lookbackDays: 30, halfLifeDays: 10 },
  rules: [
    { id: "pricing", on: "page_view", where: { url: { glob: "*/pricing" } }, points: 8 },
    { id: "click", on: "email_click", points: 5, scopes: ["global", { tag: "mail" }] },
  ],
  attributes: [{ id: "loans", field: "interests", where: { in: ["loans"] }, points: 2 }],
  tiers: { high: 20, medium: 10 },
};
const chdb = loadChdb();

function cli(args: string[]): Promise<CliResult> {
  return runCli(["sql", ...args]);
}

Deno.test({
  name: "sql --dialect clickhouse --schema and its query score the tables on ClickHouse",
  ignore: !chdb.ok,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    if (!chdb.ok) return;
    const schema = await cli(["--dialect", "clickhouse", "--schema"]);
    assertEquals(schema.code, 0, schema.stderr);
    ok(schema.stdout.includes("ENGINE = MergeTree() ORDER BY (contact_id, ts)"), schema.stdout);
    const dir = await tempDirWith({ "config.json": JSON.stringify(CONFIG) });
    const query = await cli([
      "--config",
      `${dir}/config.json`,
      "--dialect",
      "clickhouse",
      "--as-of",
      "2024-03-31",
    ]);
    assertEquals(query.code, 0, query.stderr);
    ok(query.stderr.includes("Printed the clickhouse SQL"), query.stderr);

    const client = chdbClient(chdb.Session);
    try {
      for (const statement of schema.stdout.split(";").map((s) => s.trim()).filter((s) => s)) {
        await client.query(statement);
      }
      const T = Date.UTC(2024, 2, 31);
      const events = [
        {
          contact_id: "007",
          ts: T - 3_600_000,
          type: "page_view",
          url: "https://s/pricing",
          seq: 0,
        },
        { contact_id: "007", ts: T - 10 * 86_400_000, type: "email_click", seq: 1 },
        { contact_id: "42", ts: T - 40 * 86_400_000, type: "email_click", seq: 2 },
      ];
      const columns = await client.query(
        "SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = 'events' FORMAT TabSeparated",
      );
      const eventCols = Object.fromEntries(
        columns.trim().split("\n").map((l) => {
          const [name, type] = l.split("\t");
          return [
            name,
            type.includes("Float") || type.includes("Int") ? "DOUBLE" : "VARCHAR",
          ] as const;
        }),
      );
      await client.query("INSERT INTO events FORMAT TabSeparated", toTsv(events, eventCols));
      await client.query(
        "INSERT INTO contacts (contact_id, interests) FORMAT TabSeparated",
        "007\t['loans']\n42\t[]\n",
      );
      const rows = parseScoreRows(await client.query(`${query.stdout}\nFORMAT TabSeparated`));
      assertEquals(
        rows.map((
          r,
        ) => [r.as_of, r.contact_id, r.score, r.tier, r.matched_events, r.reasons, r.scopes]),
        [
          [
            "2024-03-31T00:00:00Z",
            "007",
            8 * 0.5 ** (1 / 240) + 2.5 + 2,
            "medium",
            2,
            `pricing:+${8 * 0.5 ** (1 / 240)};click:+2.5;loans:+2`,
            { "tag:mail": 2.5 },
          ],
          ["2024-03-31T00:00:00Z", "42", 0, "unscored", 0, "", {}],
        ],
      );
    } finally {
      client.close();
    }
  },
});

Deno.test("sql --schema goes with --dialect clickhouse only", async () => {
  const { code, stderr } = await cli(["--schema"]);
  assertEquals(code, 2);
  ok(stderr.includes("--schema and --cluster go with --dialect clickhouse"), stderr);
});

if (!chdb.ok) console.log(`Skipping the chdb test of sql: ${chdb.why}`);
