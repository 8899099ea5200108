/**
 * Contact id -> dense index, in an open-addressing table on typed arrays. With a million
 * contacts a `Map` lookup misses the cache several times (bucket, entry, key string); here
 * a probe reads one slot, the index and the id's 32-bit hash side by side in one
 * `Int32Array` (one cache line), and compares strings only when the hashes agree. Keeping
 * the id's first code units in the slot as well (32-byte slots) measured slower: twice the
 * memory to grow and miss in, for no fewer misses on lookup.
 */
export class ContactTable {
  /** Ids by index, in the order they were added. */
  readonly ids: string[] = [];
  /**
   * 1 for each code unit some id holds, marked as ids are added (while the string is at
   * hand), so sorting the ids later need not read every one of them twice.
   */
  readonly units: Uint8Array = new Uint8Array(0x10000);
  // Slot j: #slots[2j] = index + 1 (0 when empty), #slots[2j + 1] = hash of the id.
  #slots = new Int32Array(2 << 10);
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
      const s = slots[2 * i];
      if (s === 0) return -1;
      if (slots[2 * i + 1] === h && this.ids[s - 1] === id) return s - 1;
    }
  }
  /** Index of `id`, added at the end when new. */
  getOrAdd(id: string): number {
    const h = hash(id);
    const slots = this.#slots, mask = this.#mask;
    let i = h & mask;
    for (;; i = (i + 1) & mask) {
      const s = slots[2 * i];
      if (s === 0) break;
      if (slots[2 * i + 1] === h && this.ids[s - 1] === id) return s - 1;
    }
    const index = this.ids.length;
    this.ids.push(id);
    const units = this.units;
    for (let j = 0; j < id.length; j++) units[id.charCodeAt(j)] = 1;
    slots[2 * i] = index + 1;
    slots[2 * i + 1] = h;
    // At most half full: probes stay short.
    if (this.ids.length * 2 > mask + 1) this.#grow();
    return index;
  }
  #grow(): void {
    const old = this.#slots;
    const n = old.length; // twice the old slot count
    const slots = new Int32Array(2 * n), mask = n - 1;
    for (let j = 0; j < old.length; j += 2) {
      const s = old[j];
      if (s === 0) continue;
      const h = old[j + 1];
      let i = h & mask;
      while (slots[2 * i] !== 0) i = (i + 1) & mask;
      slots[2 * i] = s;
      slots[2 * i + 1] = h;
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
