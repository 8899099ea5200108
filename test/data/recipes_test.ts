import assert from "node:assert/strict";
import { bankMarketing, cdnow, hillstrom, onlineShoppers } from "../recipes/mod.ts";
import { realDataPresent } from "../_real_data.ts";

const present = await realDataPresent("real-data recipe tests");

Deno.test({
  name: "bankMarketing() gives SOURCE.md's rows, positives and years from row order",
  ignore: !present,
  fn: async () => {
    const { contacts, label } = await bankMarketing();
    assert.equal(label, "y");
    assert.equal(contacts.length, 41_188);
    assert.equal(contacts.filter((c) => c.y === 1).length, 4_640);
    const byYear = new Map<number, number>();
    for (const c of contacts) byYear.set(c.year as number, (byYear.get(c.year as number) ?? 0) + 1);
    // SOURCE.md: 2008 27,690 calls (part 1), 2009 11,440, 2010 2,058.
    assert.deepEqual([...byYear], [[2008, 27_690], [2009, 11_440], [2010, 2_058]]);
    assert.equal(contacts[0].created_at, Date.UTC(2008, 4, 1));
    assert.equal(contacts.at(-1)!.created_at, Date.UTC(2010, 10, 1));
    assert.equal("duration" in contacts[0], false);
    for (let i = 1; i < contacts.length; i++) {
      assert.ok(contacts[i].created_at! >= contacts[i - 1].created_at!);
    }
    const full = await bankMarketing({ variant: "full", keepDuration: true });
    assert.equal(full.contacts.length, 45_211);
    assert.equal(full.contacts.filter((c) => c.y === 1).length, 5_289);
    assert.equal(typeof full.contacts[0].duration, "number");
    assert.equal(full.contacts.at(-1)!.year, 2010);
  },
});

Deno.test({
  name: "onlineShoppers() gives 12,330 sessions with 1,908 purchases",
  ignore: !present,
  fn: async () => {
    const { contacts, label } = await onlineShoppers();
    assert.equal(label, "Revenue");
    assert.equal(contacts.length, 12_330);
    assert.equal(contacts.filter((c) => c.Revenue === 1).length, 1_908);
    assert.equal(contacts.filter((c) => c.VisitorType === "Returning_Visitor").length, 10_551);
    assert.equal(typeof contacts[0].Browser, "string");
    assert.equal(typeof contacts[0].PageValues, "number");
    assert.equal(contacts.filter((c) => c.Month === "Nov").length, 2_998);
  },
});

Deno.test({
  name: "hillstrom() gives 64,000 customers, 578 conversions or 9,394 visits, no other outcome",
  ignore: !present,
  fn: async () => {
    const conv = await hillstrom();
    assert.equal(conv.contacts.length, 64_000);
    assert.equal(conv.contacts.filter((c) => c.conversion === 1).length, 578);
    assert.equal("spend" in conv.contacts[0], false);
    assert.equal("visit" in conv.contacts[0], false);
    const visit = await hillstrom({ label: "visit" });
    assert.equal(visit.contacts.filter((c) => c.visit === 1).length, 9_394);
    assert.equal(conv.contacts.filter((c) => c.segment === "Mens E-Mail").length, 21_307);
  },
});

Deno.test({
  name: "cdnow() gives 69,659 purchases by 23,570 customers, ids with zeros",
  ignore: !present,
  fn: async () => {
    const { contacts, purchases, events } = await cdnow();
    assert.equal(purchases.length, 69_659);
    assert.equal(events.length, 69_659);
    assert.equal(contacts.length, 23_570);
    assert.equal(contacts[0].contact_id, "00001");
    const perCustomer = new Map<string, number>();
    for (const p of purchases) {
      perCustomer.set(p.contact_id, (perCustomer.get(p.contact_id) ?? 0) + 1);
    }
    assert.equal([...perCustomer.values()].filter((n) => n === 1).length, 11_908);
    const ts = purchases.map((p) => p.ts);
    assert.equal(Math.min(...ts), Date.UTC(1997, 0, 1));
    assert.equal(Math.max(...ts), Date.UTC(1998, 5, 30));
    assert.equal(purchases.filter((p) => p.amount === 0).length, 80);
  },
});

Deno.test("recipes refuse a bad option with its value", async () => {
  await assert.rejects(
    () => bankMarketing({ variant: "small" as "full" }),
    /variant must be "additional" or "full", got "small"/,
  );
  await assert.rejects(
    () => hillstrom({ label: "spend" as "visit" }),
    /label must be "conversion" or "visit", got "spend"/,
  );
  await assert.rejects(
    () => onlineShoppers({ dir: "/nonexistent" }),
    /Cannot read "\/nonexistent\/uci_online/,
  );
});
