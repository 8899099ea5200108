import assert from "node:assert/strict";
import * as XLSX from "xlsx";
import { evaluateScores, sigmoid } from "../../src/calibrate/mod.ts";
import { exists } from "../recipes/mod.ts";
import { seededRng } from "../../src/metrics/mod.ts";
import { runCli, withTempDir, writeFiles } from "../_cli.ts";
import { CUTOFFS, DAY, syntheticTemporal } from "./_synthetic.ts";

/** Seeded leads: lead_source and age drive `won`; created_at spreads over 2024. */
function leadsCsv(
  n: number,
): { text: string; rows: { id: string; created: number; won: number }[] } {
  const rng = seededRng(11);
  const effect: Record<string, number> = { Google: 0, Yandex: 0.4, Referral: 1.1, Direct: -0.6 };
  const lines = ["contact_id,lead_source,age,created_at,won"];
  const rows = [];
  for (let i = 0; i < n; i++) {
    const source = Object.keys(effect)[Math.floor(rng() * 4)];
    const age = 18 + Math.floor(rng() * 50);
    const created = Date.UTC(2024, 0, 1) + Math.floor(rng() * 360) * 86_400_000;
    const won = rng() < sigmoid(-2 + effect[source] + (age >= 30 && age < 45 ? 0.7 : 0)) ? 1 : 0;
    const id = `0${i}`;
    lines.push(`${id},${source},${age},${new Date(created).toISOString()},${won}`);
    rows.push({ id, created, won });
  }
  return { text: lines.join("\n") + "\n", rows };
}

Deno.test("calibrate CLI writes a config whose `score` output reproduces its hold-out metrics", async () => {
  await withTempDir(async (dir) => {
    const { text, rows } = leadsCsv(3000);
    await Deno.writeTextFile(`${dir}/leads.csv`, text);
    const cal = await runCli([
      "calibrate",
      "--contacts",
      `${dir}/leads.csv`,
      "--label",
      "won",
      "--holdout-after",
      "2024-10-01",
      // Ship the evaluated fit, with one coefficient per column, so `score` reproduces it.
      "--encoding",
      "woe",
      "--no-refit",
      "--out",
      `${dir}/config.json`,
      "--report",
      `${dir}/report.xlsx`,
    ]);
    assert.equal(cal.code, 0, cal.stderr);
    assert.match(
      cal.stdout,
      /^Wrote .*config\.json and .*report\.xlsx: snapshot fit of 2 features/,
    );
    const config = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));
    const prov = config.provenance;
    assert.equal(prov.inputs[0].rowsLoaded, 3000);
    assert.match(prov.inputs[0].sha256, /^[0-9a-f]{64}$/);
    assert.equal(prov.holdout.kind, "out-of-time");
    // Out of time: time-ordered folds, chosen by the one-standard-error rule.
    assert.equal(prov.selection.rule, "one-se");
    assert.match(
      cal.stdout,
      /woe coding, L2 [\d.]+ \(cross-validation, \d time folds, fewest parameters within one standard error\)/,
    );

    const sc = await runCli([
      "score",
      "--config",
      `${dir}/config.json`,
      "--contacts",
      `${dir}/leads.csv`,
      "--as-of",
      "2025-01-01",
      "--out",
      `${dir}/scores.csv`,
    ]);
    assert.equal(sc.code, 0, sc.stderr);
    const [header, ...lines] = (await Deno.readTextFile(`${dir}/scores.csv`)).trim().split("\n");
    const cols = header.split(",");
    const score = new Map(lines.map((l) => {
      const v = l.split(",");
      return [v[cols.indexOf("contact_id")], Number(v[cols.indexOf("score")])];
    }));
    // Hold-out rows in file order, as the calibration read them.
    const held = rows.filter((r) => r.created > Date.UTC(2024, 9, 1));
    const s = held.map((r) => score.get(r.id)!);
    const map = prov.scale.scoreToProbability;
    const e = evaluateScores(
      s,
      s.map((x) => sigmoid(map.atZero + map.perPoint * x)),
      held.map((r) => r.won),
    );
    assert.deepEqual(JSON.parse(JSON.stringify(e)), prov.metrics.holdout.integer);
    assert.ok(
      Math.abs(prov.metrics.holdout.integer.auc - prov.metrics.holdout.unrounded.auc) <= 0.005,
    );

    const wb = XLSX.read(await Deno.readFile(`${dir}/report.xlsx`));
    assert.deepEqual(wb.SheetNames, [
      "summary",
      "factors",
      "coefficients and points",
      "metrics",
      "gains",
      "calibration",
    ]);
  });
});

