import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { ContactTable } from "../../src/engine/_contact_table.ts";
import { sortedContactOrder } from "../../src/engine/_contact_facts.ts";
import { rng } from "./_helpers.ts";

/** Ids that stress the table and the sort: shared prefixes, lengths around the slot's. */
function makeIds(seed: number, n: number, alphabet: string[]): string[] {
  const r = rng(seed);
  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < n) {
    // Often an earlier id extended or cut, so prefixes and long equal runs are common.
    let id: string;
    if (out.length > 0 && r() < 0.4) {
      const base = out[Math.floor(r() * out.length)];
      id = r() < 0.5
        ? base + alphabet[Math.floor(r() * alphabet.length)]
        : base.slice(0, Math.floor(r() * base.length));
    } else {
      const len = Math.floor(r() * (30));
      id = Array.from({ length: len }, () => alphabet[Math.floor(r() * alphabet.length)]).join("");
    }
    if (id === "" || seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

const ALPHABETS: [string, string[]][] = [
  ["digits", [..."0123456789"]],
  ["two letters", ["a", "b"]],
  ["unicode", ["a", "Z", "é", "\u8000", "\uffff", "\ud83d", "\ude00", "0", ",", "\u0000"]],
];

for (const [name, alphabet] of ALPHABETS) {
  Deno.test(`ContactTable finds every id it was given and no other (${name})`, () => {
    const ids = makeIds(1, 3000, alphabet);
    const table = new ContactTable();
    ids.slice(0, 2000).forEach((id, i) => assertEquals(table.getOrAdd(id), i));
    // Fresh string objects: equal text, not the same string.
    ids.slice(0, 2000).forEach((id, i) => {
      assertEquals(table.get((" " + id).slice(1)), i);
      assertEquals(table.getOrAdd((" " + id).slice(1)), i);
    });
    for (const id of ids.slice(2000)) assertEquals(table.get(id), -1);
    assertEquals(table.size, 2000);
    assertEquals(table.ids, ids.slice(0, 2000));
  });

  Deno.test(`sortedContactOrder() orders ids as < does (${name})`, () => {
    for (const n of [10, 300, 5000]) {
      const ids = makeIds(n, n, alphabet);
      const expected = ids.map((_, i) => i).sort((a, b) =>
        ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0
      );
      assertEquals([...sortedContactOrder(ids)], expected);
      const table = new ContactTable();
      for (const id of ids) table.getOrAdd(id);
      assertEquals([...sortedContactOrder(table.ids, table.units)], expected);
    }
  });
}
