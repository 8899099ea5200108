/**
 * `score --engine clickhouse` on a real clickhouse-server (Debian's 18.16, started on
 * loopback): the files loaded into a temporary database, scored there, and `scores.csv`
 * equal to the in-memory engine's, field by field (numbers to 1e-9 relative).
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { runCli, tempDirWith } from "../_cli.ts";
import { SERVER_BINARY, startServers } from "../sql/_clickhouse.ts";

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
  tiers: { high: 20, medium: 10 },
  verification: { mode: "demote", factor: 0.5 },
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
].join("\n") + "\n";
const CONTACTS = "contact_id,phone,stage\n007,8 916 123-45-67,lead\n+1,,\n42,,won\n";
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
        "2024-03-31",
        "--as-of",
        "2024-04-02T12:00:00Z",
      ];
      const memory = await runCli([...common, "--out", `${dir}/memory.csv`]);
      assertEquals(memory.code, 0, memory.stderr);
      const ch = await runCli([
        ...common,
        "--out",
        `${dir}/clickhouse.csv`,
        "--engine",
        "clickhouse",
        "--url",
        `http://127.0.0.1:${servers.ports[0]}`,
      ]);
      assertEquals(ch.code, 0, ch.stderr);
      ok(ch.stdout.includes("Scored on ClickHouse at 2 instant(s)"), ch.stdout);
      const a = (await Deno.readTextFile(`${dir}/memory.csv`)).trim().split("\n");
      const b = (await Deno.readTextFile(`${dir}/clickhouse.csv`)).trim().split("\n");
      assertEquals(b[0], a[0]);
      assertEquals(b.length, a.length);
      ok(a.length === 7, `expected 6 rows, got ${a.length - 1}`);
      for (let i = 1; i < a.length; i++) {
        // Reasons hold numbers too: compare every piece between separators.
        const x = a[i].split(/[,;:]/), y = b[i].split(/[,;:]/);
        ok(x.length === y.length && x.every((v, k) => same(v, y[k])), `${a[i]}\n${b[i]}`);
      }
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

Deno.test({
  name: "score --engine clickhouse writes --rejects with the scores",
  ignore: !present,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const servers = await startServers(1, { basePort: 19540 });
    if ("why" in servers) throw new Error(servers.why);
    try {
      const dir = await tempDirWith({
        "config.json": JSON.stringify(CONFIG),
        "events.csv": EVENTS + "42,not a date,page_view,https://s/pricing,\n",
      });
      const r = await runCli([
        "score",
        "--config",
        `${dir}/config.json`,
        "--events",
        `${dir}/events.csv`,
        "--as-of",
        "2024-03-31",
        "--out",
        `${dir}/scores.csv`,
        "--rejects",
        `${dir}/rejects.csv`,
        "--engine",
        "clickhouse",
        "--url",
        `http://127.0.0.1:${servers.ports[0]}`,
      ]);
      assertEquals(r.code, 0, r.stderr);
      const scores = (await Deno.readTextFile(`${dir}/scores.csv`)).trim().split("\n");
      assertEquals(scores.length, 5, scores.join("\n")); // header and contacts 007, +1, 42, 99
      const rejects = (await Deno.readTextFile(`${dir}/rejects.csv`)).trim().split("\n");
      assertEquals(rejects.length, 2, rejects.join("\n"));
      ok(rejects[1].includes("not a date"), rejects[1]);
    } finally {
      await servers.stop();
    }
  },
});

Deno.test("score --engine clickhouse leaves no output when the server cannot be reached", async () => {
  const dir = await tempDirWith({
    "config.json": JSON.stringify(CONFIG),
    "events.csv": EVENTS + "42,not a date,page_view,https://s/pricing,\n",
  });
  const r = await runCli([
    "score",
    "--config",
    `${dir}/config.json`,
    "--events",
    `${dir}/events.csv`,
    "--as-of",
    "2024-03-31",
    "--out",
    `${dir}/scores.csv`,
    "--rejects",
    `${dir}/rejects.csv`,
    "--engine",
    "clickhouse",
    "--url",
    "http://127.0.0.1:9",
  ]);
  ok(r.code !== 0, r.stdout);
  assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
    "config.json",
    "events.csv",
  ]);
});
