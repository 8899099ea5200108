/**
 * `loadTable`: one input table (contacts, events, purchases, verification) from CSV/TSV,
 * XLSX/XLS, JSON, NDJSON or Arrow IPC, to canonical rows plus the rows it rejected and a
 * summary. Works in Deno (a path) and in the browser (`{ name, bytes }`).
 */
import { isTableKind, TABLE_KINDS } from "../tables/mod.ts";
import type { LoadOptions, LoadResult, RowTypes, TableKind } from "./types.ts";
import { LoadError } from "./load_error.ts";
import { CsvReader, type CsvRecord, listLines } from "./csv_reader.ts";
import { RowBuilder } from "./_row_builder.ts";
import { checkTimezone } from "./parse_timestamp.ts";
import { MAX_FILE_BYTES } from "./read_spreadsheet.ts";

/**
 * A file by path (Deno only), its bytes with a name for messages, or a `Blob` (a chosen
 * `File`), read a chunk at a time so a CSV is never copied whole.
 */
export type LoadSource = string | { name: string; bytes: Uint8Array } | {
  name: string;
  blob: Blob;
};

/** Input formats `loadTable` recognises. */
export type LoadFormat = "csv" | "xlsx" | "xls" | "json" | "ndjson" | "arrow" | "parquet";

const CHUNK = 1 << 20;
/** Largest JSON or NDJSON file: it is decoded into one string, and V8 strings stop near 512 MiB. */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;

/** Recognises the format from the first bytes, then the file extension. */
export function detectFormat(name: string, head: Uint8Array): LoadFormat {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? "";
  const starts = (...b: number[]) => b.every((x, i) => head[i] === x);
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) return "xlsx";
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return "xls";
  if (starts(0x41, 0x52, 0x52, 0x4f, 0x57, 0x31)) return "arrow";
  if (starts(0xff, 0xff, 0xff, 0xff) && head.length >= 8) return "arrow";
  if (starts(0x50, 0x41, 0x52, 0x31) || ext === "parquet") return "parquet";
  if (ext === "ndjson" || ext === "jsonl") return "ndjson";
  if (ext === "arrow" || ext === "feather" || ext === "arrows" || ext === "ipc") return "arrow";
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (
    i < head.length &&
    (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)
  ) i++;
  // An HTML table or an Excel 2003 XML workbook, often saved under .xls: SheetJS reads both.
  if (head[i] === 0x3c) return "xls";
  if (head[i] === 0x5b && (ext === "json" || ext === "")) return "json";
  if (head[i] === 0x7b) {
    // A .json file starting with an object is told apart (JSON or NDJSON) by its whole
    // content once read (`isNdjson`): its first line may be longer than any head.
    return ext === "json" ? "json" : "ndjson";
  }
  if (ext === "json") return "json";
  return "csv";
}

async function readPathHead(
  path: string,
  file: string,
): Promise<{ handle: Deno.FsFile; size: number }> {
  if (typeof Deno === "undefined") {
    throw new TypeError(
      `Cannot open "${path}": file paths need Deno; pass { name, bytes } in the browser`,
    );
  }
  try {
    const handle = await Deno.open(path, { read: true });
    const stat = await handle.stat();
    if (stat.isDirectory) {
      handle.close();
      throw new LoadError(`Cannot read "${file}": it is a folder, not a file`, { file });
    }
    return { handle, size: stat.size };
  } catch (err) {
    if (err instanceof LoadError) throw err;
    const reason = err instanceof Deno.errors.NotFound
      ? "file not found"
      : err instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : (err as Error).message;
    throw new LoadError(`Cannot read "${file}": ${reason}`, { file, cause: err });
  }
}

async function* fileChunks(handle: Deno.FsFile): AsyncGenerator<Uint8Array> {
  try {
    for (;;) {
      const buf = new Uint8Array(CHUNK);
      const n = await handle.read(buf);
      if (n === null) return;
      yield n === CHUNK ? buf : buf.subarray(0, n);
    }
  } finally {
    handle.close();
  }
}

async function* blobChunks(blob: Blob): AsyncGenerator<Uint8Array> {
  for (let o = 0; o < blob.size; o += CHUNK) {
    yield new Uint8Array(await blob.slice(o, o + CHUNK).arrayBuffer());
  }
}

async function readAll(chunks: AsyncIterable<Uint8Array>, size: number): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  let o = 0;
  const extra: Uint8Array[] = [];
  for await (const c of chunks) {
    if (o + c.length <= size) out.set(c, o), o += c.length;
    else extra.push(c);
  }
  if (!extra.length) return o === size ? out : out.subarray(0, o);
  // The file grew while being read: keep everything.
  const all = new Uint8Array(o + extra.reduce((n, c) => n + c.length, 0));
  all.set(out.subarray(0, o));
  let p = o;
  for (const c of extra) all.set(c, p), p += c.length;
  return all;
}

/**
 * Loads one table. Rows with a problem are rejected (file, row, column, value, reason)
 * and the rest load; a whole-file failure (unreadable, empty, a required column missing,
 * a spreadsheet over the safety limits, Parquet) throws `LoadError`. Bad options throw
 * `RangeError`/`TypeError`.
 */
