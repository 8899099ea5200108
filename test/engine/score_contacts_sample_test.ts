import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { readConfigFile } from "../../src/config/read_config_file.ts";
import type { EventRow } from "../../src/data/types.ts";
import { loadTable } from "../../src/data/mod.ts";
import { scoreContacts } from "../../src/engine/score_contacts.ts";
import { referenceScore } from "./_reference.ts";
import { assertClose } from "./_helpers.ts";

const SAMPLE = new URL("../../data/sample/", import.meta.url).pathname;
const STARTER = new URL("../../data/configs/starter.json", import.meta.url).pathname;
const exists = (() => {
  try {
    return Deno.statSync(`${SAMPLE}events.csv`).isFile;
  } catch {
    return false;
  }
})();
if (!exists) console.log(`skipping the sample-data test: ${SAMPLE}events.csv is absent`);

Deno.test({
  name: "scoreContacts() with the starter config agrees with the plain reading on the sample data",
  ignore: !exists,
  async fn() {
    const { config } = await readConfigFile(STARTER);
    const contacts = (await loadTable("contacts", `${SAMPLE}contacts.csv`)).rows;
    const events = (await loadTable("events", `${SAMPLE}events.csv`)).rows;
    const asOf = [Date.UTC(2024, 6, 1), Date.UTC(2024, 9, 1, 12)];
    const result = scoreContacts(config, { events, contacts }, { asOf });
    assertEquals(result.rows.length, contacts.length * asOf.length);
    const byContact = new Map<string, EventRow[]>();
    for (const e of events) {
      const list = byContact.get(e.contact_id);
      if (list) list.push(e);
      else byContact.set(e.contact_id, [e]);
    }
    const byId = new Map(contacts.map((c) => [c.contact_id, c]));
    // Every 7th contact keeps the check quick while covering every tier.
    const tiers = new Set<string>();
    result.rows.forEach((row, i) => {
      if (i % 7 !== 0) return;
      const ref = referenceScore(
        config,
        byContact.get(row.contactId) ?? [],
        byId.get(row.contactId)!,
        row.contactId,
        row.asOf,
      );
      assertClose(row.score, ref.score, `${row.contactId} score`, 1e-9);
      assertEquals(row.tier, ref.tier);
      assertEquals(row.matchedEvents, ref.matched);
      tiers.add(row.tier);
    });
    assertEquals([...tiers].sort(), ["high", "low", "medium", "unscored"]);
  },
});
