/**
 * Sending one webhook attempt: a JSON POST with an idempotency key and an HMAC-SHA256
 * signature, in the way common webhook senders do it (Stripe, GitHub): the receiver
 * recomputes `HMAC(secret, timestamp + "." + body)` and compares it with the header.
 */
import { type Delivery, DeliveryError } from "./delivery_queue.ts";

/** Header names of every webhook request. */
export const WEBHOOK_HEADERS = {
  idempotencyKey: "Idempotency-Key",
  signature: "X-Scorebench-Signature",
  timestamp: "X-Scorebench-Timestamp",
  attempt: "X-Scorebench-Attempt",
} as const;

const encoder = new TextEncoder();

async function hmacKey(secret: string): Promise<CryptoKey> {
  return await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
}

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** `sha256=<hex of HMAC-SHA256(secret, timestamp + "." + body)>`, the signature header's value. */
export async function signWebhook(
  secret: string,
  timestamp: string,
  body: string,
): Promise<string> {
  const key = await hmacKey(secret);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${timestamp}.${body}`));
  return `sha256=${hex(mac)}`;
}

/** How `createWebhookSender` signs and sends. */
export interface WebhookSenderOptions {
  /** Shared secret for the signature; `null` sends unsigned requests. */
  secret: string | null;
  /** Give up one attempt after this long. @default 10_000 */
  timeoutMs?: number;
  /** The fetch to send with (tests pass their own). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Unix seconds for the timestamp header. @default the wall clock */
  nowSeconds?: () => number;
}

/**
 * A `send` for `DeliveryQueue`: resolves on a 2xx answer; throws `DeliveryError` otherwise,
 * permanent for a 4xx refusal other than 408 (timeout) and 429 (too many requests).
 */
export function createWebhookSender(
  options: WebhookSenderOptions,
): (delivery: Delivery, attempt: number) => Promise<void> {
  const {
    secret,
    timeoutMs = 10_000,
    fetch: fetchFn = globalThis.fetch,
    nowSeconds = () => Math.floor(Date.now() / 1000),
  } = options;
  const key = secret === null ? null : hmacKey(secret);
  return async (delivery, attempt) => {
    const timestamp = String(nowSeconds());
    const headers: Record<string, string> = {
      "content-type": "application/json",
      [WEBHOOK_HEADERS.idempotencyKey]: delivery.key,
      [WEBHOOK_HEADERS.timestamp]: timestamp,
      [WEBHOOK_HEADERS.attempt]: String(attempt),
    };
    if (key !== null) {
      const mac = await crypto.subtle.sign(
        "HMAC",
        await key,
        encoder.encode(`${timestamp}.${delivery.body}`),
      );
      headers[WEBHOOK_HEADERS.signature] = `sha256=${hex(mac)}`;
    }
    let res: Response;
    try {
      res = await fetchFn(delivery.url, {
        method: "POST",
        headers,
        body: delivery.body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "manual",
      });
    } catch (err) {
      throw new DeliveryError(`POST ${delivery.url} failed: ${(err as Error).message}`);
    }
    await res.body?.cancel();
    if (res.status >= 200 && res.status < 300) return;
    const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 &&
      res.status !== 429;
    throw new DeliveryError(`POST ${delivery.url} answered ${res.status}`, permanent);
  };
}