export async function loadTable<K extends TableKind>(
  kind: K,
  source: LoadSource,
  options: LoadOptions<RowTypes[K]> = {},
): Promise<LoadResult<RowTypes[K]>> {
  const { sheet, timezone = "UTC", defaultCountry = "7", encoding, delimiter, onProgress } =
    options;
  if (!isTableKind(kind)) {
    throw new RangeError(`Unknown table "${kind}" (expected ${TABLE_KINDS.join(", ")})`);
  }
  checkTimezone(timezone);
  if (delimiter !== undefined && delimiter.length !== 1) {
    throw new RangeError(`Delimiter "${delimiter}" must be one character`);
  }
  if (!/^[1-9]\d{0,3}$/.test(defaultCountry)) {
    throw new RangeError(
      `Default country "${defaultCountry}" must be a calling code such as "7" or "48"`,
    );
  }
  if (encoding !== undefined) {
    try {
      new TextDecoder(encoding);
    } catch {
      throw new RangeError(`Unknown encoding "${encoding}" (try "utf-8" or "windows-1251")`);
    }
  }
  const file = typeof source === "string" ? source : source.name;
  let size: number;
  let chunks: AsyncIterable<Uint8Array>;
  let head: Uint8Array;
  if (typeof source === "string") {
    const opened = await readPathHead(source, file);
    size = opened.size;
    const it = fileChunks(opened.handle);
    const first = await it.next();
    head = first.done ? new Uint8Array(0) : first.value;
    chunks = (async function* () {
      if (head.length) yield head;
      yield* it;
    })();
  } else if ("blob" in source) {
    const blob = source.blob;
    size = blob.size;
    const it = blobChunks(blob);
    const first = await it.next();
    head = first.done ? new Uint8Array(0) : first.value;
    chunks = (async function* () {
      if (head.length) yield head;
      yield* it;
    })();
  } else {
    if (!(source.bytes instanceof Uint8Array)) {
      throw new TypeError(`Source "${file}" must have bytes as a Uint8Array`);
    }
    size = source.bytes.length;
    head = source.bytes;
    chunks = (async function* () {
      for (let o = 0; o < source.bytes.length; o += CHUNK) {
        yield source.bytes.subarray(o, o + CHUNK);
      }
    })();
  }
  if (size === 0 || isBlank(head.subarray(0, 4096)) && size <= 4096) {
    await drain(chunks);
    throw new LoadError(`Cannot load ${kind} from "${file}": the file is empty`, { file });
  }
  let format = detectFormat(file, head.subarray(0, 4096));
  if (format === "parquet") {
    await drain(chunks);
    throw new LoadError(
      `Cannot load "${file}": Parquet needs the DuckDB parquet extension, which is unavailable offline. Save the table as CSV or Arrow IPC (.arrow) and load that`,
      { file },
    );
  }
  const warnings: string[] = [];
  if (format === "csv" && /\.(xlsx|xlsm|xls|ods)$/i.test(file)) {
    warnings.push(`"${file}" is named like a spreadsheet but holds text; read as CSV`);
  }
  if (format === "csv") {
    return await loadCsv(kind, file, chunks, size, options, warnings);
  }
  // Formats read whole are sized up before any byte is read.
  const limit = format === "json" || format === "ndjson"
    ? MAX_JSON_BYTES
    : format === "xlsx" || format === "xls"
    ? MAX_FILE_BYTES
    : Infinity;
  if (size > limit) {
    await drain(chunks);
    throw new LoadError(
      `Refused "${file}": ${(size / 1048576).toFixed(0)} MiB is over the ${
        limit / 1048576
      } MiB limit for ${format.toUpperCase()}, which is read whole; save the table as CSV, which is streamed`,
      { file },
    );
  }
  const bytes = await readAll(chunks, size);
  onProgress?.(0.5);
  let header: string[];
  let records;
  let formulas: { where: string; formula: string }[] = [];
  if (format === "xlsx" || format === "xls") {
    const { readSpreadsheet } = await import("./read_spreadsheet.ts");
    const s = await readSpreadsheet(bytes, file, format, sheet, {
      timeoutMs: options.parseTimeoutMs,
      worker: options.spreadsheetWorker,
    });
    header = s.header;
    records = s.records;
    formulas = s.formulas;
    warnings.push(...s.warnings);
    if (header.length === 0) {
      throw new LoadError(`Cannot load ${kind} from "${file}": sheet "${s.sheetName}" is empty`, {
        file,
      });
    }
  } else if (format === "arrow") {
    const { readArrow } = await import("./read_objects.ts");
    ({ header, records } = await readArrow(bytes, file));
  } else {
    const { readJson, readNdjson } = await import("./read_objects.ts");
    const { text, warning } = decodeText(bytes);
    if (warning) warnings.push(warning);
    if (format === "json" && isNdjson(text)) format = "ndjson";
    const read = format === "ndjson" ? readNdjson(text) : readJson(text, file);
    ({ header, records } = read);
    warnings.push(...read.warnings ?? []);
    if (header.length === 0 && records.every((r) => r.error === undefined)) {
      throw new LoadError(`Cannot load ${kind} from "${file}": no row objects in the file`, {
        file,
      });
    }
  }
  const builder = new RowBuilder<RowTypes[K]>(kind, file, header, format, options, warnings);
  for (const f of formulas) builder.noteFormula(f.where, f.formula);
  for (let i = 0; i < records.length; i++) {
    builder.add(records[i]);
    if (onProgress && i % 65_536 === 0) onProgress(0.5 + 0.5 * i / records.length);
  }
  onProgress?.(1);
  return builder.finish();
}

