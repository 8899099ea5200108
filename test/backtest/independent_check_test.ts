/**
 * Acceptance: every period's tier conversion, lift and AUC of `backtest.json` recomputed
 * independently from `scores.csv` (the engine's file) and the purchases, with code of its own.
 */
import { ok, throws } from "node:assert/strict";
import { toScoringConfig } from "../../src/config/mod.ts";
import type { ContactRow } from "../../src/data/types.ts";
import { formatScoresCsv, scoreContacts } from "../../src/engine/mod.ts";
import { replay, toBacktestJson } from "../../src/backtest/mod.ts";
import { syntheticContactId, syntheticHistory } from "../../src/backtest/_synthetic_history.ts";
import { checkAgainstScores } from "./_independent.ts";
import { DAY_MS as DAY } from "../../src/tables/mod.ts";

Deno.test("replay() agrees with tier conversion, lift and AUC recomputed from scores.csv", () => {
  const from = Date.UTC(2023, 0, 1);
  const h = syntheticHistory({
    contacts: 600,
    eventsPerContact: 9,
    from,
    to: from + 300 * DAY,
    seed: 11,
  });
  const purchases = h.purchases;
  // A few contacts without any event stay unscored; they are in the contacts table.
  const contacts: ContactRow[] = Array.from({ length: 620 }, (_, i) => ({
    contact_id: syntheticContactId(i),
  }));
  const config = toScoringConfig({
    format: "scorebench.config/v1",
    window: { lookbackDays: 60, halfLifeDays: 21 },
    rules: [
      { id: "pricing", on: "page_view", where: { url: { glob: "*/pricing*" } }, points: 7 },
      { id: "view", on: "page_view", points: 1, maxPerDay: 2 },
      { id: "click", on: "email_click", points: 4, maxCount: 3 },
      { id: "form", on: "form_submit", points: 12 },
    ],
    tiers: { high: 25, medium: 9 },
  });
  const asOf = [60, 90, 120, 150, 180, 210, 240].map((d) => from + d * DAY);
  const horizonDays = 30;
  const json = toBacktestJson(
    config,
    replay(config, { events: h.events, contacts, purchases }, { asOf, horizonDays }),
  );
  const scoresCsv = formatScoresCsv(
    scoreContacts(config, { events: h.events, contacts }, { asOf }),
  );
  const checked = checkAgainstScores(json, scoresCsv, purchases, horizonDays);
  ok(checked.periods === 7 && checked.values > 7 * 12, `checked ${JSON.stringify(checked)}`);
  // The check can fail: a nudged lift or a different horizon is caught.
  const tampered = structuredClone(json);
  tampered.periods[3].tiers.medium.lift! *= 1.000001;
  throws(() => checkAgainstScores(tampered, scoresCsv, purchases, horizonDays), /medium lift/);
  throws(() => checkAgainstScores(json, scoresCsv, purchases, horizonDays + 1), /conversion rate/);
});
