/**
 * Contact id -> dense index, in an open-addressing table on typed arrays. With a million
 * contacts a `Map` lookup misses the cache several times (bucket, entry, key string). Here
 * a slot of 32 bytes holds the index, a 32-bit hash, the id's length and its first
 * `INLINE_UNITS` code units, so a lookup usually reads one cache line of the table besides
 * the id it is given; the stored string is read only for ids longer than a slot holds. The
 * slots also let the engine sort the ids without reading a million scattered strings
 * (`entries`).
 */

/** Code units of an id kept in its slot (two a 32-bit word). */
export const INLINE_UNITS = 10;
/** 32-bit words a slot: index + 1 (0 when empty), hash, length, then the code units. */
const STRIDE = 8;
const FIRST_UNIT = 3;

export class ContactTable {
  /** Ids by index, in the order they were added. */
  readonly ids: string[] = [];
  #slots = new Int32Array(STRIDE << 10);
  #mask = (1 << 10) - 1;

  /** Number of ids. */
  get size(): number {
    return this.ids.length;
  }

  /** Index of `id`, or -1. */
  get(id: string): number {
    const h = hash(id);
    const slots = this.#slots, mask = this.#mask;
    for (let i = h & mask;; i = (i + 1) & mask) {
      const b = i * STRIDE;
      const s = slots[b];
      if (s === 0) return -1;
      if (slots[b + 1] === h && this.#same(b, id)) return s - 1;
    }
  }

  /** Index of `id`, added at the end when new. */
  getOrAdd(id: string): number {
    const h = hash(id);
    const slots = this.#slots, mask = this.#mask;
    let b = 0;
    for (let i = h & mask;; i = (i + 1) & mask) {
      b = i * STRIDE;
      const s = slots[b];
      if (s === 0) break;
      if (slots[b + 1] === h && this.#same(b, id)) return s - 1;
    }
    const index = this.ids.length;
    this.ids.push(id);
    const len = id.length;
    slots[b] = index + 1;
    slots[b + 1] = h;
    slots[b + 2] = len;
    const m = len < INLINE_UNITS ? len : INLINE_UNITS;
    let j = 0;
    for (; j + 1 < m; j += 2) {
      slots[b + FIRST_UNIT + (j >> 1)] = id.charCodeAt(j) | (id.charCodeAt(j + 1) << 16);
    }
    if (j < m) slots[b + FIRST_UNIT + (j >> 1)] = id.charCodeAt(j);
    // At most 5/8 full: probes stay short (two slots a cache line).
    if (this.ids.length * 8 > (mask + 1) * 5) this.#grow();
    return index;
  }

  /**
   * Offsets of the filled slots, in table order, for `entryIndex`, `entryLength` and
   * `entryUnit`: reading them is one pass over the table instead of a read of each string.
   */
  entries(): Int32Array {
    const slots = this.#slots;
    const out = new Int32Array(this.ids.length);
    let n = 0;
    for (let b = 0; b < slots.length; b += STRIDE) if (slots[b] !== 0) out[n++] = b;
    return out;
  }

  /** Index of the id in the slot at offset `b` (from `entries`). */
  entryIndex(b: number): number {
    return this.#slots[b] - 1;
  }

  /** Length of the id in the slot at offset `b`. */
  entryLength(b: number): number {
    return this.#slots[b + 2];
  }

  /** Code unit `j` of the id in the slot at offset `b`, for `j` below `INLINE_UNITS`. */
  entryUnit(b: number, j: number): number {
    const w = this.#slots[b + FIRST_UNIT + (j >> 1)];
    return (j & 1) === 0 ? w & 0xffff : w >>> 16;
  }

  /** Whether the slot at offset `b` holds `id`: its length and units, its string past them. */
  #same(b: number, id: string): boolean {
    const slots = this.#slots, len = id.length;
    if (slots[b + 2] !== len) return false;
    const m = len < INLINE_UNITS ? len : INLINE_UNITS;
    let j = 0;
    for (; j + 1 < m; j += 2) {
      if (slots[b + FIRST_UNIT + (j >> 1)] !== (id.charCodeAt(j) | (id.charCodeAt(j + 1) << 16))) {
        return false;
      }
    }
    if (j < m && slots[b + FIRST_UNIT + (j >> 1)] !== id.charCodeAt(j)) return false;
    return len <= INLINE_UNITS || this.ids[slots[b] - 1] === id;
  }

  #grow(): void {
    const old = this.#slots;
    const count = (old.length / STRIDE) * 2;
    const slots = new Int32Array(count * STRIDE), mask = count - 1;
    for (let ob = 0; ob < old.length; ob += STRIDE) {
      if (old[ob] === 0) continue;
      let i = old[ob + 1] & mask;
      while (slots[i * STRIDE] !== 0) i = (i + 1) & mask;
      const b = i * STRIDE;
      for (let k = 0; k < STRIDE; k++) slots[b + k] = old[ob + k];
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}

/** FNV-1a over UTF-16 units, then a final mix so the low bits (the slot) depend on all. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b);
  return h ^ (h >>> 16);
}