Deno.test("calibrate CLI refuses unclear input with a message and status 2", async () => {
  await withTempDir(async (dir) => {
    const never = `${dir}/never.json`;
    const none = await runCli(["calibrate", "--contacts", "x.csv", "--out", never]);
    assert.equal(none.code, 2);
    assert.match(
      none.stderr,
      /Give --label COLUMN \(snapshot calibration\) or --events and --purchases/,
    );
    const both = await runCli([
      "calibrate",
      "--contacts",
      "x.csv",
      "--label",
      "y",
      "--holdout-fraction",
      "0.2",
      "--holdout-after",
      "2024-01-01",
      "--out",
      never,
    ]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /not both/);
    const frac = await runCli([
      "calibrate",
      "--contacts",
      "x.csv",
      "--label",
      "y",
      "--holdout-fraction",
      "1.5",
      "--out",
      never,
    ]);
    assert.match(frac.stderr, /--holdout-fraction: "1.5" is not a share between 0 and 1/);
    assert.equal(await exists(never), false);
    await Deno.writeTextFile(
      `${dir}/leads.csv`,
      "contact_id,source,won\n001,a,1\n002,b,maybe\n003,a,0\n",
    );
    const bad = await runCli([
      "calibrate",
      "--contacts",
      `${dir}/leads.csv`,
      "--label",
      "won",
      "--out",
      `${dir}/c.json`,
    ]);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /leads\.csv: Cannot read label column "won" of contact "002": "maybe" is not 0\/1/,
    );
    assert.doesNotMatch(bad.stderr, / {4}at /);
    assert.equal(await exists(`${dir}/c.json`), false);
  });
});

Deno.test("calibrate CLI over time: per-tag rules, and `score` at the held-out cutoff reproduces the metrics", async () => {
  await withTempDir(async (dir) => {
    const { contacts, events, purchases } = syntheticTemporal(800, 21);
    const iso = (t: number) => new Date(t).toISOString().replace(".000Z", "Z");
    await writeFiles(dir, {
      "contacts.csv": [
        "contact_id,created_at",
        ...contacts.map((c) => `${c.contact_id},${iso(c.created_at!)}`),
      ].join("\n"),
      "events.csv": [
        "contact_id,ts,type,url,email_id",
        ...events.map((e) =>
          `${e.contact_id},${iso(e.ts)},${e.type},${e.url ?? ""},${e.email_id ?? ""}`
        ),
      ].join("\n"),
      "purchases.csv": [
        "contact_id,ts,tag",
        ...purchases.map((p) => `${p.contact_id},${iso(p.ts)},${p.tag}`),
      ].join("\n"),
    });
    const asOf = CUTOFFS.flatMap((t) => ["--as-of", iso(t)]);
    const cal = await runCli([
      "calibrate",
      "--contacts",
      `${dir}/contacts.csv`,
      "--events",
      `${dir}/events.csv`,
      "--purchases",
      `${dir}/purchases.csv`,
      ...asOf,
      "--per-tag",
      // Ship the evaluated fit so `score` at the held-out cutoff reproduces its metrics.
      "--no-refit",
      "--out",
      `${dir}/config.json`,
      "--report",
      `${dir}/report.xlsx`,
    ]);
    assert.equal(cal.code, 0, cal.stderr);
    const config = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));
    const prov = config.provenance;
    assert.equal(prov.method, "temporal");
    assert.deepEqual(prov.holdout.cutoffs, [iso(CUTOFFS[3])]);
    // Training cutoffs whose 30-day horizon reaches the held-out one are not used.
    assert.deepEqual(prov.holdout.trainingCutoffs, CUTOFFS.slice(0, 3).map(iso));
    assert.deepEqual(prov.inputs.map((x: { kind: string }) => x.kind), [
      "contacts",
      "events",
      "purchases",
    ]);
    const tagged = config.rules.filter((r: { scopes?: unknown }) => r.scopes);
    assert.ok(
      tagged.some((r: { id: string }) => r.id.startsWith("a-")) &&
        tagged.some((r: { id: string }) => r.id.startsWith("b-")),
    );

    const t = CUTOFFS[3];
    const sc = await runCli([
      "score",
      "--config",
      `${dir}/config.json`,
      "--events",
      `${dir}/events.csv`,
      "--contacts",
      `${dir}/contacts.csv`,
      "--as-of",
      iso(t),
      "--out",
      `${dir}/scores.csv`,
    ]);
    assert.equal(sc.code, 0, sc.stderr);
    const [header, ...lines] = (await Deno.readTextFile(`${dir}/scores.csv`)).trim().split("\n");
    const cols = header.split(",");
    assert.ok(cols.includes("tag:a") && cols.includes("tag:b"), header);
    const score = new Map(lines.map((l) => {
      const v = l.split(",");
      return [v[cols.indexOf("contact_id")], Number(v[cols.indexOf("score")])];
    }));
    const bought = new Set(
      purchases.filter((p) => p.ts > t && p.ts <= t + 30 * DAY).map((p) => p.contact_id),
    );
    const ids = contacts.map((c) => c.contact_id).sort();
    const s = ids.map((id) => score.get(id)!);
    const map = prov.scale.scoreToProbability;
    const e = evaluateScores(
      s,
      s.map((x) => sigmoid(map.atZero + map.perPoint * x)),
      ids.map((id) => (bought.has(id) ? 1 : 0)),
    );
    assert.deepEqual(JSON.parse(JSON.stringify(e)), prov.metrics.holdout.integer);
  });
});

