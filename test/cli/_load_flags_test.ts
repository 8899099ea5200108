import assert from "node:assert/strict";
import { parseFlags, UsageError } from "../../src/cli/_args.ts";
import { LOAD_FLAGS, loadFromFlags, parseMapping, rejectsFile } from "../../src/cli/_load_flags.ts";
import { writeOutputs } from "../../src/cli/_io.ts";
import { LoadError } from "../../src/data/mod.ts";

const DATA = new URL("../testdata/", import.meta.url).pathname;

Deno.test("parseMapping() reads canonical=column pairs from repeated flags", () => {
  assert.deepEqual(parseMapping("events", ["contact_id=Client ID,ts=Дата", "type = Event"]), {
    contact_id: "Client ID",
    ts: "Дата",
    type: "Event",
  });
  assert.deepEqual(parseMapping("events", undefined), {});
});

Deno.test("parseMapping() names the flag for a bad pair or an unknown column", () => {
  assert.throws(
    () => parseMapping("events", ["contact_id"]),
    (e: Error) =>
      e instanceof UsageError &&
      e.message.startsWith('--map-events: "contact_id" is not canonical=column'),
  );
  assert.throws(
    () => parseMapping("purchases", ["price=Cena"]),
    (e: Error) =>
      e instanceof UsageError &&
      e.message.startsWith('--map-purchases: "price" is not a purchases column'),
  );
});

Deno.test("loadFromFlags() loads with the shared flags and keeps rejects of every file for --rejects", async () => {
  const dir = await Deno.makeTempDir();
  const rejects = `${dir}/rejects.csv`;
  const flags = parseFlags("test", "t", { ...LOAD_FLAGS }, [
    "--default-country",
    "48",
    "--rejects",
    rejects,
    "--map-contacts",
    "contact_id=id_klienta",
  ])!;
  const errors: string[] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => errors.push(a.join(" "));
  try {
    const contacts = await loadFromFlags("contacts", DATA + "polish_headers.csv", flags);
    assert.deepEqual(contacts.rows.map((r) => r.phone), ["48501234567", "48601000111"]);
    const seen: string[] = [];
    const events = await loadFromFlags("events", DATA + "bad_dates.csv", flags, {
      onRow: (r) => seen.push(r.contact_id),
    });
    assert.deepEqual(events.rows, []);
    assert.deepEqual(seen, ["4"]);
  } finally {
    console.error = original;
  }
  assert.match(errors[0], /polish_headers\.csv: contacts 2 read, 2 loaded, 0 rejected/);
  assert.ok(errors.some((e) => /bad_dates\.csv: events 5 read, 1 loaded, 4 rejected/.test(e)));
  // Nothing is written until the command writes all its outputs together.
  assert.deepEqual([...Deno.readDirSync(dir)], []);
  await writeOutputs(rejectsFile(flags));
  const csv = (await Deno.readTextFile(rejects)).trim().split("\n");
  assert.equal(csv.length, 5);
  assert.equal(csv[0], "file,row,column,value,reason");
  assert.equal(
    csv[1],
    `${DATA}bad_dates.csv,2,ts,2024-02-30,"Timestamp ""2024-02-30"" has day 30, not in 2024-02"`,
  );
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["rejects.csv"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadFromFlags() turns a bad time zone into a UsageError and keeps LoadError", async () => {
  const bad = parseFlags("test", "t", { ...LOAD_FLAGS }, ["--timezone", "Mars/Base"])!;
  await assert.rejects(loadFromFlags("events", DATA + "comma_basic.csv", bad), UsageError);
  const ok = parseFlags("test", "t", { ...LOAD_FLAGS }, [])!;
  await assert.rejects(loadFromFlags("events", DATA + "empty.csv", ok), LoadError);
});
