/**
 * A streaming CSV/TSV reader over chunks of bytes: delimiter sniffing (`,` `;` tab `|`),
 * quoted fields with newlines and doubled quotes, BOM, CRLF, and per-line encoding
 * fallback (a line that is not valid UTF-8 is read as Windows-1251, with a warning).
 *
 * Record boundaries are found on bytes (`\n` is the same byte in UTF-8 and 1251), whole
 * blocks of lines are decoded at once, and fields are sliced from the decoded text, so
 * no per-character string building happens on the hot path.
 */

/** One physical record. `row` is 1-based; the header is row 1. */
export interface CsvRecord {
  /** Row number in the file, 1-based, header = 1. */
  row: number;
  /** `null` when the record could not be split (see `error`). */
  fields: string[] | null;
  /** Why the record could not be split. */
  error?: string;
}

/** Where records go as they are split: an array, or anything else with `push`. */
export interface CsvRecordSink {
  /** Takes the next record. */
  push(record: CsvRecord): unknown;
}

/** How `CsvReader` and `parseCsv` split a file. */
export interface CsvReaderOptions {
  /** Field delimiter; sniffed from the first lines when absent. */
  delimiter?: string;
  /** Text encoding (a WHATWG label such as `"windows-1251"`); sniffed per line when absent. */
  encoding?: string;
  /**
   * A quoted field still open after this many characters is taken for a stray quote:
   * its record is rejected and reading resumes on the next line.
   * @default 67_108_864
   */
  maxRecordChars?: number;
}

const CANDIDATES = [",", ";", "\t", "|"];
const LISTED_LINES = 10;

/** `line 3`, `lines 3, 7 and 9`, `lines 3, 7, ... (and 12 more)`: physical lines for a warning. */
export function listLines(lines: number[], total: number): string {
  if (lines.length === 1 && total === 1) return `line ${lines[0]}`;
  const more = total - lines.length;
  if (more > 0) return `lines ${lines.join(", ")} and ${more} more`;
  return `lines ${lines.slice(0, -1).join(", ")} and ${lines[lines.length - 1]}`;
}
const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Guesses the delimiter from up to 20 records of `sample`: the one giving the most consistent field count above 1. */
export function sniffDelimiter(sample: string): string {
  let best = ",";
  let bestScore = -1;
  for (const d of CANDIDATES) {
    const counts = countFields(sample, d.charCodeAt(0), 20);
    if (counts.length === 0 || counts[0] < 2) continue;
    const header = counts[0];
    const rest = counts.slice(1);
    const same = rest.filter((c) => c === header).length;
    const consistency = rest.length ? same / rest.length : 1;
    const score = consistency * 1000 + Math.min(header, 999);
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return best;
}

function countFields(text: string, d: number, max: number): number[] {
  const out: number[] = [];
  let fields = 1;
  let inQuotes = false;
  let empty = true;
  for (let i = 0; i < text.length && out.length < max; i++) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === QUOTE) inQuotes = false;
      continue;
    }
    if (c === QUOTE) inQuotes = true, empty = false;
    else if (c === d) fields++, empty = false;
    else if (c === LF || c === CR) {
      if (!empty) out.push(fields);
      if (c === CR && text.charCodeAt(i + 1) === LF) i++;
      fields = 1;
      empty = true;
    } else empty = false;
  }
  return out;
}

/**
 * Push bytes in, get complete records out; `finish()` flushes the last one. Keeps only
 * the unfinished tail between pushes.
 */
