/**
 * Contact id -> dense index, in an open-addressing table on typed arrays. With a million
 * contacts a `Map` lookup misses the cache several times (bucket, entry, key string); here
 * a probe reads one slot of two parallel `Int32Array`s and compares strings only when the
 * 32-bit hashes agree, so a lookup usually costs one miss plus the string comparison.
 */
export class ContactTable {
  /** Ids by index, in the order they were added. */
  readonly ids: string[] = [];
  #slots = new Int32Array(1 << 10); // index + 1; 0 is empty
  #slotHash = new Int32Array(1 << 10);
  #mask = (1 << 10) - 1;

  /** Number of ids. */
  get size(): number {
    return this.ids.length;
  }

  /** Index of `id`, or -1. */
  get(id: string): number {
    const h = hash(id);
    const slots = this.#slots, hashes = this.#slotHash, mask = this.#mask;
    for (let i = h & mask;; i = (i + 1) & mask) {
      const s = slots[i];
      if (s === 0) return -1;
      if (hashes[i] === h && this.ids[s - 1] === id) return s - 1;
    }
  }

  /** Index of `id`, added at the end when new. */
  getOrAdd(id: string): number {
    const h = hash(id);
    const slots = this.#slots, hashes = this.#slotHash, mask = this.#mask;
    let i = h & mask;
    for (;; i = (i + 1) & mask) {
      const s = slots[i];
      if (s === 0) break;
      if (hashes[i] === h && this.ids[s - 1] === id) return s - 1;
    }
    const index = this.ids.length;
    this.ids.push(id);
    slots[i] = index + 1;
    hashes[i] = h;
    // At most half full: probes stay short.
    if (this.ids.length * 2 > slots.length) this.#grow();
    return index;
  }

  #grow(): void {
    const oldSlots = this.#slots, oldHashes = this.#slotHash;
    const n = oldSlots.length * 2;
    const slots = new Int32Array(n), hashes = new Int32Array(n), mask = n - 1;
    for (let j = 0; j < oldSlots.length; j++) {
      const s = oldSlots[j];
      if (s === 0) continue;
      const h = oldHashes[j];
      let i = h & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = s;
      hashes[i] = h;
    }
    this.#slots = slots;
    this.#slotHash = hashes;
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
