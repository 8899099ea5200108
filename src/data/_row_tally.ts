/**
 * What one load counts of the rows it keeps, for its summary: repeated contact ids, rows
 * repeating an earlier row, the span of instants, event types and the distinct contacts.
 */
import type { LoadSummary, TableKind } from "./types.ts";
import type { RawValue } from "./_row_converter.ts";

/**
 * Counts records that repeat an earlier record, from a 64-bit hash of each record's cells.
 * Hashes are appended as they come (8 bytes a row, written in order) and counted once at
 * the end by sorting: on ten million rows that costs a third of a second, where probing a
 * hash table of that size on every row missed the cache and took seconds.
 *
 * Two different records count as a repeat only when all 64 bits agree. Taking the hash as
 * random, the chance that any false repeat occurs among `n` rows is about n^2 / 2^65:
 * 3e-8 for a million rows, 3e-6 for ten million. A false repeat would only add one to
 * `summary.duplicates` (rows are loaded either way).
 */
class RecordHashes {
  // Blocks of (a, b) pairs; the first block starts small so a small file stays small.
  #blocks: Int32Array[] = [];
  #block = new Int32Array(2048);
  #used = 0;

  add(fields: readonly string[]): void {
    // Two lanes, each fed two UTF-16 units (one 32-bit word) per step: half the multiply
    // chain of a per-character hash. Each step is a bijection of the lane state, so
    // records that differ in a single word never collide in a lane.
    let a = 0x3c6ef372 ^ fields.length, b = 0x5be0cd19;
    for (let f = 0; f < fields.length; f++) {
      const s = fields[f];
      const n = s.length;
      let i = 0;
      for (; i + 1 < n; i += 2) {
        const w = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
        a = Math.imul(a ^ w, 0x9e3779b1);
        a ^= a >>> 15;
        b = Math.imul(b ^ w, 0x85ebca77);
        b ^= b >>> 13;
      }
      // The field's length (and an odd last unit) ends each field, so ["ab", "c"] and
      // ["a", "bc"] differ.
      const w = (i < n ? s.charCodeAt(i) : 0x10000) ^ Math.imul(n, 0x20001);
      a = Math.imul(a ^ w, 0x9e3779b1);
      a ^= a >>> 15;
      b = Math.imul(b ^ w, 0x85ebca77);
      b ^= b >>> 13;
    }
    if (this.#used === this.#block.length) this.#next();
    this.#block[this.#used++] = a;
    this.#block[this.#used++] = b;
  }

  #next(): void {
    const full = this.#block;
    if (full.length < 1 << 21) {
      this.#block = new Int32Array(full.length * 4);
      this.#block.set(full);
    } else {
      this.#blocks.push(full);
      this.#block = new Int32Array(full.length);
      this.#used = 0;
    }
  }

  /** Records equal to an earlier one (all rows less the distinct ones). */
  countRepeats(): number {
    const blocks = [...this.#blocks, this.#block.subarray(0, this.#used)];
    this.#blocks = [];
    this.#block = new Int32Array(0);
    this.#used = 0;
    const total = blocks.reduce((n, b) => n + b.length, 0);
    const words = new Int32Array(total);
    let o = 0;
    for (const b of blocks) words.set(b, o), o += b.length;
    // Each pair read as one 64-bit integer: the built-in typed-array sort puts equal
    // hashes side by side (which half is high does not matter for equality).
    new BigUint64Array(words.buffer).sort();
    let repeats = 0;
    for (let k = 2; k < total; k += 2) {
      if (words[k] === words[k - 2] && words[k + 1] === words[k - 1]) repeats++;
    }
    return repeats;
  }
}

/**
 * Distinct strings in an open-addressing table with our own hash: for millions of adds
 * of mostly repeated ids it is several times cheaper than `Set.add`; the `Set` the
 * summary exposes is built once, from the distinct values, at the end.
 */
class StringSet {
  #keys: (string | undefined)[] = new Array(1 << 12);
  #hashes = new Int32Array(1 << 12);
  size = 0;

