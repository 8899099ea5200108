/**
 * `score --engine clickhouse` on a real clickhouse-server (Debian's 18.16, started on
 * loopback): the files loaded into a temporary database, scored there, and `scores.csv`
 * equal to the in-memory engine's, field by field (numbers to 1e-9 relative), with the same
 * `triggers.csv` and `--rejects` file; a failed run leaves its outputs as they were.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { Buffer } from "node:buffer";
import { runCli, tempDirWith } from "../_cli.ts";
import { SERVER_BINARY, startServers } from "../sql/_clickhouse.ts";
import { compareCodePoints } from "../../src/cli/_score_clickhouse.ts";

const CONFIG = {
  format: "scorebench.config/v1",
  window: { lookbackDays: 30, halfLifeDays: 7 },
  rules: [
    { id: "pricing", on: "page_view", where: { url: { glob: "*/pricing" } }, points: 8 },
    {
      id: "click",
      on: "email_click",
      points: 5,
      maxPerDay: 1,
      scopes: ["global", { tag: "mail" }],
    },
    { id: "unsub", on: "email_unsubscribe", points: -20, scopes: ["global", "stage"] },
  ],
  attributes: [{ id: "lead", field: "stage", where: { eq: "lead" }, points: 3 }],
  tiers: { high: 12, medium: 5 },
  verification: { mode: "demote", factor: 0.5 },
  triggers: [{ id: "warm", reaches: "medium" }, { id: "hot", reaches: "high" }],
};

const EVENTS = [
  "contact_id,ts,type,url,stage",
  "007,2024-03-30T10:00:00Z,page_view,https://s/pricing,",
  "007,2024-03-30T11:00:00Z,email_click,,",
  "007,2024-03-30T12:00:00Z,email_click,,",
  "+1,2024-03-31T00:00:00Z,email_unsubscribe,,lost",
  "42,2024-03-21T00:00:00Z,page_view,https://s/pricing,",
  "42,2024-03-29T00:00:00Z,email_unsubscribe,,",
  "99,2024-03-31T00:00:00Z,page_view,https://s/pricing,",
  "42,2024-04-01T00:00:00Z,page_view,https://s/pricing,",
  "42,2024-04-01T01:00:00Z,email_click,,",
  "42,not a time,email_click,,",
  "42,2024-04-02T00:00:00Z,email_click,,",
  "42,2024-04-02T01:00:00Z,page_view,https://s/pricing,",
  "=1+2,2024-03-30T01:00:00Z,page_view,https://s/pricing,",
].join("\n") + "\n";
// "=1+2" is written guarded ('=1+2) against spreadsheet formulas, as every export does.
const CONTACTS = "contact_id,phone,stage\n007,8 916 123-45-67,lead\n+1,,\n42,,won\n=1+2,,lead\n";
const VERIFICATION = "phone\n+7 (916) 123-45-67\n";

function same(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a), y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) &&
    Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

let present = true;
try {
  Deno.statSync(SERVER_BINARY);
} catch {
  present = false;
  console.log(
    `Skipping score --engine clickhouse: ${SERVER_BINARY} is absent (.ci/run installs it)`,
  );
}