Deno.test("calibrate CLI with --holdout-fraction 0 fits every row and reports the cross-validation", async () => {
  await withTempDir(async (dir) => {
    const { text } = leadsCsv(2000);
    await Deno.writeTextFile(`${dir}/leads.csv`, text);
    const cal = await runCli([
      "calibrate",
      "--contacts",
      `${dir}/leads.csv`,
      "--label",
      "won",
      "--holdout-fraction",
      "0",
      "--out",
      `${dir}/config.json`,
    ]);
    assert.equal(cal.code, 0, cal.stderr);
    assert.match(cal.stdout, /on 2000 rows .*no hold-out \(cross-validation is the evidence\)/);
    assert.match(
      cal.stdout,
      /(dummy|linear|woe) coding, L2 [\d.]+ \(cross-validation, 5 random folds\)/,
    );
    const prov = JSON.parse(await Deno.readTextFile(`${dir}/config.json`)).provenance;
    assert.equal(prov.holdout, null);
    assert.equal(prov.metrics, null);
    assert.equal(prov.evidenceFrom, "cross-validation");
    assert.equal(prov.training.rows, 2000);
    assert.equal(prov.selection.curve.length, 24);
    assert.equal(prov.model.rows, 2000);
  });
});

Deno.test("calibrate CLI takes categorical codes, a fixed encoding and penalty, and rolls over months", async () => {
  await withTempDir(async (dir) => {
    const { text } = leadsCsv(3000);
    // A region code column: numbers that are names, not amounts.
    const lines = text.trim().split("\n").map((l, i) =>
      i === 0 ? `${l},region` : `${l},${[7, 21, 40][i % 3]}`
    );
    await Deno.writeTextFile(`${dir}/leads.csv`, lines.join("\n") + "\n");
    const cal = await runCli([
      "calibrate",
      "--contacts",
      `${dir}/leads.csv`,
      "--label",
      "won",
      "--categorical",
      "region",
      "--min-iv",
      "0",
      "--encoding",
      "dummy",
      "--l2",
      "3",
      "--holdout-after",
      "2024-10-01",
      "--rolling",
      "--out",
      `${dir}/config.json`,
    ]);
    assert.equal(cal.code, 0, cal.stderr);
    const config = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));
    const prov = config.provenance;
    assert.deepEqual(
      [prov.selection.encoding, prov.selection.l2, prov.selection.by],
      ["dummy", 3, "given"],
    );
    assert.deepEqual(prov.settings.categorical, ["region"]);
    const regions = config.attributes.filter((a: { field: string }) => a.field === "region");
    for (const r of regions) assert.equal(typeof r.where.eq, "number");
    assert.ok(prov.refit.rows === 3000 && prov.training.rows < 3000);
    assert.ok(prov.metrics.holdout.baseline.auc > 0.5);
    // Periods: the rest of October 2024 after the hold-out instant, then November and December.
    assert.deepEqual(prov.rolling.periods.map((p: { start: string }) => p.start.slice(0, 10)), [
      "2024-10-01",
      "2024-11-01",
      "2024-12-01",
    ]);
    for (const p of prov.rolling.periods) assert.ok(p.staticAuc > 0.5 && p.rollingAuc > 0.5);
    assert.match(
      cal.stdout,
      /Rolling: mean period AUC 0\.\d+ static, 0\.\d+ refitted before each of 3/,
    );
  });
});

