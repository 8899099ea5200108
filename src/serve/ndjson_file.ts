/**
 * Append-only NDJSON files: the event log, the outbox, the delivery journal and the
 * dead-letter file of the scoring service.
 *
 * A record is one line, written with its line break in one append; a line is only ever
 * cut short by a crash in the middle of that append (`kill -9`, power loss). So a last
 * line without a line break is a write that was never acknowledged: opening the file cuts
 * it off. A complete line that is not JSON means the file was damaged: reading stops with
 * an error naming the file, the line and the byte offset, and nothing is guessed.
 */

const CHUNK = 1 << 22;
const NEWLINE = 0x0a;

/** Where reading a file stopped. */
export interface NdjsonReadEnd {
  /** Byte offset just past the last complete line read. */
  end: number;
  /** Bytes after `end` that form no complete line (a torn last write). */
  tornBytes: number;
}

/** Which bytes of the file `readNdjsonFile` reads. */
export interface ReadNdjsonOptions {
  /** Byte offset to start at (a line start). @default 0 */
  from?: number;
  /** Byte offset to stop at (a line end); lines past it are not read. @default the file's size */
  to?: number;
}

/**
 * Reads the lines of an NDJSON file in order and hands each parsed value to `onLine` with
 * the byte offset just past its line. A missing file reads as empty. Throws `SyntaxError`
 * naming the file, line and offset when a complete line is not JSON.
 */
export function readNdjsonFile(
  path: string,
  onLine: (value: unknown, endOffset: number) => void,
  options: ReadNdjsonOptions = {},
): NdjsonReadEnd {
  const it = ndjsonLines(path, options);
  for (let r = it.next();; r = it.next()) {
    if (r.done) return r.value;
    onLine(r.value.value, r.value.end);
  }
}

/**
 * The lines of an NDJSON file as `{ value, end }` (`end`: byte offset just past the line);
 * the generator's return value says where reading stopped. See `readNdjsonFile`.
 */
export function* ndjsonLines(
  path: string,
  options: ReadNdjsonOptions = {},
): Generator<{ value: unknown; end: number }, NdjsonReadEnd> {
  const { from = 0 } = options;
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { end: from, tornBytes: 0 };
    throw err;
  }
  try {
    const size = file.statSync().size;
    const to = Math.min(options.to ?? size, size);
    if (from > to) {
      throw new RangeError(
        `Cannot read "${path}" from byte ${from}: the file has only ${size} bytes`,
      );
    }
    file.seekSync(from, Deno.SeekMode.Start);
    const decoder = new TextDecoder();
    let carry: Uint8Array = new Uint8Array(0);
    let offset = from; // file offset of carry[0]
    let lineNo = 0;
    let pos = from;
    const buf = new Uint8Array(CHUNK);
    while (pos < to) {
      const n = file.readSync(buf.subarray(0, Math.min(CHUNK, to - pos)));
      if (n === null || n === 0) break;
      pos += n;
      const chunk = carry.length ? concat(carry, buf.subarray(0, n)) : buf.subarray(0, n);
      let start = 0;
      const lines: { value: unknown; end: number }[] = [];
      for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, start)) {
        lineNo++;
        const text = decoder.decode(chunk.subarray(start, i));
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (err) {
          throw new SyntaxError(
            `Cannot read "${path}": line ${lineNo} after byte ${from} (at byte ${
              offset + start
            }) is not JSON (${(err as Error).message}); the file is damaged`,
          );
        }
        lines.push({ value, end: offset + i + 1 });
        start = i + 1;
      }
      // The rest waits for the next chunk; copied, because `buf` is reused.
      carry = chunk.slice(start);
      offset += start;
      yield* lines;
    }
    return { end: offset, tornBytes: carry.length };
  } finally {
    file.close();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * An NDJSON file open for appending. `append` writes whole lines; `sync` makes them
 * durable (fdatasync). `length` is the file's size after the last append.
 */
export class NdjsonAppender {
  /** The file appended to. */
  readonly path: string;
  #file: Deno.FsFile;
  #length: number;
  #encoder = new TextEncoder();

  private constructor(path: string, file: Deno.FsFile, length: number) {
    this.path = path;
    this.#file = file;
    this.#length = length;
  }

  /**
   * Opens (creating) `path` for appending after cutting it to `validLength` bytes (the `end`
   * of a read: a torn last line goes). Without `validLength`, a torn last line is found and
   * cut by scanning back from the end.
   */
  static open(path: string, validLength?: number): NdjsonAppender {
    const file = Deno.openSync(path, { read: true, write: true, create: true });
    try {
      const size = file.statSync().size;
      const keep = validLength ?? lastLineEnd(file, size);
      if (keep > size) {
        throw new RangeError(`Cannot open "${path}" at byte ${keep}: it has only ${size} bytes`);
      }
      if (keep < size) {
        file.truncateSync(keep);
        file.syncDataSync();
      }
      file.seekSync(keep, Deno.SeekMode.Start);
      return new NdjsonAppender(path, file, keep);
    } catch (err) {
      file.close();
      throw err;
    }
  }

  /** Bytes in the file, all of them whole lines. */
  get length(): number {
    return this.#length;
  }

  /** Appends `lines` (each without its line break) in one write. */
  append(lines: string[]): void {
    if (lines.length === 0) return;
    const bytes = this.#encoder.encode(lines.join("\n") + "\n");
    let o = 0;
    try {
      while (o < bytes.length) o += this.#file.writeSync(bytes.subarray(o));
    } catch (err) {
      // Leave no partial line behind: later appends must start on a line boundary.
      try {
        this.#file.truncateSync(this.#length);
        this.#file.seekSync(this.#length, Deno.SeekMode.Start);
      } catch {
        // The write error below says what went wrong first.
      }
      throw err;
    }
    this.#length += bytes.length;
  }

  /** Flushes appended lines to the disk (fdatasync). */
  async sync(): Promise<void> {
    await this.#file.syncData();
  }

  /** Closes the file (again is a no-op). */
  close(): void {
    try {
      this.#file.close();
    } catch (err) {
      if (!(err instanceof Deno.errors.BadResource)) throw err;
    }
  }
}

/** Offset just past the last line break of the first `size` bytes (0 when there is none). */
function lastLineEnd(file: Deno.FsFile, size: number): number {
  const buf = new Uint8Array(65_536);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - buf.length);
    file.seekSync(start, Deno.SeekMode.Start);
    let got = 0;
    while (got < end - start) {
      const n = file.readSync(buf.subarray(got, end - start));
      if (n === null) break;
      got += n;
    }
    const i = buf.subarray(0, got).lastIndexOf(NEWLINE);
    if (i !== -1) return start + i + 1;
    end = start;
  }
  return 0;
}