Deno.test({
  name: "score --engine clickhouse writes the engine's scores.csv",
  ignore: !present,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const servers = await startServers(1, { basePort: 19500 });
    if ("why" in servers) throw new Error(servers.why);
    try {
      const dir = await tempDirWith({
        "config.json": JSON.stringify(CONFIG),
        "events.csv": EVENTS,
        "contacts.csv": CONTACTS,
        "verification.csv": VERIFICATION,
      });
      const common = [
        "score",
        "--config",
        `${dir}/config.json`,
        "--events",
        `${dir}/events.csv`,
        "--contacts",
        `${dir}/contacts.csv`,
        "--verification",
        `${dir}/verification.csv`,
        "--as-of",
        "2024-04-02T12:00:00Z,2024-03-31",
        "--as-of",
        "2024-03-30T12:00:00Z",
      ];
      const outputs = (name: string) => [
        "--out",
        `${dir}/${name}.csv`,
        "--triggers",
        `${dir}/${name}.triggers.csv`,
        "--rejects",
        `${dir}/${name}.rejects.csv`,
      ];
      const memory = await runCli([...common, ...outputs("memory")]);
      assertEquals(memory.code, 0, memory.stderr);
      const ch = await runCli([
        ...common,
        ...outputs("clickhouse"),
        "--engine",
        "clickhouse",
        "--url",
        `http://127.0.0.1:${servers.ports[0]}`,
      ]);
      assertEquals(ch.code, 0, ch.stderr);
      ok(ch.stdout.includes("Scored on ClickHouse at 3 instant(s)"), ch.stdout);
      const a = (await Deno.readTextFile(`${dir}/memory.csv`)).trim().split("\n");
      const b = (await Deno.readTextFile(`${dir}/clickhouse.csv`)).trim().split("\n");
      assertEquals(b[0], a[0]);
      assertEquals(b.length, a.length);
      ok(a.length === 13, `expected 12 rows, got ${a.length - 1}`);
      ok(a.some((l) => l.includes(",'=1+2,")), a.join("\n"));
      for (let i = 1; i < a.length; i++) {
        // Reasons hold numbers too: compare every piece between separators.
        const x = a[i].split(/[,;:]/), y = b[i].split(/[,;:]/);
        ok(x.length === y.length && x.every((v, k) => same(v, y[k])), `${a[i]}\n${b[i]}`);
      }
      // The firings between the instants, and the rejected row, as the engine writes them.
      const triggers = await Deno.readTextFile(`${dir}/memory.triggers.csv`);
      const firings = triggers.trim().split("\n").slice(1);
      // At the first instant (from nobody), and rising from low to high (both triggers).
      ok(firings.length >= 3, triggers);
      ok(firings.some((f) => f.endsWith(",,medium")), triggers);
      ok(firings.some((f) => /^hot,.*,low,high$/.test(f)), triggers);
      assertEquals(await Deno.readTextFile(`${dir}/clickhouse.triggers.csv`), triggers);
      ok(ch.stdout.includes(`(${firings.length} firings)`), ch.stdout);
      const rejects = await Deno.readTextFile(`${dir}/memory.rejects.csv`);
      ok(rejects.includes("not a time"), rejects);
      assertEquals(await Deno.readTextFile(`${dir}/clickhouse.rejects.csv`), rejects);

      // A failed run (no such database) leaves every output as it was.
      for (const f of ["clickhouse.csv", "clickhouse.triggers.csv"]) {
        await Deno.writeTextFile(`${dir}/${f}`, "before\n");
      }
      const failed = await runCli([
        "score",
        "--config",
        `${dir}/config.json`,
        "--as-of",
        "2024-03-31",
        "--out",
        `${dir}/clickhouse.csv`,
        "--triggers",
        `${dir}/clickhouse.triggers.csv`,
        "--engine",
        "clickhouse",
        "--url",
        `http://127.0.0.1:${servers.ports[0]}`,
        "--database",
        "no_such_database",
      ]);
      ok(failed.code !== 0, failed.stdout);
      ok(/no table no_such_database\.events/.test(failed.stderr), failed.stderr);
      for (const f of ["clickhouse.csv", "clickhouse.triggers.csv"]) {
        assertEquals(await Deno.readTextFile(`${dir}/${f}`), "before\n");
      }
      assertEquals(
        [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".tmp")).map((e) => e.name),
        [],
      );

      // The temporary database is gone.
      const left = await servers.clients[0].query(
        "SELECT count() FROM system.databases WHERE name LIKE 'scorebench_%'",
      );
      assertEquals(left.trim(), "0");
    } finally {
      await servers.stop();
    }
  },
});

Deno.test("compareCodePoints() orders as UTF-8 bytes do", () => {
  const cases: [string, string][] = [
    ["", "a"],
    ["a", "ab"],
    ["007", "42"],
    ["+1", "007"],
    ["Z", "a"],
    ["\u00e9", "\uffff"],
    ["\uffff", "\u{1f600}"], // plain < puts the emoji (a surrogate pair) first
    ["\u{1f600}", "\u{1f601}"],
  ];
  const bytes = new TextEncoder();
  for (const [a, b] of cases) {
    ok(compareCodePoints(a, b) < 0, `${a} < ${b}`);
    ok(compareCodePoints(b, a) > 0, `${b} > ${a}`);
    const x = bytes.encode(a), y = bytes.encode(b);
    const byBytes = Buffer.compare(x, y);
    assertEquals(byBytes, -1, `bytes of ${a} < ${b}`);
  }
  assertEquals(compareCodePoints("abc", "abc"), 0);
});
