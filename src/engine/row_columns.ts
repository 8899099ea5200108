/** Score rows as columns of typed arrays, for outputs of millions of rows. */

/**
 * Score rows as columns of typed arrays (row `i`: `contact[i]`, `score[i]`, ...), grown as
 * rows are added: millions of rows without an object each. Reasons are three slots a row
 * (`reasonRule` -1 when empty); scopes are runs of (key, value) pairs.
 */
export class RowColumns {
  /** Rows written. */
  size: number = 0;
  /** Contact index of each row (into the scorer's ids). */
  contact: Int32Array = new Int32Array(1024);
  /** Final global score. */
  score: Float64Array = new Float64Array(1024);
  /** Tier code (`TIERS`: 0 unscored, 1 low, 2 medium, 3 high). */
  tier: Int8Array = new Int8Array(1024);
  /** Matched events kept. */
  matched: Int32Array = new Int32Array(1024);
  /** 1 when the contact is verified. */
  verified: Uint8Array = new Uint8Array(1024);
  /** Three reason slots a row: rule index (attributes after the event rules), -1 when empty. */
  reasonRule: Int32Array = new Int32Array(3 * 1024);
  /** Points of each reason slot. */
  reasonPoints: Float64Array = new Float64Array(3 * 1024);
  /** Row `i`'s scopes are pairs `scopeStart[i] .. scopeStart[i + 1] - 1`. */
  scopeStart: Int32Array = new Int32Array(1025);
  /** Scope key id of each pair (`keys`). */
  scopeKey: Int32Array = new Int32Array(1024);
  /** Scope sum of each pair. */
  scopeValue: Float64Array = new Float64Array(1024);
  /** Scope names by key id. */
  readonly keys: string[] = [];
  #keyIds = new Map<string, number>();
  #pairs = 0;

  /** Starts a row for contact index `contact`; returns its number. */
  next(contact: number): number {
    const row = this.size++;
    if (row === this.contact.length) this.#grow();
    this.contact[row] = contact;
    return row;
  }

  /** Adds one scope sum to the row being written. */
  addScope(key: string, value: number): void {
    let id = this.#keyIds.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.keys.push(key);
      this.#keyIds.set(key, id);
    }
    if (this.#pairs === this.scopeKey.length) {
      this.scopeKey = grown(this.scopeKey, this.#pairs * 2);
      this.scopeValue = grown(this.scopeValue, this.#pairs * 2);
    }
    this.scopeKey[this.#pairs] = id;
    this.scopeValue[this.#pairs++] = value;
  }

  /** Closes the scopes of the row just written. */
  endScopes(): void {
    this.scopeStart[this.size] = this.#pairs;
  }

  /** Makes room for `rows` rows in all, so a known number of rows is written without regrowing. */
  reserve(rows: number): void {
    if (rows > this.contact.length) this.#grow(rows);
  }

  #grow(rows = this.contact.length * 2): void {
    const n = rows;
    this.contact = grown(this.contact, n);
    this.score = grown(this.score, n);
    this.tier = grown(this.tier, n);
    this.matched = grown(this.matched, n);
    this.verified = grown(this.verified, n);
    this.reasonRule = grown(this.reasonRule, 3 * n);
    this.reasonPoints = grown(this.reasonPoints, 3 * n);
    this.scopeStart = grown(this.scopeStart, n + 1);
  }
}

type Typed = Int32Array | Float64Array | Int8Array | Uint8Array;

function grown<A extends Typed>(a: A, n: number): A {
  const b = new (a.constructor as { new (n: number): A })(n);
  b.set(a);
  return b;
}
