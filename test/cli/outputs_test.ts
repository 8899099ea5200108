/**
 * Outputs of every command are checked before any work and appear together or not at
 * all; text cells of scores.csv and triggers.csv are guarded against formula injection.
 */
import assert from "node:assert/strict";
import { runCli, tempDirWith } from "../_cli.ts";

const CONFIG = {
  format: "scorebench.config/v1",
  window: { lookbackDays: 30 },
  rules: [
    {
      id: '=HYPERLINK("http://x","y")',
      on: "page_view",
      where: { url: { glob: "*/sale-?/*" } },
      points: 25,
    },
  ],
  tiers: { high: 20, medium: 10 },
  triggers: [{ id: "@SUM(1;1)", reaches: "high" }],
};

const EVENTS = [
  "contact_id,ts,type,url",
  `"=cmd|' /C calc'!A0",2024-03-30T10:00:00Z,page_view,https://s/sale-1/x`,
  "+1+1,2024-03-30T10:00:00Z,page_view,https://s/sale-2/x",
  "@SUM(1;1),2024-03-30T10:00:00Z,page_view,https://s/other",
  "-20,2024-03-30T10:00:00Z,page_view,https://s/sale-3/x",
].join("\n") + "\n";

function files(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

async function setup(): Promise<string> {
  return await tempDirWith({ "config.json": JSON.stringify(CONFIG), "events.csv": EVENTS });
}

const base = (dir: string) => [
  "score",
  "--config",
  `${dir}/config.json`,
  "--events",
  `${dir}/events.csv`,
  "--as-of",
  "2024-03-01",
  "--as-of",
  "2024-04-01",
];

Deno.test("score guards ids, reasons and trigger ids a spreadsheet would run", async () => {
  const dir = await setup();
  const r = await runCli([...base(dir), "--out", `${dir}/s.csv`, "--triggers", `${dir}/t.csv`]);
  assert.equal(r.code, 0, r.stderr);
  const scores = await Deno.readTextFile(`${dir}/s.csv`);
  const lines = scores.trim().split("\n").filter((l) => l.startsWith("2024-04-01"));
  const ids = lines.map((l) => l.split(",")[1]);
  assert.deepEqual(ids.sort(), ["'=cmd|' /C calc'!A0", "'+1+1", "'@SUM(1;1)", "-20"].sort());
  // The glob with "-" ran: three contacts got the rule's points, under a guarded reason.
  assert.equal(lines.filter((l) => l.includes(`"'=HYPERLINK(""http://x"",""y""):+25"`)).length, 3);
  const triggers = (await Deno.readTextFile(`${dir}/t.csv`)).trim().split("\n").slice(1);
  assert.equal(triggers.length, 3);
  assert.ok(triggers.every((l) => l.startsWith("'@SUM(1;1),")), triggers.join("\n"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("score writes nothing when --triggers is a folder", async () => {
  const dir = await setup();
  await Deno.mkdir(`${dir}/t`);
  const r = await runCli([...base(dir), "--out", `${dir}/s.csv`, "--triggers", `${dir}/t`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--triggers ".*\/t": is a folder; give a file name/);
  assert.deepEqual(files(dir), ["config.json", "events.csv", "t"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("score refuses two outputs in one file, and an output over an input", async () => {
  const dir = await setup();
  const same = await runCli([
    ...base(dir),
    "--out",
    `${dir}/s.csv`,
    "--triggers",
    `${dir}/./s.csv`,
  ]);
  assert.equal(same.code, 2);
  assert.match(same.stderr, /--triggers ".*s\.csv": is the same file as --out/);
  const over = await runCli([...base(dir), "--out", `${dir}/events.csv`]);
  assert.equal(over.code, 2);
  assert.match(over.stderr, /--out ".*events\.csv": is the same file as --events \(an input\)/);
  assert.equal(await Deno.readTextFile(`${dir}/events.csv`), EVENTS);
  assert.deepEqual(files(dir), ["config.json", "events.csv"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("score writes no --rejects and no --out when a later input fails", async () => {
  const dir = await setup();
  await Deno.writeTextFile(`${dir}/contacts.csv`, "contact_id,age\n1,200\n");
  await Deno.writeTextFile(`${dir}/verification.csv`, "");
  const r = await runCli([
    ...base(dir),
    "--contacts",
    `${dir}/contacts.csv`,
    "--verification",
    `${dir}/verification.csv`,
    "--rejects",
    `${dir}/rejects.csv`,
    "--out",
    `${dir}/s.csv`,
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /verification\.csv.*empty/);
  assert.deepEqual(files(dir), ["config.json", "contacts.csv", "events.csv", "verification.csv"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("audience reads guarded ids of scores.csv back as the ids they are", async () => {
  const dir = await setup();
  await Deno.writeTextFile(
    `${dir}/contacts.csv`,
    `contact_id,phone\n"=cmd|' /C calc'!A0",+7 916 123-45-67\n+1+1,+7 916 123-45-68\n`,
  );
  const s = await runCli([...base(dir), "--out", `${dir}/s.csv`]);
  assert.equal(s.code, 0, s.stderr);
  const a = await runCli([
    "audience",
    "--scores",
    `${dir}/s.csv`,
    "--contacts",
    `${dir}/contacts.csv`,
    "--tiers",
    "high",
    "--format",
    "yandex",
    "--out",
    `${dir}/a.csv`,
  ]);
  assert.equal(a.code, 0, a.stderr);
  const text = await Deno.readTextFile(`${dir}/a.csv`);
  assert.match(text, /79161234567/);
  assert.match(text, /79161234568/);
  await Deno.remove(dir, { recursive: true });
});
