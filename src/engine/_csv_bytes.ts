/**
 * A growing UTF-8 buffer for writing millions of CSV lines without a string per line:
 * building each line as text makes a chain of short strings per field that the collector
 * then has to walk and free (it was most of the time of writing scores.csv at a million
 * contacts). Fields are copied in as bytes; numbers still go through `formatNumber`
 * (ECMAScript's shortest round-trip text), except whole numbers, written digit by digit.
 */
import { formatNumber } from "./format_number.ts";
import { mayGuard } from "../tables/safe_cell.ts";

const encoder = new TextEncoder();

export class CsvBytes {
  buf: Uint8Array;
  /** Bytes written. */
  length = 0;

  constructor(capacity = 1 << 20) {
    this.buf = new Uint8Array(capacity);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }

  /** One byte (an ASCII character code). */
  byte(c: number): void {
    this.reserve(1);
    this.buf[this.length++] = c;
  }

  /** Bytes encoded once (`encode`). */
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    const buf = this.buf;
    let p = this.length;
    // A loop: the pieces are a few bytes, shorter than `set` takes to start.
    for (let j = 0; j < b.length; j++) buf[p++] = b[j];
    this.length = p;
  }

  /**
   * `text(s)` when `s` is plain ASCII that needs no quoting and no formula guard (see
   * `textField`), returning true; else writes nothing and returns false.
   */
  plainField(s: string): boolean {
    const n = s.length;
    if (n === 0) return true;
    if (mayGuard(s.charCodeAt(0))) return false;
    this.reserve(n);
    const buf = this.buf, p = this.length;
    for (let j = 0; j < n; j++) {
      const c = s.charCodeAt(j);
      // , " CR LF and anything beyond ASCII take the general path.
      if (c >= 0x80 || c === 44 || c === 34 || c === 13 || c === 10) return false;
      buf[p + j] = c;
    }
    this.length = p + n;
    return true;
  }

  /** Any text, as UTF-8. */
  text(s: string): void {
    this.reserve(3 * s.length);
    const buf = this.buf;
    let p = this.length;
    for (let j = 0; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c >= 0x80) {
        p += encoder.encodeInto(s.slice(j), buf.subarray(p)).written;
        break;
      }
      buf[p++] = c;
    }
    this.length = p;
  }

  /** `formatNumber(x)`. */
  number(x: number): void {
    if (Number.isSafeInteger(x)) this.#integer(x);
    else this.text(formatNumber(x));
  }

  /** A safe integer in decimal (`-0` as `0`, as `formatNumber` writes it). */
  #integer(x: number): void {
    this.reserve(17);
    const buf = this.buf;
    let p = this.length;
    if (x < 0) {
      buf[p++] = 45; // "-"
      x = -x;
    }
    if (x < 10) {
      buf[p++] = 48 + x;
      this.length = p;
      return;
    }
    let digits = 0;
    for (let y = x; y >= 1; y = Math.floor(y / 10)) digits++;
    for (let k = p + digits - 1; k >= p; k--) {
      const q = Math.floor(x / 10);
      buf[k] = 48 + (x - q * 10);
      x = q;
    }
    this.length = p + digits;
  }

  /** The bytes written since the last `take`, handed over (the buffer starts afresh). */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.length);
    this.buf = new Uint8Array(this.buf.length);
    this.length = 0;
    return out;
  }
}

/** UTF-8 bytes of `s`. */
export function encode(s: string): Uint8Array {
  return encoder.encode(s);
}
