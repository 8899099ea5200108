import assert from "node:assert/strict";
import { excelSerialToMs, parseTimestamp } from "../../src/data/mod.ts";

const utc = Date.UTC;

// Expected instants worked out by hand (offsets applied mentally, serials from 1970-01-01 = 25569).
const CASES: {
  input: string | number;
  options?: Parameters<typeof parseTimestamp>[1];
  expected: number;
}[] = [
  { input: "2024-03-05", expected: utc(2024, 2, 5) },
  { input: "2024-03-05T14:07", expected: utc(2024, 2, 5, 14, 7) },
  { input: "2024-03-05T14:07:09.5Z", expected: utc(2024, 2, 5, 14, 7, 9, 500) },
  { input: "2024-03-05 14:07:09", expected: utc(2024, 2, 5, 14, 7, 9) },
  { input: "2024-03-05T14:07:09+03:00", expected: utc(2024, 2, 5, 11, 7, 9) },
  { input: "2024-03-05T14:07:09-0530", expected: utc(2024, 2, 5, 19, 37, 9) },
  { input: "2024/03/05", expected: utc(2024, 2, 5) },
  { input: "20240305", expected: utc(2024, 2, 5) },
  { input: "05.03.2024", expected: utc(2024, 2, 5) },
  { input: "5.3.2024 9:05", expected: utc(2024, 2, 5, 9, 5) },
  { input: "05/03/2024", expected: utc(2024, 2, 5) },
  { input: "05/03/2024", options: { dateOrder: "mdy" }, expected: utc(2024, 4, 3) },
  { input: "03/25/2024", expected: utc(2024, 2, 25) },
  { input: "12/25/2024 12:30 AM", expected: utc(2024, 11, 25, 0, 30) },
  { input: 1709647629, expected: utc(2024, 2, 5, 14, 7, 9) },
  { input: "1709647629000", expected: utc(2024, 2, 5, 14, 7, 9) },
  { input: 45356, expected: utc(2024, 2, 5) },
  { input: 45356.25, expected: utc(2024, 2, 5, 6) },
  // Wall time in Moscow (UTC+3) and in Warsaw across the DST change on 2024-03-31.
  {
    input: "2024-03-05 14:07",
    options: { timezone: "Europe/Moscow" },
    expected: utc(2024, 2, 5, 11, 7),
  },
  {
    input: "2024-03-30 12:00",
    options: { timezone: "Europe/Warsaw" },
    expected: utc(2024, 2, 30, 11),
  },
  {
    input: "2024-03-31 12:00",
    options: { timezone: "Europe/Warsaw" },
    expected: utc(2024, 2, 31, 10),
  },
  { input: 45356.5, options: { timezone: "Europe/Moscow" }, expected: utc(2024, 2, 5, 9) },
  // An explicit offset wins over the zone.
  {
    input: "2024-03-05T14:07Z",
    options: { timezone: "Europe/Moscow" },
    expected: utc(2024, 2, 5, 14, 7),
  },
];

for (const { input, options, expected } of CASES) {
  Deno.test(`parseTimestamp() reads ${JSON.stringify(input)}${options ? " " + JSON.stringify(options) : ""}`, () => {
    assert.equal(parseTimestamp(input, options), expected);
  });
}

Deno.test("parseTimestamp() throws SyntaxError naming the value", () => {
  assert.throws(() => parseTimestamp("2023-02-29"), {
    name: "SyntaxError",
    message: 'Timestamp "2023-02-29" has day 29, not in 2023-02',
  });
  assert.throws(() => parseTimestamp("2024-13-01"), /has month 13/);
  assert.throws(() => parseTimestamp("2024-01-01T25:00"), /impossible time of day/);
  assert.throws(() => parseTimestamp("13/13/2024"), /no part that can be a month/);
  assert.throws(() => parseTimestamp("soon"), /Cannot read "soon" as a timestamp/);
  assert.throws(
    () => parseTimestamp(20000000),
    /neither an Excel serial date, Unix seconds nor Unix milliseconds/,
  );
  assert.throws(() => parseTimestamp("2024-01-01T00:00+19:00"), /has offset \+19:00/);
});

Deno.test("parseTimestamp() refuses an unknown time zone with RangeError", () => {
  assert.throws(() => parseTimestamp("2024-01-01", { timezone: "Europe/Nowhere" }), {
    name: "RangeError",
    message: 'Unknown time zone "Europe/Nowhere" (expected an IANA name such as "Europe/Moscow")',
  });
});

Deno.test("excelSerialToMs() counts from 1899-12-30", () => {
  assert.equal(excelSerialToMs(25569), 0);
  assert.equal(excelSerialToMs(1), utc(1899, 11, 31));
});
