/**
 * The SQL against the engine on public real data (`../shared/data/real/`): the CDNOW
 * purchase log as events (many same-day purchases, so ties under maxPerDay are real) and
 * the UCI bank marketing contacts for attribute rules. Skips when the folder is absent.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { existsSync } from "node:fs";
import { toScoringConfig } from "../../src/config/mod.ts";
import type { ContactRow, EventRow } from "../../src/data/types.ts";
import { openDuckDB } from "../../src/db/mod.ts";
import { REAL_DATA_DIR } from "../recipes/mod.ts";
import { compareRows, engineScores, sqlScores } from "./_harness.ts";

const REAL = REAL_DATA_DIR;
const CDNOW = `${REAL}cdnow/cdnow_master.csv`;
const BANK = `${REAL}uci_bank_marketing/bank.csv`;
const exists = existsSync(CDNOW) && existsSync(BANK);
if (!exists) console.log(`Skipping the real-data SQL tests: ${REAL} is absent`);

const opts = { ignore: !exists, sanitizeResources: false, sanitizeOps: false };
const { conn } = exists ? await openDuckDB() : { conn: null };

function cdnowEvents(): EventRow[] {
  const lines = Deno.readTextFileSync(CDNOW).trim().split("\n").slice(1);
  return lines.map((line) => {
    const [id, date, cds, dollars] = line.split(",");
    const ts = Date.UTC(
      Number(date.slice(0, 4)),
      Number(date.slice(4, 6)) - 1,
      Number(date.slice(6)),
    );
    return { contact_id: id, ts, type: "purchase", value: Number(dollars), cds: Number(cds) };
  });
}

function bankContacts(): ContactRow[] {
  const lines = Deno.readTextFileSync(BANK).trim().split("\n");
  const header = lines[0].split(";").map((h) => h.replaceAll('"', ""));
  return lines.slice(1).map((line, i) => {
    const row: ContactRow = { contact_id: String(i + 1).padStart(5, "0") };
    line.split(";").forEach((cell, k) => {
      row[header[k]] = cell.startsWith('"') ? cell.replaceAll('"', "") : Number(cell);
    });
    return row;
  });
}

Deno.test({
  name: "compileToSql() agrees with scoreContacts() on the CDNOW purchase log",
  ...opts,
  fn() {
    const events = cdnowEvents();
    const config = toScoringConfig({
      format: "scorebench.config/v1",
      window: { lookbackDays: 365, halfLifeDays: 90 },
      rules: [
        { id: "big", on: "purchase", where: { value: { gte: 50 } }, points: 10, maxPerDay: 1 },
        { id: "any", on: "purchase", points: 3, maxCount: 5 },
        {
          id: "many-cds",
          on: "purchase",
          where: { cds: { gt: 3 } },
          points: 5,
          scopes: [{ tag: "bulk" }],
        },
        { id: "free", on: "purchase", where: { value: { eq: 0 } }, points: -5 },
      ],
      tiers: { high: 30, medium: 10 },
    });
    const asOf = [Date.UTC(1997, 5, 30), Date.UTC(1997, 11, 31), Date.UTC(1998, 5, 30)];
    const tables = { events };
    const engine = engineScores(config, tables, asOf);
    const { rows } = sqlScores(conn!, config, tables, asOf);
    assertEquals(engine.length, 23_570 * 3);
    assertEquals(compareRows(config, engine, rows).slice(0, 5), []);
  },
});

Deno.test({
  name: "compileToSql() agrees with scoreContacts() on attribute rules over UCI bank contacts",
  ...opts,
  fn() {
    const contacts = bankContacts();
    const config = toScoringConfig({
      format: "scorebench.config/v1",
      attributes: [
        { id: "age", field: "age", where: { between: [25, 44] }, points: 10 },
        { id: "job", field: "job", where: { in: ["management", "technician"] }, points: 8 },
        { id: "housing", field: "housing", where: { eq: "yes" }, points: -4 },
        { id: "rich", field: "balance", where: { gt: 5000 }, points: 12.5 },
        { id: "called", field: "poutcome", where: { neq: "unknown" }, points: 3 },
      ],
      tiers: { high: 25, medium: 12 },
    });
    const asOf = [Date.UTC(2010, 0, 1)];
    const tables = { events: [], contacts };
    const engine = engineScores(config, tables, asOf);
    const { rows } = sqlScores(conn!, config, tables, asOf);
    assertEquals(engine.length, 4_521);
    assertEquals(compareRows(config, engine, rows).slice(0, 5), []);
  },
});
