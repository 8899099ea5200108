/**
 * Webhook deliveries in the background: per-contact order, a bound on requests in flight,
 * retries with exponential back-off and jitter, and a dead letter after the last attempt.
 * Nothing here waits on ingestion and ingestion never waits on it: `enqueue` returns at once.
 */

/** One firing to deliver. `key` is its idempotency key. */
export interface Delivery {
  /** The idempotency key. */
  key: string;
  /** Deliveries of one contact go out in order. */
  contactId: string;
  /** Where the webhook POST goes. */
  url: string;
  /** The JSON body, sent as is on every attempt. */
  body: string;
  /** `performance.now()` when the firing happened, for the delivery latency. */
  firedAt: number;
}

/** A failed attempt; `permanent` failures (a 4xx refusal) are not retried. */
export class DeliveryError extends Error {
  /** Always `"DeliveryError"`. */
  override name = "DeliveryError";
  /** `true` when retrying cannot help (the receiver refused the request itself). */
  readonly permanent: boolean;

  /** A failed attempt; `permanent` ones are not retried. */
  constructor(message: string, permanent = false) {
    super(message);
    this.permanent = permanent;
  }
}

/** How `DeliveryQueue` sends and retries. */
export interface DeliveryQueueOptions {
  /** Sends one attempt (1-based); resolves when the receiver accepted it, throws otherwise. */
  send: (delivery: Delivery, attempt: number) => Promise<void>;
  /** Called once a delivery is accepted. @default a no-op */
  onDelivered?: (delivery: Delivery, attempts: number) => void;
  /** Called when a delivery is given up. @default a no-op */
  onDead?: (delivery: Delivery, attempts: number, error: string) => void;
  /** Called when an attempt failed and another is scheduled. @default a no-op */
  onRetry?: (delivery: Delivery, attempt: number, delayMs: number, error: string) => void;
  /** Attempts before a delivery goes to the dead letters. @default 8 */
  maxAttempts?: number;
  /** Delay before the second attempt; it doubles each time. @default 500 */
  baseDelayMs?: number;
  /** Longest delay between attempts. @default 60_000 */
  maxDelayMs?: number;
  /** Requests in flight at once (over all contacts). @default 16 */
  concurrency?: number;
  /** Random numbers in [0, 1) for the jitter. @default Math.random */
  random?: () => number;
}

interface Entry {
  delivery: Delivery;
  attempts: number;
}

/**
 * The delay before attempt `attempt + 1` after `attempt` failures: `base * 2^(attempt-1)`
 * capped at `max`, then "equal jitter" (a random point in its upper half), so receivers
 * coming back from an outage are not hit by every sender at the same instant while the
 * back-off still grows.
 */
export function backoffDelay(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const d = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return d / 2 + random() * (d / 2);
}

/**
 * Deliveries waiting, per contact in order; see the module doc. Failed attempts are retried
 * after `backoffDelay`; the last failure calls `onDead`.
 */
export class DeliveryQueue {
  #opts: Required<DeliveryQueueOptions>;
  /** Waiting deliveries per contact, the head being the one in flight or waiting to retry. */
  #byContact = new Map<string, Entry[]>();
  /** Contacts whose head can be sent now, in the order they became ready. */
  #ready: string[] = [];
  #inFlight = 0;
  #waiting = 0;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #idle: (() => void)[] = [];
  #closed = false;

  /** Throws `RangeError` for a bad attempt count, delay or concurrency. */
  constructor(options: DeliveryQueueOptions) {
    const {
      send,
      onDelivered = () => {},
      onDead = () => {},
      onRetry = () => {},
      maxAttempts = 8,
      baseDelayMs = 500,
      maxDelayMs = 60_000,
      concurrency = 16,
      random = Math.random,
    } = options;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new RangeError(`maxAttempts "${maxAttempts}" must be a positive integer`);
    }
    if (!(baseDelayMs >= 0) || !(maxDelayMs >= baseDelayMs)) {
      throw new RangeError(
        `Delays must satisfy 0 <= baseDelayMs (${baseDelayMs}) <= maxDelayMs (${maxDelayMs})`,
      );
    }
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency "${concurrency}" must be a positive integer`);
    }
    this.#opts = {
      send,
      onDelivered,
      onDead,
      onRetry,
      maxAttempts,
      baseDelayMs,
      maxDelayMs,
      concurrency,
      random,
    };
  }

  /** Deliveries not yet delivered or given up (in flight, waiting to retry, or queued). */
  get length(): number {
    return this.#waiting;
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** The waiting deliveries, in per-contact order (for a snapshot). */
  pending(): Delivery[] {
    const out: Delivery[] = [];
    for (const q of this.#byContact.values()) for (const e of q) out.push(e.delivery);
    return out;
  }

  /** Queues a delivery behind the contact's earlier ones. */
  enqueue(delivery: Delivery): void {
    if (this.#closed) return;
    this.#waiting++;
    const q = this.#byContact.get(delivery.contactId);
    if (q) {
      q.push({ delivery, attempts: 0 });
      return;
    }
    this.#byContact.set(delivery.contactId, [{ delivery, attempts: 0 }]);
    this.#ready.push(delivery.contactId);
    this.#pump();
  }

  /** Resolves when nothing is waiting (every delivery delivered or dead). */
  idle(): Promise<void> {
    if (this.#waiting === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Stops: pending retries are dropped (they are recovered from the log at the next start). */
  close(): void {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#ready = [];
  }

  #pump(): void {
    while (!this.#closed && this.#inFlight < this.#opts.concurrency && this.#ready.length) {
      const contact = this.#ready.shift()!;
      const entry = this.#byContact.get(contact)?.[0];
      if (entry) this.#attempt(contact, entry);
    }
  }

  async #attempt(contact: string, entry: Entry): Promise<void> {
    this.#inFlight++;
    entry.attempts++;
    let error: string | null = null;
    let permanent = false;
    try {
      await this.#opts.send(entry.delivery, entry.attempts);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      permanent = err instanceof DeliveryError && err.permanent;
    }
    this.#inFlight--;
    if (this.#closed) return;
    if (error === null) {
      this.#opts.onDelivered(entry.delivery, entry.attempts);
      this.#next(contact);
    } else if (permanent || entry.attempts >= this.#opts.maxAttempts) {
      this.#opts.onDead(entry.delivery, entry.attempts, error);
      this.#next(contact);
    } else {
      const { baseDelayMs, maxDelayMs, random } = this.#opts;
      const delay = backoffDelay(entry.attempts, baseDelayMs, maxDelayMs, random);
      this.#opts.onRetry(entry.delivery, entry.attempts, delay, error);
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.#ready.push(contact);
        this.#pump();
      }, delay);
      this.#timers.add(timer);
    }
    this.#pump();
  }

  /** The contact's head is done: its next delivery (if any) becomes ready. */
  #next(contact: string): void {
    const q = this.#byContact.get(contact)!;
    q.shift();
    this.#waiting--;
    if (q.length) this.#ready.push(contact);
    else this.#byContact.delete(contact);
    if (this.#waiting === 0) {
      const waiters = this.#idle;
      this.#idle = [];
      for (const w of waiters) w();
    }
  }
}