export class CsvReader {
  /** The field delimiter: as given, or sniffed from the first line (`null` until then). */
  delimiter: string | null;
  /** The encoding actually used: `"utf-8"`, `"windows-1251"` or `"mixed"`, or the forced one. */
  encodingUsed = "utf-8";
  /** Problems with the text as a whole (encoding), for the load summary. */
  readonly warnings: string[] = [];
  #d = 0;
  #forced: TextDecoder | null;
  #utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  #cp1251 = new TextDecoder("windows-1251");
  #pending: Uint8Array = new Uint8Array(0);
  #joined: Uint8Array = new Uint8Array(0);
  #carry = "";
  #row = 0;
  #line = 0;
  #started = false;
  #cp1251Lines = 0;
  /** The first `LISTED_LINES` lines read as Windows-1251, for the warning. */
  #cp1251Listed: number[] = [];
  #utf8NonAsciiLines = 0;
  #maxRecordChars: number;
  /** Field count of the first record (the header), once read. */
  #header = { width: -1 };

  /** A reader with a forced or sniffed delimiter and encoding. */
  constructor(options: CsvReaderOptions = {}) {
    const { delimiter, encoding, maxRecordChars = 67_108_864 } = options;
    if (delimiter !== undefined && delimiter.length !== 1) {
      throw new RangeError(`Delimiter "${delimiter}" must be one character`);
    }
    this.delimiter = delimiter ?? null;
    if (delimiter) this.#d = delimiter.charCodeAt(0);
    this.#forced = encoding ? new TextDecoder(encoding) : null;
    if (this.#forced) this.encodingUsed = this.#forced.encoding;
    this.#maxRecordChars = maxRecordChars;
  }

  /**
   * The records that `chunk` completes, in order. With `out`, each record is handed to it
   * as soon as it is split (and `out` is returned): a large file's records then die young
   * instead of waiting, a chunk's worth at a time, in an array.
   */
  push<S extends CsvRecordSink = CsvRecord[]>(chunk: Uint8Array, out?: S): S {
    const sink = out ?? ([] as unknown as S);
    let buf = chunk;
    if (this.#pending.length) {
      // The unfinished line joins the next chunk in a buffer reused from push to push:
      // nothing keeps it (the pending tail and the decoded text are copies).
      const n = this.#pending.length + chunk.length;
      if (this.#joined.length < n) this.#joined = new Uint8Array(n + (n >> 3));
      buf = this.#joined.subarray(0, n);
      buf.set(this.#pending);
      buf.set(chunk, this.#pending.length);
    }
    if (!this.#started) {
      if (buf.length < 3) {
        this.#pending = buf.slice();
        return sink;
      }
      buf = this.#stripBom(buf);
    }
    const last = buf.lastIndexOf(LF);
    if (last === -1) {
      this.#pending = buf.slice();
      return sink;
    }
    this.#pending = buf.slice(last + 1);
    this.#parse(this.#decode(buf.subarray(0, last + 1)), false, sink);
    return sink;
  }

  /** The last record (the file's end completes it); `out` as in `push`. */
  finish<S extends CsvRecordSink = CsvRecord[]>(out?: S): S {
    const sink = out ?? ([] as unknown as S);
    let buf = this.#pending;
    if (!this.#started) buf = this.#stripBom(buf);
    this.#pending = new Uint8Array(0);
    this.#parse(this.#decode(buf), true, sink);
    if (this.#cp1251Lines > 0) {
      this.encodingUsed = this.#utf8NonAsciiLines > 0 ? "mixed" : "windows-1251";
      this.warnings.push(
        this.#utf8NonAsciiLines > 0
          ? `Mixed encodings: ${this.#cp1251Lines} line(s) were not valid UTF-8 and were read as Windows-1251 (${
            listLines(this.#cp1251Listed, this.#cp1251Lines)
          }); the other lines were read as UTF-8`
          : `The file is not UTF-8; read as Windows-1251`,
      );
    }
    return sink;
  }

  #stripBom(buf: Uint8Array): Uint8Array {
    this.#started = true;
    if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3);
    if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
      throw new SyntaxError("The file is UTF-16; save it as UTF-8 CSV");
    }
    return buf;
  }

  #decode(bytes: Uint8Array): string {
    if (this.#forced) return this.#forced.decode(bytes, { stream: true });
    let text: string;
    try {
      text = this.#utf8.decode(bytes);
    } catch {
      return this.#decodeLines(bytes);
    }
    if (this.#cp1251Lines === 0) this.#line += countByte(bytes, LF);
    else this.#countUtf8Lines(bytes);
    return text;
  }

  // The slow path, only for blocks that are not valid UTF-8 as a whole.
  #decodeLines(bytes: Uint8Array): string {
    const parts: string[] = [];
    let start = 0;
    while (start < bytes.length) {
      let end = bytes.indexOf(LF, start);
      end = end === -1 ? bytes.length : end + 1;
      const line = bytes.subarray(start, end);
      this.#line++;
      let ascii = true;
      for (let i = 0; i < line.length; i++) {
        if (line[i] > 127) {
          ascii = false;
          break;
        }
      }
      if (ascii) parts.push(this.#cp1251.decode(line));
      else {
        try {
          parts.push(this.#utf8.decode(line));
          this.#utf8NonAsciiLines++;
        } catch {
          parts.push(this.#cp1251.decode(line));
          if (this.#cp1251Lines++ < LISTED_LINES) this.#cp1251Listed.push(this.#line);
        }
      }
      start = end;
    }
    return parts.join("");
  }

  #countUtf8Lines(bytes: Uint8Array): void {
    let start = 0;
    while (start < bytes.length) {
      let end = bytes.indexOf(LF, start);
      end = end === -1 ? bytes.length : end + 1;
      this.#line++;
      for (let i = start; i < end; i++) {
        if (bytes[i] > 127) {
          this.#utf8NonAsciiLines++;
          break;
        }
      }
      start = end;
    }
  }

  #parse(decoded: string, final: boolean, out: CsvRecordSink): void {
    const text = this.#carry ? this.#carry + decoded : decoded;
    this.#carry = "";
    if (this.delimiter === null) {
      if (!final && text.length < 65_536 && countFields(text, 44, 20).length < 20) {
        // Too little seen to sniff reliably; wait for more lines.
        this.#carry = text;
        return;
      }
      this.delimiter = sniffDelimiter(text.slice(0, 65_536));
      this.#d = this.delimiter.charCodeAt(0);
    }
    const d = this.#d;
    if (text.indexOf('"') === -1 && crOnlyInCrlf(text)) {
      this.#row = splitSimple(text, this.delimiter, this.#row, out, this.#header);
      return;
    }
    const n = text.length;
    let i = 0;
    while (i < n) {
      const start = i;
      const fields: string[] = [];
      let broken = false;
      // Where this record's first line ends (found once, when a quoted field needs it).
      let firstLineEnd = -1;
      let spansLines = false;
      let strayClose = false;
      for (;;) {
        if (text.charCodeAt(i) === QUOTE) {
          let j = i + 1;
          let value = "";
          let seg = j;
          let closed = false;
          for (;;) {
            const q = text.indexOf('"', j);
            if (q === -1) break;
            if (text.charCodeAt(q + 1) === QUOTE) {
              value += text.slice(seg, q + 1);
              j = q + 2;
              seg = j;
              continue;
            }
            value += text.slice(seg, q);
            j = q + 1;
            closed = true;
            break;
          }
          if (!closed) {
            if (!final && n - start <= this.#maxRecordChars) {
              this.#carry = text.slice(start);
              return;
            }
            broken = true;
            break;
          }
          if (firstLineEnd === -1) firstLineEnd = lineEnd(text, start);
          const multiline = j > firstLineEnd;
          if (multiline) spansLines = true;
          // Text after a closing quote (`"a"b`) is kept rather than lost.
          let k = j;
          while (k < n) {
            const c = text.charCodeAt(k);
            if (c === d || c === LF || c === CR) break;
            k++;
          }
          if (k > j) {
            value += text.slice(j, k);
            // A quote spanning lines that closes before more text was a stray one.
            if (multiline) strayClose = true;
          }
          fields.push(value);
          i = k;
        } else {
          let k = i;
          while (k < n) {
            const c = text.charCodeAt(k);
            if (c === d || c === LF || c === CR) break;
            k++;
          }
          fields.push(text.slice(i, k));
          i = k;
        }
        if (i >= n) break;
        const c = text.charCodeAt(i);
        if (c === d) {
          i++;
          if (i >= n) {
            fields.push("");
            break;
          }
          continue;
        }
        i++;
        if (c === CR && text.charCodeAt(i) === LF) i++;
        break;
      }
      this.#row++;
      const width = this.#header.width;
      // A quote that closes on a later line, then either leaves the record with a field
      // count other than the header's or is followed by more text (`"visit,...\n..."=x`),
      // was a stray quote that swallowed the lines after it: the line it opened on is
      // rejected and the lines after it are read as records again.
      const swallowed = spansLines && (strayClose || (width > 0 && fields.length !== width));
      if (broken || swallowed) {
        let nl = lineEnd(text, start);
        if (nl < n) nl += text.charCodeAt(nl) === CR && text.charCodeAt(nl + 1) === LF ? 2 : 1;
        out.push({
          row: this.#row,
          fields: null,
          error: broken
            ? 'Unterminated quoted field (a stray " with no closing quote)'
            : `A quote opened in this line closes on a later line ${
              strayClose
                ? "in the middle of a value"
                : `with ${fields.length} fields where the header has ${width}`
            } (a stray "?); the lines after it are read on their own`,
        });
        i = nl;
        continue;
      }
      if (width < 0 && !(fields.length === 1 && fields[0] === "")) {
        this.#header.width = fields.length;
      }
      out.push({ row: this.#row, fields });
    }
  }
}

/** Position of the first LF or CR at or after `from` (`text.length` when none). */
function lineEnd(text: string, from: number): number {
  let i = from;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) return i;
    i++;
  }
  return n;
}

/** True when every `\r` in `text` starts a `\r\n`. */
function crOnlyInCrlf(text: string): boolean {
  let i = text.indexOf("\r");
  while (i !== -1) {
    if (text.charCodeAt(i + 1) !== LF) return false;
    i = text.indexOf("\r", i + 2);
  }
  return true;
}

/**
 * The fast path for text without quotes: lines by `indexOf("\n")`, fields by
 * `indexOf(delimiter)` (its next position is kept, so a search never rescans).
 * Returns the last row number used.
 */
function splitSimple(
  text: string,
  delim: string,
  row: number,
  out: CsvRecordSink,
  header: { width: number },
): number {
  const n = text.length;
  let nextDelim = text.indexOf(delim);
  let i = 0;
  while (i < n) {
    let nl = text.indexOf("\n", i);
    if (nl === -1) nl = n;
    const end = nl > i && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    const fields: string[] = [];
    let p = i;
    for (;;) {
      if (nextDelim !== -1 && nextDelim < p) nextDelim = text.indexOf(delim, p);
      if (nextDelim === -1 || nextDelim >= end) {
        fields.push(text.slice(p, end));
        break;
      }
      fields.push(text.slice(p, nextDelim));
      p = nextDelim + 1;
    }
    if (header.width < 0 && !(fields.length === 1 && fields[0] === "")) {
      header.width = fields.length;
    }
    out.push({ row: ++row, fields });
    i = nl + 1;
  }
  return row;
}

function countByte(bytes: Uint8Array, b: number): number {
  let n = 0;
  let i = bytes.indexOf(b);
  while (i !== -1) {
    n++;
    i = bytes.indexOf(b, i + 1);
  }
  return n;
}

/** Splits a whole CSV text into records (for small inputs and tests). */
export function parseCsv(text: string, options: CsvReaderOptions = {}): CsvRecord[] {
  const reader = new CsvReader(options);
  const out = reader.push(new TextEncoder().encode(text));
  out.push(...reader.finish());
  return out;
}
