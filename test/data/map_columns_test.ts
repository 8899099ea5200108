import assert from "node:assert/strict";
import { likelyCandidates, LoadError, mapColumns } from "../../src/data/mod.ts";

const CASES: {
  name: string;
  kind: "contacts" | "events" | "purchases" | "verification";
  header: string[];
  expected: Record<string, string>;
}[] = [
  {
    name: "English aliases in any case and spacing",
    kind: "events",
    header: ["Customer ID", "Event Time", "Event_Type", "Page URL"],
    expected: { contact_id: "Customer ID", ts: "Event Time", type: "Event_Type", url: "Page URL" },
  },
  {
    name: "Russian headers",
    kind: "contacts",
    header: ["ID клиента", "Телефон", "Почта", "Пол", "Возраст", "Интересы", "Статус"],
    expected: {
      contact_id: "ID клиента",
      phone: "Телефон",
      email: "Почта",
      gender: "Пол",
      age: "Возраст",
      interests: "Интересы",
      stage: "Статус",
    },
  },
  {
    name: "Polish headers",
    kind: "purchases",
    header: ["id_klienta", "data", "kwota", "kanał"],
    expected: { contact_id: "id_klienta", ts: "data", amount: "kwota", channel: "kanał" },
  },
  {
    name: "the canonical name beats an alias",
    kind: "events",
    header: ["id", "contact_id", "timestamp", "ts", "event"],
    expected: { contact_id: "contact_id", ts: "ts", type: "event" },
  },
  {
    name: "verification by e-mail alone",
    kind: "verification",
    header: ["E-mail"],
    expected: { email: "E-mail" },
  },
];

for (const c of CASES) {
  Deno.test(`mapColumns() maps ${c.name}`, () => {
    assert.deepEqual(mapColumns(c.kind, c.header, "f.csv").names, c.expected);
  });
}

Deno.test("mapColumns() warns when two columns look like the same canonical column", () => {
  const m = mapColumns("events", ["client_id", "timestamp", "Дата", "Событие"], "f.csv");
  assert.equal(m.names.ts, "timestamp");
  assert.deepEqual(m.warnings, [
    'Columns "timestamp", "Дата" all look like "ts"; using "timestamp" (choose with a mapping)',
  ]);
});

Deno.test("mapColumns() joins a date column and a time column into ts", () => {
  const m = mapColumns("events", ["client_id", "Время", "Дата", "Событие"], "f.csv");
  assert.equal(m.index.ts, 2);
  assert.equal(m.timeIndex, 1);
  assert.equal(m.names.ts, "Дата + Время");
  assert.deepEqual(m.warnings, []);
});

Deno.test("mapColumns() lists the file's columns and candidates for a missing column", () => {
  assert.throws(
    () => mapColumns("events", ["user_id", "type", "evnt_time"], "ev.csv"),
    (e: Error) => {
      assert.ok(e instanceof LoadError);
      assert.equal(
        e.message,
        'Cannot load events from "ev.csv": required column "ts" not found. Columns in the file: "user_id", "type", "evnt_time". Likely candidates for "ts": "evnt_time". Map a column explicitly, e.g. --map-events ts=<column>',
      );
      assert.equal(e.column, "ts");
      assert.deepEqual(e.candidates, ["evnt_time"]);
      return true;
    },
  );
});

Deno.test("mapColumns() refuses a verification table without any key column", () => {
  assert.throws(
    () => mapColumns("verification", ["name"], "v.csv"),
    /needs one of the columns "contact_id", "phone", "email"\. Columns in the file: "name"/,
  );
});

Deno.test("mapColumns() refuses a mapping to a non-canonical column", () => {
  assert.throws(
    () => mapColumns("purchases", ["a", "b"], "p.csv", { price: "a" }),
    /mapping names "price", which is not a purchases column/,
  );
});

Deno.test("likelyCandidates() finds typos and longer names", () => {
  assert.deepEqual(likelyCandidates("phone", ["home phone number", "name", "phnoe"]), [
    "phnoe",
    "home phone number",
  ]);
  assert.deepEqual(likelyCandidates("contact_id", ["x", "y"]), []);
});

Deno.test("mapColumns() leaves a campaign's contact-type column alone", () => {
  // The bank-marketing export has "contact" = telephone/cellular, not an id.
  assert.throws(
    () => mapColumns("contacts", ["age", "contact", "y"], "bank.csv"),
    /required column "contact_id" not found.*Likely candidates for "contact_id": "contact".*or number the rows as contacts with --row-ids/,
  );
  assert.deepEqual(mapColumns("contacts", ["age", "contact", "y"], "bank.csv", {}, true).names, {
    age: "age",
  });
});
