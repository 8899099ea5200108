import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import * as XLSX from "xlsx";
import { syntheticContactId, syntheticHistory } from "../../src/backtest/_synthetic_history.ts";
import type { BacktestJson } from "../../src/backtest/mod.ts";
import { checkAgainstScores, matrixTotal } from "../backtest/_independent.ts";
import { runCli, tempDirWith } from "../_cli.ts";
import { DAY_MS as DAY } from "../../src/tables/mod.ts";

const iso = (t: number) => new Date(t).toISOString();

/** Writes seeded synthetic inputs as CSV files; returns the folder and the purchases. */
async function writeInputs() {
  const from = Date.UTC(2023, 0, 1);
  const h = syntheticHistory({
    contacts: 400,
    eventsPerContact: 8,
    from,
    to: from + 250 * DAY,
    seed: 5,
  });
  const ev = ["contact_id,ts,type,url"];
  for (const e of h.events) ev.push(`${e.contact_id},${iso(e.ts)},${e.type},${e.url ?? ""}`);
  const config = {
    format: "scorebench.config/v1",
    name: '=HYPERLINK("http://x")',
    window: { lookbackDays: 60, halfLifeDays: 20 },
    rules: [
      { id: "pricing", on: "page_view", where: { url: { glob: "*/pricing*" } }, points: 7 },
      { id: "click", on: "email_click", points: 4, maxCount: 3 },
      { id: "form", on: "form_submit", points: 12 },
    ],
    tiers: { high: 22, medium: 8 },
    triggers: [{ id: "hot", reaches: "high" }],
  };
  const dir = await tempDirWith({
    "events.csv": ev.join("\n") + "\n",
    "purchases.csv": [
      "contact_id,ts,amount",
      ...h.purchases.map((p) => `${p.contact_id},${iso(p.ts)},${p.amount ?? ""}`),
    ].join("\n") + "\n",
    "contacts.csv": [
      "contact_id",
      ...Array.from({ length: 410 }, (_, i) => syntheticContactId(i)),
    ].join("\n") +
      "\n",
    "config.json": JSON.stringify(config),
    "candidate.json": JSON.stringify({
      ...config,
      name: "candidate",
      tiers: { high: 15, medium: 5 },
    }),
  });
  return { dir, purchases: h.purchases };
}

