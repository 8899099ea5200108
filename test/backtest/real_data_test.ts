/**
 * Backtests on public real data in `../shared/data/real/` (skipped with a message when the
 * folder is absent; the data is never copied into the project).
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import * as XLSX from "xlsx";
import { toScoringConfig } from "../../src/config/mod.ts";
import { bankMarketing, cdnow, REAL_DATA_DIR } from "../recipes/mod.ts";
import type { EventRow, PurchaseRow } from "../../src/data/types.ts";
import {
  periodInstants,
  replay,
  thresholds,
  thresholdSample,
  toBacktestJson,
} from "../../src/backtest/mod.ts";
import { backtestReportSheets, buildWorkbook } from "../../src/export/mod.ts";
import { realDataPresent } from "../_real_data.ts";
import { matrixTotal } from "./_independent.ts";
import { DAY_MS as DAY } from "../../src/tables/mod.ts";

const CDNOW = `${REAL_DATA_DIR}cdnow/cdnow_master.csv`;
const BANK =
  `${REAL_DATA_DIR}uci_bank_marketing/bank-additional-full.part1of2_2008-05_to_2008-12.csv`;
const cdnowPresent = await realDataPresent("the CDNOW backtest", CDNOW);
const bankPresent = await realDataPresent("the bank marketing backtest", BANK);

Deno.test({
  name: "replay() on CDNOW: recency/frequency tiers separate repeat buyers month after month",
  ignore: !cdnowPresent,
  fn: async () => {
    // Past purchases are the events (type "purchase"): a repeat buyer is recent and frequent.
    const { contacts, purchases, events } = await cdnow();
    assertEquals(purchases.length, 69_659);
    const config = toScoringConfig({
      format: "scorebench.config/v1",
      name: "CDNOW recency/frequency",
      window: { lookbackDays: 365, halfLifeDays: 60 },
      rules: [
        { id: "buy", on: "purchase", points: 10, maxPerDay: 1 },
        { id: "big", on: "purchase", where: { value: { gte: 50 } }, points: 5 },
      ],
      tiers: { high: 12, medium: 4 },
      triggers: [{ id: "hot", reaches: "high" }],
    });
    const asOf = periodInstants(Date.UTC(1997, 3, 30), Date.UTC(1998, 4, 31));
    const result = replay(config, { events, contacts, purchases }, { asOf, horizonDays: 30 });
    const json = toBacktestJson(config, result);
    assertEquals(json.periods.length, 14);
    for (const p of json.periods) {
      assertEquals(p.contacts, 23_570);
      ok(p.auc !== null && p.auc > 0.6, `${p.asOf} AUC ${p.auc}`);
      ok(
        p.tiers.high.lift !== null && p.tiers.high.lift > 2,
        `${p.asOf} lift ${p.tiers.high.lift}`,
      );
      const moved = p.migration ? matrixTotal(p.migration.matrix) : p.contacts;
      assertEquals(moved, p.contacts);
    }
    console.log(
      `CDNOW: mean AUC ${json.summary.meanAuc?.toFixed(3)}, min ${
        json.summary.minAuc?.toFixed(3)
      }, ` +
        `max PSI ${json.summary.maxPsi?.toFixed(3)}, mean coverage ${
          json.summary.meanCoverage?.toFixed(3)
        }; ` +
        `high-tier lift ${json.periods.map((p) => p.tiers.high.lift!.toFixed(1)).join(" ")}`,
    );
    const cuts = thresholds(thresholdSample(result), {
      method: "capacity",
      high: 500,
      medium: 1500,
    }, {
      resamples: 20,
      maxRows: 20_000,
    });
    ok(cuts.cuts.high >= cuts.cuts.medium);
    // A report of every contact takes seconds to write; 2,000 show the same sheets.
    const sheets = backtestReportSheets({ ...json, thresholds: [cuts] }, result, {
      maxContacts: 2_000,
    });
    const wb = XLSX.read(buildWorkbook(sheets), { type: "array" });
    assertEquals(wb.SheetNames, [
      "Summary",
      "Tiers by period",
      "Interest dynamics",
      "Migration",
      "Triggers",
      "Trigger firings",
      "Thresholds",
      "Score to probability",
    ]);
    assertEquals(XLSX.utils.sheet_to_json(wb.Sheets["Interest dynamics"]).length, 2_000);
    const summary = XLSX.utils.sheet_to_json<{ item: string; value: unknown }>(
      wb.Sheets["Summary"],
    );
    ok(summary.some((r) => r.value === "the first 2000 of 23570 contacts by id"));
  },
});

Deno.test({
  name: "replay() on bank marketing: monthly call periods show the drift in conversion and PSI",
  ignore: !bankPresent,
  fn: async () => {
    // One contact per call; the call is an event at its date (the 1st of its month), a
    // subscription (y = 1) a purchase the day after; lookback 1 day keeps each month apart.
    const { contacts } = await bankMarketing();
    const events: EventRow[] = contacts.map((c) => ({
      contact_id: c.contact_id,
      ts: c.created_at as number,
      type: "call",
      poutcome: c.poutcome as string,
      contact: c.contact as string,
      pdays: c.pdays as number,
      campaign: c.campaign as number,
    }));
    const purchases: PurchaseRow[] = contacts.filter((c) => c.y === 1).map((c) => ({
      contact_id: c.contact_id,
      ts: (c.created_at as number) + DAY,
    }));
    const config = toScoringConfig({
      format: "scorebench.config/v1",
      name: "bank calls",
      window: { lookbackDays: 1 },
      rules: [
        { id: "call", on: "call", points: 1 },
        { id: "prev-success", on: "call", where: { poutcome: { eq: "success" } }, points: 30 },
        { id: "cellular", on: "call", where: { contact: { eq: "cellular" } }, points: 10 },
        { id: "recontact", on: "call", where: { pdays: { lt: 999 } }, points: 10 },
        { id: "few-attempts", on: "call", where: { campaign: { lte: 2 } }, points: 5 },
      ],
      tiers: { high: 30, medium: 12 },
    });
    // The instants are the call months, in the order the file has them.
    const months = new Map<number, { calls: number; yes: number }>();
    for (const c of contacts) {
      const m = months.get(c.created_at as number) ?? { calls: 0, yes: 0 };
      m.calls++;
      m.yes += c.y as number;
      months.set(c.created_at as number, m);
    }
    const asOf = [...months.keys()].sort((a, b) => a - b);
    const json = toBacktestJson(
      config,
      replay(config, { events, purchases }, { asOf, horizonDays: 30, keepContacts: false }),
    );
    assertEquals(json.periods.length, 26);
    json.periods.forEach((p, k) => {
      const m = months.get(asOf[k])!;
      assertEquals([p.scored, p.converters], [m.calls, m.yes], p.asOf);
      assertEquals(p.contacts, contacts.length);
    });
    // Drift: the subscription rate of the month's calls climbs from about 3 % to over 40 %,
    // and the 2010 score distributions sit far from May 2008's (PSI above 0.25).
    const rate = (p: (typeof json.periods)[number]) => p.converters / p.scored;
    ok(rate(json.periods[0]) < 0.05, `${rate(json.periods[0])}`);
    const late = json.periods.filter((p) => p.asOf >= "2010");
    ok(late.every((p) => rate(p) > 0.3 && p.psi.first! > 0.25));
    ok(json.summary.meanAuc! > 0.55, `mean AUC ${json.summary.meanAuc}`);
    console.log(
      `Bank marketing: ${json.periods.length} monthly periods, mean AUC ${
        json.summary.meanAuc?.toFixed(3)
      }, ` +
        `max PSI ${json.summary.maxPsi?.toFixed(2)}, subscription rate ${
          rate(json.periods[0]).toFixed(3)
        } -> ` +
        `${rate(json.periods[json.periods.length - 1]).toFixed(3)}`,
    );
  },
});
