/** A CSV file written line by line to a temporary file and renamed into place when complete. */

/** Buffered line writer to a temporary file, renamed into place by `close()`. */
export class CsvFile {
  #file: Deno.FsFile;
  #tmp: string;
  #path: string;
  #buf: string[] = [];
  #size = 0;
  /** Lines written after the header. */
  rows = 0;
  constructor(path: string, header: readonly string[]) {
    this.#path = path;
    this.#tmp = `${path}.${crypto.randomUUID()}.tmp`;
    this.#file = Deno.openSync(this.#tmp, { write: true, create: true, truncate: true });
    this.#push(header.join(","));
  }
  #push(line: string): void {
    this.#buf.push(line);
    this.#size += line.length;
    if (this.#size > 1 << 20) this.flush();
  }
  /** A line already in CSV form, without its newline. */
  line(text: string): void {
    this.#push(text);
    this.rows++;
  }
  flush(): void {
    if (this.#buf.length === 0) return;
    const bytes = new TextEncoder().encode(this.#buf.join("\n") + "\n");
    let off = 0;
    while (off < bytes.length) off += this.#file.writeSync(bytes.subarray(off));
    this.#buf = [];
    this.#size = 0;
  }
  close(): void {
    this.flush();
    this.#file.close();
    Deno.renameSync(this.#tmp, this.#path);
  }
  /** Closes and removes the temporary file; the final path is never touched. */
  abort(): void {
    try {
      this.#file.close();
    } catch { /* already closed */ }
    try {
      Deno.removeSync(this.#tmp);
    } catch { /* never created */ }
  }
}
