/** `score --purchases F`: purchases are scored as events of type "purchase". */
import assert from "node:assert/strict";
import { runCli, tempDirWith } from "../_cli.ts";

// The contract's own example: a purchase in the store is 30 points, online 50.
const CONFIG = {
  format: "scorebench.config/v1",
  window: { lookbackDays: 90 },
  rules: [
    { id: "store", on: "purchase", where: { channel: { eq: "offline" } }, points: 30 },
    { id: "online", on: "purchase", where: { channel: { eq: "online" } }, points: 50 },
    { id: "big", on: "purchase", where: { value: { gte: 1000 } }, points: 5 },
    { id: "visit", on: "page_view", points: 1 },
  ],
  tiers: { high: 50, medium: 30 },
};

const PURCHASES = [
  "contact_id,ts,amount,channel,tag",
  "a,2024-03-01,1 200,offline,loans",
  "b,2024-03-02,10,online,cards",
  "b,2024-03-03,10,offline,cards",
].join("\n") + "\n";

const EVENTS = "contact_id,ts,type\nc,2024-03-01,page_view\n";

Deno.test("score --purchases scores each purchase as an event of type purchase", async () => {
  const dir = await tempDirWith({
    "config.json": JSON.stringify(CONFIG),
    "purchases.csv": PURCHASES,
    "events.csv": EVENTS,
  });
  const r = await runCli([
    "score",
    "--config",
    `${dir}/config.json`,
    "--events",
    `${dir}/events.csv`,
    "--purchases",
    `${dir}/purchases.csv`,
    "--as-of",
    "2024-04-01",
    "--out",
    `${dir}/scores.csv`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /matches nothing/);
  const rows = (await Deno.readTextFile(`${dir}/scores.csv`)).trim().split("\n").slice(1)
    .map((l) => l.split(","));
  const score = Object.fromEntries(rows.map((f) => [f[1], Number(f[2])]));
  // a: 30 in the store + 5 for an amount of 1 200; b: 50 online + 30 in the store; c: a visit.
  assert.deepEqual(score, { a: 35, b: 80, c: 1 });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("score --purchases needs no --events for a config whose rules are on purchases", async () => {
  const dir = await tempDirWith({
    "config.json": JSON.stringify({ ...CONFIG, rules: CONFIG.rules.slice(0, 2) }),
    "purchases.csv": PURCHASES,
  });
  const r = await runCli([
    "score",
    "--config",
    `${dir}/config.json`,
    "--purchases",
    `${dir}/purchases.csv`,
    "--as-of",
    "2024-04-01",
    "--out",
    `${dir}/scores.csv`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const text = await Deno.readTextFile(`${dir}/scores.csv`);
  assert.match(text, /,a,30,medium,/);
  assert.match(text, /,b,80,high,/);
  await Deno.remove(dir, { recursive: true });
});