Deno.test("backtest CLI agrees with conversion, lift and AUC recomputed from score's scores.csv", async () => {
  const { dir, purchases } = await writeInputs();
  const common = [
    "--config",
    `${dir}/config.json`,
    "--events",
    `${dir}/events.csv`,
    "--contacts",
    `${dir}/contacts.csv`,
  ];
  const asOf = ["2023-03-01", "2023-04-01", "2023-05-01", "2023-06-01", "2023-07-01"];
  const score = await runCli([
    "score",
    ...common,
    ...asOf.flatMap((t) => ["--as-of", t]),
    "--out",
    `${dir}/scores.csv`,
  ]);
  assertEquals(score.code, 0, score.stderr);
  const bt = await runCli([
    "backtest",
    ...common,
    "--purchases",
    `${dir}/purchases.csv`,
    "--from",
    "2023-03-01",
    "--to",
    "2023-07-01",
    "--horizon-days",
    "30",
    "--out",
    `${dir}/backtest.json`,
    "--report",
    `${dir}/backtest.xlsx`,
    "--charts",
    `${dir}/charts`,
    "--capacity",
    "40,80",
    "--target-rate",
    "0.2",
    "--resamples",
    "30",
    "--lookback-grid",
    "30,60",
    "--half-life-grid",
    "none,20",
    "--candidate",
    `${dir}/candidate.json`,
  ]);
  assertEquals(bt.code, 0, bt.stderr);
  ok(bt.stdout.startsWith("Backtest of 5 period(s)"), bt.stdout);
  assertEquals(bt.stdout.trim().split("\n").length, 1);
  const json: BacktestJson = JSON.parse(await Deno.readTextFile(`${dir}/backtest.json`));
  assertEquals(json.periods.map((p) => p.asOf.slice(0, 10)), asOf);
  const checked = checkAgainstScores(
    json,
    await Deno.readTextFile(`${dir}/scores.csv`),
    purchases,
    30,
  );
  assertEquals(checked.periods, 5);
  assertEquals(json.thresholds!.map((t) => t.method), ["rate", "capacity", "lift"]);
  assertEquals(json.windows!.grid.length, 4);
  assertEquals(json.windows!.outOfTimePeriods.length, 2);
  assertEquals(json.impact!.candidate.name, "candidate");
  assertEquals(json.impact!.periods.length, 5);
  // Same contacts on both sides, so every contact-period is in the tier-change matrix once.
  for (const p of json.impact!.periods) {
    const n = matrixTotal(p.tierChange);
    assertEquals(n, 410);
  }

  const wb = XLSX.read(await Deno.readFile(`${dir}/backtest.xlsx`), { type: "array" });
  // The workbench's report (one definition): charts as pictures after the summary, the
  // config's rules and tiers last.
  assertEquals(wb.SheetNames, [
    "Summary",
    "Charts",
    "Tiers by period",
    "Interest dynamics",
    "Migration",
    "Triggers",
    "Trigger firings",
    "Thresholds",
    "Score to probability",
    "Windows",
    "Impact",
    "Config",
    "Tiers",
  ]);
  // The config name is text that starts a formula: it arrives inert.
  assertEquals(wb.Sheets["Summary"]["B2"].v, '\'=HYPERLINK("http://x")');
  const dynamics = XLSX.utils.sheet_to_json<Record<string, unknown>>(
    wb.Sheets["Interest dynamics"],
  );
  assertEquals(dynamics.length, 410);
  // Per contact: phone and e-mail, then the tier and the score at every period.
  const columns = XLSX.utils.sheet_to_json<string[]>(wb.Sheets["Interest dynamics"], {
    header: 1,
  })[0];
  ok(columns.includes("phone") && columns.includes("email"), columns.join(", "));
  assertEquals(columns.filter((c) => c.startsWith("score ")).length, 5);
  assertEquals(columns.filter((c) => c.startsWith("tier ")).length, 5);
  // The same report as the page's: why each contact has its last score.
  assertEquals(columns.at(-1), "reasons");
  const explained = dynamics.filter((r) => r.reasons);
  ok(explained.length > 0, "some contacts have reasons");
  // Formatted numbers and dates, and four charts as pictures.
  const styled = XLSX.read(await Deno.readFile(`${dir}/backtest.xlsx`), {
    type: "array",
    cellStyles: true,
    cellDates: true,
  });
  const tiers = styled.Sheets["Tiers by period"];
  ok(tiers.A2.v instanceof Date, "as_of is a date cell");
  assertEquals(tiers.A2.z, "yyyy-mm-dd");
  assertEquals(tiers["!autofilter"]?.ref.startsWith("A1:"), true);
  const zip = XLSX.CFB.read(await Deno.readFile(`${dir}/backtest.xlsx`), { type: "array" });
  const media = (zip.FullPaths as string[]).filter((f) => /xl\/media\/image\d+\.png$/.test(f));
  assertEquals(media.length, 4, media.join(", "));
  for (const name of ["tier_sizes.svg", "conversion.svg", "window_grid.svg"]) {
    // The charts folder did not exist: backtest creates it.
    ok(
      (await Deno.readTextFile(`${dir}/charts/${name}`)).includes(
        'xmlns="http://www.w3.org/2000/svg"',
      ),
    );
  }
  const names = [...Deno.readDirSync(dir)].map((e) => e.name);
  ok(!names.some((n) => n.endsWith(".tmp")), names.join(", "));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("backtest CLI refuses bad flags with a clear message and no output", async () => {
  const { dir } = await writeInputs();
  const base = [
    "backtest",
    "--config",
    `${dir}/config.json`,
    "--events",
    `${dir}/events.csv`,
    "--purchases",
    `${dir}/purchases.csv`,
    "--out",
    `${dir}/bt.json`,
  ];
  const noInstants = await runCli([...base, "--horizon-days", "30"]);
  assertEquals(noInstants.code, 2);
  ok(noInstants.stderr.includes("--as-of"), noInstants.stderr);
  const badDate = await runCli([...base, "--horizon-days", "30", "--as-of", "2023-02-30"]);
  assertEquals(badDate.code, 2);
  ok(badDate.stderr.includes('--as-of "2023-02-30"'), badDate.stderr);
  const badHorizon = await runCli([...base, "--horizon-days", "soon", "--as-of", "2023-03-01"]);
  ok(badHorizon.stderr.includes('--horizon-days "soon"'), badHorizon.stderr);
  const missing = await runCli([
    ...base.slice(0, 3),
    "--events",
    `${dir}/nope.csv`,
    "--purchases",
    `${dir}/purchases.csv`,
    "--out",
    `${dir}/bt.json`,
    "--horizon-days",
    "30",
    "--as-of",
    "2023-03-01",
  ]);
  assertEquals(missing.code === 0, false);
  ok(missing.stderr.includes("nope.csv"), missing.stderr);
  ok(!missing.stderr.includes("    at "), missing.stderr);
  const names = [...Deno.readDirSync(dir)].map((e) => e.name);
  ok(!names.includes("bt.json"));
  await Deno.remove(dir, { recursive: true });
});