function isBlank(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  }
  return true;
}

async function drain(chunks: AsyncIterable<Uint8Array>): Promise<void> {
  // Closes a path's handle (the generator's finally) without reading the rest.
  const it = chunks[Symbol.asyncIterator]();
  await it.return?.();
}

/**
 * UTF-8 text of a JSON or NDJSON file. A file that is not valid UTF-8 as a whole is
 * decoded line by line: each line that is valid UTF-8 as such, the others as
 * Windows-1251, with a warning naming those lines.
 */
function decodeText(bytes: Uint8Array): { text: string; warning?: string } {
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    // Mixed or legacy encodings: line by line below.
  }
  const cp1251 = new TextDecoder("windows-1251");
  const parts: string[] = [];
  const listed: number[] = [];
  let legacy = 0, line = 0;
  for (let start = 0; start < bytes.length;) {
    let end = bytes.indexOf(0x0a, start);
    end = end === -1 ? bytes.length : end + 1;
    const piece = bytes.subarray(start, end);
    line++;
    try {
      parts.push(utf8.decode(piece));
    } catch {
      parts.push(cp1251.decode(piece));
      if (legacy++ < 10) listed.push(line);
    }
    start = end;
  }
  return {
    text: parts.join(""),
    warning:
      `Mixed encodings: ${legacy} line(s) were not valid UTF-8 and were read as Windows-1251 (${
        listLines(listed, legacy)
      }); the other lines were read as UTF-8`,
  };
}

/**
 * Whether text starting with `{` is NDJSON (one object a line), from its content: its
 * first line is a whole JSON value by itself and another non-blank line follows.
 */
function isNdjson(text: string): boolean {
  const start = text.search(/\S/);
  if (start === -1 || text[start] !== "{") return false;
  const nl = text.indexOf("\n", start);
  if (nl === -1 || text.slice(nl + 1).trim() === "") return false;
  try {
    JSON.parse(text.slice(start, nl));
    return true;
  } catch {
    return false;
  }
}

async function loadCsv<K extends TableKind>(
  kind: K,
  file: string,
  chunks: AsyncIterable<Uint8Array>,
  size: number,
  options: LoadOptions<RowTypes[K]>,
  warnings: string[],
): Promise<LoadResult<RowTypes[K]>> {
  const { encoding, onProgress } = options;
  let { delimiter } = options;
  if (delimiter === undefined && /\.tsv$/i.test(file)) delimiter = "\t";
  let reader: CsvReader;
  try {
    reader = new CsvReader({ encoding, delimiter });
  } catch (err) {
    throw new RangeError((err as Error).message);
  }
  let builder: RowBuilder<RowTypes[K]> | null = null;
  let headerRow = 0;
  let read = 0;
  // Each record goes to the builder as soon as the reader splits it.
  const sink = {
    push(rec: CsvRecord): void {
      if (builder === null) {
        if (rec.fields === null) {
          throw new LoadError(
            `Cannot load ${kind} from "${file}": the header (row ${rec.row}) is unreadable: ${rec.error}`,
            { file },
          );
        }
        if (rec.fields.length === 1 && rec.fields[0].trim() === "") return;
        headerRow = rec.row;
        builder = new RowBuilder<RowTypes[K]>(kind, file, rec.fields, "csv", options, warnings);
        return;
      }
      builder.add({ row: rec.row, cells: rec.fields, error: rec.error });
    },
  };
  try {
    for await (const chunk of chunks) {
      reader.push(chunk, sink);
      read += chunk.length;
      onProgress?.(size ? Math.min(1, read / size) : 1);
    }
    reader.finish(sink);
  } catch (err) {
    if (err instanceof SyntaxError) {
      throw new LoadError(`Cannot read "${file}": ${err.message}`, { file, cause: err });
    }
    throw err;
  }
  if (builder === null) {
    throw new LoadError(`Cannot load ${kind} from "${file}": the file has no header row`, { file });
  }
  const b = builder as RowBuilder<RowTypes[K]>;
  b.summary.warnings.push(...reader.warnings);
  if (headerRow > 1) b.summary.warnings.push(`Header found in row ${headerRow} after blank lines`);
  const result = b.finish();
  if (reader.delimiter && reader.delimiter !== ",") {
    result.summary.format = reader.delimiter === "\t" ? "tsv" : `csv(${reader.delimiter})`;
  }
  return result;
}