Deno.test("calibrate CLI over time chooses the window from a grid and rolls over cutoffs", async () => {
  await withTempDir(async (dir) => {
    const { contacts, events, purchases } = syntheticTemporal(600, 5);
    const iso = (t: number) => new Date(t).toISOString().replace(".000Z", "Z");
    await writeFiles(dir, {
      "contacts.csv": [
        "contact_id,created_at",
        ...contacts.map((c) => `${c.contact_id},${iso(c.created_at!)}`),
      ].join("\n"),
      "events.csv": [
        "contact_id,ts,type,url,email_id",
        ...events.map((e) =>
          `${e.contact_id},${iso(e.ts)},${e.type},${e.url ?? ""},${e.email_id ?? ""}`
        ),
      ].join("\n"),
      "purchases.csv": [
        "contact_id,ts",
        ...purchases.map((p) => `${p.contact_id},${iso(p.ts)}`),
      ].join("\n"),
    });
    const cal = await runCli([
      "calibrate",
      "--contacts",
      `${dir}/contacts.csv`,
      "--events",
      `${dir}/events.csv`,
      "--purchases",
      `${dir}/purchases.csv`,
      ...CUTOFFS.flatMap((t) => ["--as-of", iso(t)]),
      "--lookback-grid",
      "20,90",
      "--half-life-grid",
      "none",
      "--holdout-after",
      iso(CUTOFFS[1]),
      "--rolling",
      "--out",
      `${dir}/config.json`,
    ]);
    assert.equal(cal.code, 0, cal.stderr);
    const config = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));
    assert.deepEqual(config.window, { lookbackDays: 90 });
    assert.equal(config.provenance.selection.window.lookbackDays, 90);
    assert.equal(config.provenance.selection.window.grid.length, 2);
    assert.deepEqual(
      config.provenance.rolling.periods.map((p: { start: string }) => p.start),
      CUTOFFS.slice(2).map(iso),
    );
    assert.match(cal.stdout, /window 90 d/);
  });
});

Deno.test("calibrate CLI refuses the new flags' bad values with status 2", async () => {
  const never = "never.json";
  for (
    const [args, message] of [
      [
        ["--label", "y", "--encoding", "onehot"],
        /--encoding: "onehot" is not auto, dummy, steps, linear or woe/,
      ],
      [["--label", "y", "--l2", "much"], /--l2: "much" is not a number >= 0 or "cv"/],
      [["--label", "y", "--l2-grid", "1,x"], /--l2-grid: "x" is not a number >= 0/],
      [
        ["--label", "y", "--rolling-months", "3"],
        /--rolling-months and --anchor-only go with --rolling/,
      ],
      [["--label", "y", "--lookback-grid", "30"], /are for temporal calibration/],
      [
        ["--events", "e.csv", "--purchases", "p.csv", "--categorical", "x"],
        /--categorical and --encoding are for snapshot calibration/,
      ],
      [
        ["--events", "e.csv", "--purchases", "p.csv", "--lookback-grid", "30,0"],
        /--lookback-grid: "0" is not a positive number of days/,
      ],
      [["--label", "y", "--rolling"], /--rolling needs --holdout-after/],
    ] as const
  ) {
    const r = await runCli(["calibrate", "--contacts", "x.csv", ...args, "--out", never]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});
