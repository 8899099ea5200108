import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { type CliResult, runCli, tempDirWith } from "../_cli.ts";

const CONFIG = {
  format: "scorebench.config/v1",
  window: { lookbackDays: 30 },
  rules: [
    { id: "pricing", on: "page_view", where: { url: { glob: "*/pricing" } }, points: 8 },
    { id: "click", on: "email_click", points: 5, scopes: ["global", { tag: "mail" }] },
    { id: "unsub", on: "email_unsubscribe", points: -20 },
  ],
  tiers: { high: 20, medium: 10 },
  verification: { mode: "demote", factor: 0.5 },
  triggers: [{ id: "warm", reaches: "medium" }],
};

const EVENTS = [
  "contact_id,ts,type,url",
  "007,2024-03-30T10:00:00Z,page_view,https://s/pricing",
  "007,2024-03-30T11:00:00Z,email_click,",
  "+1,2024-03-31T00:00:00Z,email_unsubscribe,",
  "42,2024-03-31T00:00:00Z,page_view,https://s/pricing",
  "99,2024-03-31T00:00:00Z,page_view,https://s/pricing",
].join("\n") + "\n";

const CONTACTS = "contact_id,phone\n007,8 916 123-45-67\n+1,\n42,\n";
const VERIFICATION = "phone\n+7 (916) 123-45-67\n";

function cli(args: string[]): Promise<CliResult> {
  return runCli(["score", ...args]);
}

function setup(): Promise<string> {
  return tempDirWith({
    "config.json": JSON.stringify(CONFIG),
    "events.csv": EVENTS,
    "contacts.csv": CONTACTS,
    "verification.csv": VERIFICATION,
  });
}

Deno.test("score writes scores.csv and triggers.csv and prints a one-line summary", async () => {
  const dir = await setup();
  const r = await cli([
    "--config",
    `${dir}/config.json`,
    "--events",
    `${dir}/events.csv`,
    "--contacts",
    `${dir}/contacts.csv`,
    "--verification",
    `${dir}/verification.csv`,
    "--as-of",
    "2024-03-30T12:00:00Z",
    "--as-of",
    "2024-03-31",
    "--out",
    `${dir}/scores.csv`,
    "--triggers",
    `${dir}/triggers.csv`,
  ]);
  assertEquals(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assertEquals(lines.length, 1);
  assertEquals(
    lines[0].startsWith(
      "Scored 3 contacts at 2 instant(s) from 5 events; at 2024-03-31T00:00:00Z high 0, medium 0, low 3, unscored 0 (coverage 100.0%); 1 events of contacts not in --contacts ignored;",
    ),
    true,
    lines[0],
  );
  // 007 is verified by phone (8... vs +7 ...) and demoted: (8 + 5) * 0.5.
  assertEquals(
    await Deno.readTextFile(`${dir}/scores.csv`),
    [
      "as_of,contact_id,score,tier,matched_events,verified,reasons,tag:mail",
      "2024-03-30T12:00:00Z,+1,0,unscored,0,false,,0",
      "2024-03-30T12:00:00Z,007,6.5,low,2,true,pricing:+4;click:+2.5,5",
      "2024-03-30T12:00:00Z,42,0,unscored,0,false,,0",
      "2024-03-31T00:00:00Z,+1,-20,low,1,false,unsub:-20,0",
      "2024-03-31T00:00:00Z,007,6.5,low,2,true,pricing:+4;click:+2.5,5",
      "2024-03-31T00:00:00Z,42,8,low,1,false,pricing:+8,0",
      "",
    ].join("\n"),
  );
  assertEquals(
    await Deno.readTextFile(`${dir}/triggers.csv`),
    "trigger_id,contact_id,as_of,from,to\n",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("score refuses a broken config with every problem, exit 1 and no output file", async () => {
  const dir = await setup();
  await Deno.writeTextFile(
    `${dir}/bad.json`,
    JSON.stringify({
      ...CONFIG,
      tiers: { high: 1, medium: 5 },
      rules: [{ id: "x", on: "a", points: "1" }],
    }),
  );
  const r = await cli([
    "--config",
    `${dir}/bad.json`,
    "--events",
    `${dir}/events.csv`,
    "--as-of",
    "2024-03-31",
    "--out",
    `${dir}/scores.csv`,
  ]);
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr.includes('rules[0].points: expected number, got string "1"'),
    true,
    r.stderr,
  );
  assertEquals(r.stderr.includes("tiers.medium: 5 is above tiers.high 1"), true, r.stderr);
  assertEquals(r.stderr.includes("    at "), false, "no stack trace");
  assertEquals([...Deno.readDirSync(dir)].some((e) => e.name.includes("scores")), false);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("score exits 2 on a usage error: bad --as-of, missing --events for event rules", async () => {
  const dir = await setup();
  const bad = await cli([
    "--config",
    `${dir}/config.json`,
    "--events",
    `${dir}/events.csv`,
    "--as-of",
    "31.03.2024",
    "--out",
    `${dir}/scores.csv`,
  ]);
  assertEquals(bad.code, 2);
  assertEquals(bad.stderr.includes('--as-of "31.03.2024" is not a date'), true, bad.stderr);
  const noEvents = await cli([
    "--config",
    `${dir}/config.json`,
    "--contacts",
    `${dir}/contacts.csv`,
    "--as-of",
    "2024-03-31",
    "--out",
    `${dir}/scores.csv`,
  ]);
  assertEquals(noEvents.code, 2);
  assertEquals(noEvents.stderr.includes("--events is required"), true, noEvents.stderr);
  const noFolder = await cli([
    "--config",
    `${dir}/config.json`,
    "--events",
    `${dir}/events.csv`,
    "--as-of",
    "2024-03-31",
    "--out",
    `${dir}/nope/scores.csv`,
  ]);
  assertEquals(noFolder.code, 2);
  assertEquals([...Deno.readDirSync(dir)].some((e) => e.name.includes("scores")), false);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("score with an attribute-only config needs no events", async () => {
  const dir = await setup();
  await Deno.writeTextFile(
    `${dir}/attr.json`,
    JSON.stringify({
      format: "scorebench.config/v1",
      attributes: [{ id: "has-phone", field: "phone", where: { exists: true }, points: 30 }],
    }),
  );
  const r = await cli([
    "--config",
    `${dir}/attr.json`,
    "--contacts",
    `${dir}/contacts.csv`,
    "--as-of",
    "2024-03-31",
    "--out",
    `${dir}/scores.csv`,
  ]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(
    (await Deno.readTextFile(`${dir}/scores.csv`)).split("\n").slice(1, 4),
    [
      "2024-03-31T00:00:00Z,+1,0,low,0,false,",
      "2024-03-31T00:00:00Z,007,30,medium,0,false,has-phone:+30",
      "2024-03-31T00:00:00Z,42,0,low,0,false,",
    ],
  );
  await Deno.remove(dir, { recursive: true });
});
