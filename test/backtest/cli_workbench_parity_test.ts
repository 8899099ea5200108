/**
 * The CLI and the workbench, given the same data and no settings, choose the same cutoffs,
 * fit the same points and tiers, and report the same held-out metrics: both take their
 * defaults from `CALIBRATION_DEFAULTS` and `defaultCutoffs`.
 */
import assert from "node:assert/strict";
import { loadTable } from "../../src/data/mod.ts";
import { calibrateTemporal } from "../../src/calibrate/mod.ts";
import { calibrationOptions, defaultPeriodSettings } from "../../src/backtest/period_settings.ts";
import { dataSpan } from "../../src/tables/mod.ts";
import { runCli } from "../_cli.ts";

const SAMPLE = new URL("../../data/sample/", import.meta.url).pathname;

Deno.test({
  name:
    "calibrate on the command line and in the workbench agree on cutoffs, points, tiers and metrics",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const cli = await runCli([
      "calibrate",
      "--contacts",
      `${SAMPLE}contacts.csv`,
      "--events",
      `${SAMPLE}events.csv`,
      "--purchases",
      `${SAMPLE}purchases.csv`,
      "--out",
      `${dir}/config.json`,
    ]);
    assert.equal(cli.code, 0, cli.stderr);
    const shipped = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));

    const [contacts, events, purchases] = await Promise.all(
      (["contacts", "events", "purchases"] as const).map(async (kind) =>
        (await loadTable(kind, {
          name: `${kind}.csv`,
          bytes: await Deno.readFile(`${SAMPLE}${kind}.csv`),
        })).rows
      ),
    );
    const settings = defaultPeriodSettings(
      dataSpan(events as { ts: number }[], purchases as { ts: number }[]),
    );
    const page = calibrateTemporal(
      // deno-lint-ignore no-explicit-any
      { contacts, events, purchases } as any,
      calibrationOptions(settings),
    );
    const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
    const prov = shipped.provenance;
    assert.deepEqual(
      page.training.cutoffs?.map(iso),
      prov.holdout.trainingCutoffs.map(
        (t: string) => t.slice(0, 10),
      ),
    );
    assert.deepEqual(
      page.holdoutRows.map((r) => iso(r.asOf!)),
      prov.holdout.cutoffs.map((t: string) => t.slice(0, 10)),
    );
    const points = (c: { rules?: { id: string; points: number }[] }) =>
      Object.fromEntries((c.rules ?? []).map((r) => [r.id, r.points]));
    assert.deepEqual(points(page.config), points(shipped));
    assert.deepEqual(page.config.tiers, shipped.tiers);
    const m = prov.metrics.holdout;
    assert.ok(Math.abs(page.holdout!.integer.auc - m.integer.auc) < 1e-12);
    assert.ok(Math.abs(page.holdout!.unrounded.auc - m.unrounded.auc) < 1e-12);
  },
});
