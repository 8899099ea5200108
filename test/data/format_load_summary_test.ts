import assert from "node:assert/strict";
import {
  contactsWithoutEvents,
  eventsWithoutContacts,
  formatLoadSummary,
  loadTable,
  rejectsToCsv,
} from "../../src/data/mod.ts";

const enc = new TextEncoder();

Deno.test("formatLoadSummary() gives one line with counts, range, types and duplicates", async () => {
  const bytes = enc.encode(
    "contact_id,ts,type\n1,2024-01-01T00:00:00Z,visit\n1,2024-01-01T00:00:00Z,visit\n2,2024-01-03T12:00:00Z,call\n3,never,call\n",
  );
  const { summary } = await loadTable("events", { name: "ev.csv", bytes });
  assert.equal(
    formatLoadSummary(summary),
    "ev.csv: events 4 read, 3 loaded, 1 rejected; 2024-01-01T00:00:00Z .. 2024-01-03T12:00:00Z; 2 event types (visit 2, call 1); 1 duplicate row; 1 warning",
  );
});

Deno.test("contactsWithoutEvents() and eventsWithoutContacts() compare the id sets", async () => {
  const contacts = await loadTable("contacts", {
    name: "c.csv",
    bytes: enc.encode("contact_id\nb\na\nc\n"),
  });
  const events = await loadTable("events", {
    name: "e.csv",
    bytes: enc.encode("contact_id,ts,type\na,2024-01-01,x\nz,2024-01-01,x\n"),
  });
  assert.deepEqual(contactsWithoutEvents(contacts.summary, events.summary), {
    count: 2,
    sample: ["b", "c"],
  });
  assert.deepEqual(eventsWithoutContacts(contacts.summary, events.summary), {
    count: 1,
    sample: ["z"],
  });
  const bare = await loadTable(
    "contacts",
    { name: "c.csv", bytes: enc.encode("contact_id\na\n") },
    {
      collectContactIds: false,
    },
  );
  assert.throws(() => contactsWithoutEvents(bare.summary, events.summary), TypeError);
});

Deno.test("rejectsToCsv() quotes values and defuses formula-like ones", () => {
  const csv = rejectsToCsv([
    { file: "a.csv", row: 3, column: "url", value: '=HYPERLINK("x")', reason: "Bad, really" },
    { file: "a.csv", row: 4, column: null, value: null, reason: "Row has 1 field" },
  ]);
  assert.equal(
    csv,
    'file,row,column,value,reason\na.csv,3,url,"\'=HYPERLINK(""x"")","Bad, really"\na.csv,4,,,Row has 1 field\n',
  );
});