  add(s: string): void {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    const mask = this.#hashes.length - 1;
    let i = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const k = this.#keys[i];
      if (k === undefined) break;
      if (this.#hashes[i] === h && k === s) return;
      i = (i + 1) & mask;
    }
    this.#keys[i] = s;
    this.#hashes[i] = h;
    if (++this.size * 2 > this.#hashes.length) this.#grow();
  }

  #grow(): void {
    const keys = this.#keys, hashes = this.#hashes;
    const n = hashes.length * 2;
    this.#keys = new Array(n);
    this.#hashes = new Int32Array(n);
    const mask = n - 1;
    for (let j = 0; j < keys.length; j++) {
      if (keys[j] === undefined) continue;
      let i = (hashes[j] ^ (hashes[j] >>> 15)) & mask;
      while (this.#keys[i] !== undefined) i = (i + 1) & mask;
      this.#keys[i] = keys[j];
      this.#hashes[i] = hashes[j];
    }
  }

  toSet(limit: number): Set<string> {
    const out = new Set<string>();
    for (const k of this.#keys) {
      if (k !== undefined && out.size < limit) out.add(k);
    }
    return out;
  }
}

// Set has a hard size limit near 2^24; beyond this many ids we stop collecting.
const MAX_CONTACT_IDS = 16_000_000;

/** The counts of one load's kept rows (`count` each, `finish` once). */
export class RowTally {
  #kind: TableKind;
  #csv: boolean;
  #dupes: RecordHashes | null;
  #ids = new Map<string, number>();
  #contactIds: StringSet | null;
  #types = new Map<string, { n: number }>();
  #lastId: string | null = null;

  constructor(
    kind: TableKind,
    csv: boolean,
    { detectDuplicates, collectContactIds }: {
      detectDuplicates: boolean;
      collectContactIds: boolean;
    },
  ) {
    this.#kind = kind;
    this.#csv = csv;
    this.#dupes = detectDuplicates && kind !== "contacts" ? new RecordHashes() : null;
    this.#contactIds = collectContactIds ? new StringSet() : null;
  }

  /** The row an earlier contact with this id was in, or none (then this row is its first). */
  firstRowOf(id: string, rowNo: number): number | undefined {
    const first = this.#ids.get(id);
    if (first === undefined) this.#ids.set(id, rowNo);
    return first;
  }

  /** Counts a kept row into `summary` (its cells as read, for repeats). */
  count(summary: LoadSummary, row: Record<string, unknown>, cells: RawValue[] | null): void {
    if (this.#kind !== "contacts" && this.#dupes && cells) {
      this.#dupes.add(this.#csv ? cells as string[] : [JSON.stringify(cells)]);
    }
    summary.rowsLoaded++;
    const ts = (this.#kind === "contacts" ? row.created_at : row.ts) as number | null | undefined;
    if (typeof ts === "number") {
      if (summary.minTs === null || ts < summary.minTs) summary.minTs = ts;
      if (summary.maxTs === null || ts > summary.maxTs) summary.maxTs = ts;
    }
    if (this.#kind === "events") {
      const t = row.type as string;
      // A counter object per type: one lookup a row instead of a get and a set.
      const counter = this.#types.get(t);
      if (counter !== undefined) counter.n++;
      else this.#types.set(t, { n: 1 });
    }
    const cid = row.contact_id;
    // Exports are often grouped by contact: skipping a repeat of the last id is cheap.
    if (this.#contactIds && typeof cid === "string" && cid !== this.#lastId) {
      this.#lastId = cid;
      this.#contactIds.add(cid);
    }
  }

  /** Writes the event types, contact ids and repeats into `summary`, with their warnings. */
  finish(summary: LoadSummary): void {
    if (this.#kind === "events") {
      summary.eventTypes = Object.fromEntries(
        [...this.#types].map(([t, c]) => [t, c.n] as const)
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
      );
    }
    if (this.#contactIds) {
      summary.contactIds = this.#contactIds.toSet(MAX_CONTACT_IDS);
      if (this.#contactIds.size > MAX_CONTACT_IDS) {
        summary.warnings.push(
          `Over ${MAX_CONTACT_IDS} distinct contacts; contactIds holds the first ${MAX_CONTACT_IDS}`,
        );
      }
    }
    if (this.#dupes) summary.duplicates = this.#dupes.countRepeats();
    if (this.#kind !== "contacts" && summary.duplicates) {
      summary.warnings.push(
        `${summary.duplicates} row(s) repeat an earlier row exactly; loaded as they are`,
      );
    }
  }
}
