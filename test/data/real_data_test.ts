/**
 * The loaders on the public datasets in `../shared/data/real/` (skipped, with a message,
 * when the folder is absent). Expected counts come from counting the files' lines here,
 * independently of the CSV reader.
 */
import assert from "node:assert/strict";
import { loadTable } from "../../src/data/mod.ts";
import { REAL_DATA_DIR as REAL } from "../recipes/mod.ts";
import { realDataPresent } from "../_real_data.ts";

const present = await realDataPresent("real-data loader tests", REAL);

function dataLines(path: string): number {
  return Deno.readTextFileSync(path).split("\n").filter((l) => l.trim() !== "").length - 1;
}

Deno.test({
  name: "loadTable() reads the UCI bank-marketing export as contacts numbered by row",
  ignore: !present,
  fn: async () => {
    const path = REAL + "uci_bank_marketing/bank-additional-full.part1of2_2008-05_to_2008-12.csv";
    const { rows, rejects, summary } = await loadTable("contacts", path, { rowIds: true });
    assert.deepEqual(rejects, []);
    assert.equal(rows.length, dataLines(path));
    assert.equal(summary.format, "csv(;)");
    assert.equal(summary.mapping.contact_id, "(row number)");
    // First data line: 56;"housemaid";"married";...;"telephone";...;"no"
    assert.equal(rows[0].contact_id, "2");
    assert.equal(rows[0].age, 56);
    assert.equal(rows[0].job, "housemaid");
    assert.equal(rows[0].contact, "telephone");
    assert.equal(rows[0]["emp.var.rate"], 1.1);
    assert.equal(rows[0].y, "no");
  },
});

Deno.test({
  name: "loadTable() reads the CDNOW purchase log with ids kept as text",
  ignore: !present,
  fn: async () => {
    const path = REAL + "cdnow/cdnow_master.csv";
    const { rows, rejects, summary } = await loadTable("purchases", path, {
      mapping: { amount: "dollar_value" },
    });
    assert.deepEqual(rejects, []);
    assert.equal(rows.length, dataLines(path));
    assert.deepEqual(rows[0], {
      contact_id: "00001",
      ts: Date.UTC(1997, 0, 1),
      amount: 11.77,
      number_of_cds: 1,
    });
    assert.ok(summary.minTs! >= Date.UTC(1997, 0, 1) && summary.maxTs! < Date.UTC(1998, 6, 1));
    assert.equal(summary.contactIds!.size, 23_570);
  },
});

Deno.test({
  name: "loadTable() reads the Hillstrom and online-shoppers tables as contacts",
  ignore: !present,
  fn: async () => {
    for (
      const file of [
        "hillstrom_email/hillstrom.csv",
        "uci_online_shoppers_intention/online_shoppers_intention.csv",
      ]
    ) {
      const path = REAL + file;
      const { rows, rejects } = await loadTable("contacts", path, { rowIds: true });
      assert.deepEqual(rejects, [], file);
      assert.equal(rows.length, dataLines(path), file);
    }
  },
});
