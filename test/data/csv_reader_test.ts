import assert from "node:assert/strict";
import { CsvReader, parseCsv, sniffDelimiter } from "../../src/data/mod.ts";

function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

function readInChunks(bytes: Uint8Array, sizes: () => number) {
  const reader = new CsvReader();
  const out = [];
  for (let o = 0; o < bytes.length;) {
    const n = Math.max(1, Math.floor(sizes()));
    out.push(...reader.push(bytes.subarray(o, o + n)));
    o += n;
  }
  out.push(...reader.finish());
  return { records: out, reader };
}

Deno.test("parseCsv() splits quoted fields with delimiters, newlines and doubled quotes", () => {
  const records = parseCsv('a,b,c\n1,"x,y","say ""hi"""\r\n2,"multi\nline",\n');
  assert.deepEqual(records, [
    { row: 1, fields: ["a", "b", "c"] },
    { row: 2, fields: ["1", "x,y", 'say "hi"'] },
    { row: 3, fields: ["2", "multi\nline", ""] },
  ]);
});

Deno.test("parseCsv() reads a last line without a newline", () => {
  assert.deepEqual(parseCsv("a;b\n1;2").map((r) => r.fields), [["a", "b"], ["1", "2"]]);
});

Deno.test("sniffDelimiter() picks the consistent delimiter", () => {
  assert.equal(sniffDelimiter("a;b;c\n1;2,5;3\n4;5;6\n"), ";");
  assert.equal(sniffDelimiter("a\tb\n1\t2\n"), "\t");
  assert.equal(sniffDelimiter("a|b|c\n1|x, y|3\n"), "|");
  assert.equal(sniffDelimiter('a,b\n"1;2",3\n'), ",");
  assert.equal(sniffDelimiter("single\nvalue\n"), ",");
});

Deno.test("CsvReader gives the same records whatever the chunk boundaries", () => {
  const rnd = seeded(7);
  const words = ["plain", "with,comma", 'with "quote"', "multi\nline", "кириллица", "łódź", ""];
  const rows: string[][] = [["id", "a", "b"]];
  for (let i = 0; i < 300; i++) {
    rows.push([
      String(i),
      words[Math.floor(rnd() * words.length)],
      words[Math.floor(rnd() * words.length)],
    ]);
  }
  const quote = (s: string) => /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  const text = rows.map((r) => r.map(quote).join(",")).join("\r\n") + "\r\n";
  const bytes = new TextEncoder().encode(text);
  const expected = rows.map((fields, i) => ({ row: i + 1, fields }));
  for (const size of [1, 2, 3, 7, 64, 4096]) {
    assert.deepEqual(readInChunks(bytes, () => size).records, expected, `chunks of ${size}`);
  }
  assert.deepEqual(readInChunks(bytes, () => 1 + rnd() * 50).records, expected, "random chunks");
});

Deno.test("CsvReader push() and finish() hand records to a sink as they are split", () => {
  const text = 'id,a\n1,x\n2,"y\nz"\n3,w';
  const bytes = new TextEncoder().encode(text);
  for (const size of [1, 3, 5, 64]) {
    const reader = new CsvReader();
    const sink: unknown[] = [];
    for (let o = 0; o < bytes.length; o += size) {
      assert.equal(reader.push(bytes.subarray(o, o + size), sink), sink);
    }
    assert.equal(reader.finish(sink), sink);
    assert.deepEqual(sink, parseCsv(text), `chunks of ${size}`);
  }
});

Deno.test("CsvReader reads Windows-1251 lines split across chunks", () => {
  const cp1251 = new Uint8Array([0x69, 0x64, 0x0a, 0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x0a]); // id\nПривет\n
  const { records, reader } = readInChunks(cp1251, () => 3);
  assert.deepEqual(records.map((r) => r.fields), [["id"], ["Привет"]]);
  assert.equal(reader.encodingUsed, "windows-1251");
});

Deno.test("CsvReader keeps UTF-8 characters split across chunks", () => {
  const bytes = new TextEncoder().encode("id\nżółć\n");
  const { records, reader } = readInChunks(bytes, () => 1);
  assert.deepEqual(records.map((r) => r.fields), [["id"], ["żółć"]]);
  assert.equal(reader.encodingUsed, "utf-8");
  assert.deepEqual(reader.warnings, []);
});

Deno.test("CsvReader rejects an unterminated quote and resumes on the next line", () => {
  const records = parseCsv('a,b\n1,"open\n2,ok\n3,ok\n');
  assert.deepEqual(records[1], {
    row: 2,
    fields: null,
    error: 'Unterminated quoted field (a stray " with no closing quote)',
  });
  assert.deepEqual(records.slice(2).map((r) => r.fields), [["2", "ok"], ["3", "ok"]]);
});

Deno.test("CsvReader gives up on a quote open past maxRecordChars", () => {
  const reader = new CsvReader({ maxRecordChars: 100 });
  const enc = new TextEncoder();
  const out = [...reader.push(enc.encode('a,b\n1,"' + "x\n".repeat(80)))];
  out.push(...reader.push(enc.encode("2,ok\n")), ...reader.finish());
  assert.equal(out[1].error, 'Unterminated quoted field (a stray " with no closing quote)');
  assert.deepEqual(out.at(-1)!.fields, ["2", "ok"]);
});

Deno.test("CsvReader refuses UTF-16 with SyntaxError", () => {
  const reader = new CsvReader();
  assert.throws(() => reader.push(new Uint8Array([0xff, 0xfe, 0x61, 0x00, 0x0a, 0x00])), {
    name: "SyntaxError",
    message: "The file is UTF-16; save it as UTF-8 CSV",
  });
  // A UTF-8 BOM is skipped, not refused.
  assert.deepEqual(parseCsv("\ufeffa\n1\n").map((r) => r.fields), [["a"], ["1"]]);
});

Deno.test("parseCsv() recovers from a stray quote the same way with LF, CRLF and CR line ends", () => {
  const lines = ["id,ts", "1,a", '2,"b', "3,c", "4,d", "5,e"];
  for (const eol of ["\n", "\r\n", "\r"]) {
    const recs = parseCsv(lines.join(eol) + eol);
    const rows = recs.map((r) => [r.row, r.fields?.[0] ?? null]);
    // Issue 15: with CR ends rows 4-6 were lost after the broken record.
    if (
      JSON.stringify(rows) !==
        JSON.stringify([[1, "id"], [2, "1"], [3, null], [4, "3"], [5, "4"], [6, "5"]])
    ) {
      throw new Error(`${JSON.stringify(eol)}: ${JSON.stringify(rows)}`);
    }
  }
});
